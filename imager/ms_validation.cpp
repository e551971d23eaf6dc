#include "ms_validation.h"

#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableColumn.h>

#include <map>
#include <stdexcept>

namespace ptclean::imager {

namespace {

std::string shapeText(const casacore::IPosition& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// A vector cell (CHAN_FREQ, CORR_TYPE, ...) must hold `length` (NUM_CHAN, NUM_CORR) values.
template <typename T>
void checkVectorLength(const casacore::ArrayColumn<T>& column, casacore::rownr_t row, int length,
                       const std::string& where) {
  const std::string name = column.columnDesc().name();
  if (length < 1) throw std::runtime_error(where + ": " + name + " needs at least one value, but the count is " +
                                           std::to_string(length));
  if (!column.isDefined(row)) throw std::runtime_error(where + ": " + name + " is undefined");
  const casacore::IPosition shape = column.shape(row);
  if (shape != casacore::IPosition(1, length))
    throw std::runtime_error(where + ": " + name + " has shape " + shapeText(shape) + ", but the row says " +
                             std::to_string(length) + " values");
}

/// casacore's phaseDirMeas reads PHASE_DIR as [2, NUM_POLY + 1] unchecked (and crashes on [2, 0]).
void checkFieldDirections(const casacore::MeasurementSet& ms, const std::string& where) {
  casacore::MSFieldColumns fields(ms.field());
  for (casacore::rownr_t f = 0; f < fields.nrow(); ++f) {
    const int poly = fields.numPoly()(f);
    if (!fields.phaseDir().isDefined(f))
      throw std::runtime_error(where + "FIELD row " + std::to_string(f) + ": PHASE_DIR is undefined");
    const casacore::IPosition shape = fields.phaseDir().shape(f);
    if (poly < 0 || shape.size() != 2 || shape[0] != 2 || shape[1] < poly + 1)
      throw std::runtime_error(where + "FIELD row " + std::to_string(f) + ": PHASE_DIR has shape " + shapeText(shape) +
                               ", but NUM_POLY " + std::to_string(poly) + " needs [2, " + std::to_string(poly + 1) +
                               "]");
  }
}

}  // namespace

void validateMeasurementSet(const casacore::MeasurementSet& ms, const std::string& path, const std::string& column) {
  const std::string where = "vis '" + path + "': ";
  struct Subtable {
    const char* name;
    casacore::rownr_t rows;
  };
  for (const Subtable& sub : {Subtable{"ANTENNA", ms.antenna().nrow()}, Subtable{"FIELD", ms.field().nrow()},
                              Subtable{"SPECTRAL_WINDOW", ms.spectralWindow().nrow()},
                              Subtable{"POLARIZATION", ms.polarization().nrow()},
                              Subtable{"DATA_DESCRIPTION", ms.dataDescription().nrow()}})
    if (sub.rows == 0) throw std::runtime_error(where + "subtable " + sub.name + " is empty");
  if (ms.nrow() == 0) throw std::runtime_error(where + "the main table has no rows");

  casacore::MSDataDescColumns dd(ms.dataDescription());
  casacore::MSSpWindowColumns spw(ms.spectralWindow());
  casacore::MSPolarizationColumns pol(ms.polarization());
  for (casacore::rownr_t d = 0; d < dd.nrow(); ++d) {
    const int s = dd.spectralWindowId()(d), p = dd.polarizationId()(d);
    if (s < 0 || casacore::rownr_t(s) >= spw.nrow())
      throw std::runtime_error(where + "DATA_DESCRIPTION row " + std::to_string(d) + " refers to spectral window " +
                               std::to_string(s) + ", which does not exist (SPECTRAL_WINDOW has " +
                               std::to_string(spw.nrow()) + " rows)");
    if (p < 0 || casacore::rownr_t(p) >= pol.nrow())
      throw std::runtime_error(where + "DATA_DESCRIPTION row " + std::to_string(d) + " refers to polarization " +
                               std::to_string(p) + ", which does not exist (POLARIZATION has " +
                               std::to_string(pol.nrow()) + " rows)");
  }

  // Row ids, and the data shape of the first row of each data description in use.
  casacore::ScalarColumn<casacore::Int> dd_id(ms, "DATA_DESC_ID"), ant1(ms, "ANTENNA1"), ant2(ms, "ANTENNA2"),
      field(ms, "FIELD_ID");
  const auto dds = dd_id.getColumn(), a1 = ant1.getColumn(), a2 = ant2.getColumn(), fields = field.getColumn();
  const long antennas = long(ms.antenna().nrow()), nfields = long(ms.field().nrow()), ndd = long(dd.nrow());
  const casacore::ArrayColumn<casacore::Complex> data(ms, column);  // throws unless it holds complex values
  std::map<int, casacore::rownr_t> first_row;
  for (casacore::rownr_t r = 0; r < dds.size(); ++r) {
    auto bad = [&](const char* what, long value, const char* table, long rows) {
      throw std::runtime_error(where + "row " + std::to_string(r) + ": " + what + " " + std::to_string(value) +
                               " does not exist (" + table + " has " + std::to_string(rows) + " rows)");
    };
    if (dds[r] < 0 || dds[r] >= ndd) bad("DATA_DESC_ID", dds[r], "DATA_DESCRIPTION", ndd);
    if (a1[r] < 0 || a1[r] >= antennas) bad("ANTENNA1", a1[r], "ANTENNA", antennas);
    if (a2[r] < 0 || a2[r] >= antennas) bad("ANTENNA2", a2[r], "ANTENNA", antennas);
    if (fields[r] < 0 || fields[r] >= nfields) bad("FIELD_ID", fields[r], "FIELD", nfields);
    first_row.emplace(dds[r], r);
  }
  // The reader indexes FLAG, WEIGHT and WEIGHT_SPECTRUM by DATA's shape (found by fuzzing).
  const bool has_spectrum = ms.tableDesc().isColumn("WEIGHT_SPECTRUM");
  for (const auto& [d, r] : first_row) {
    const casacore::IPosition expected(2, pol.numCorr()(dd.polarizationId()(d)), spw.numChan()(dd.spectralWindowId()(d)));
    auto check = [&, d = d, r = r](const std::string& name, const casacore::IPosition& wanted, bool required) {
      const casacore::TableColumn cells(ms, name);
      if (!cells.isDefined(r)) {
        if (!required) return;
        throw std::runtime_error(where + name + " is undefined in row " + std::to_string(r));
      }
      const casacore::IPosition shape = cells.shape(r);
      if (shape != wanted)
        throw std::runtime_error(where + name + " has shape " + shapeText(shape) + " in row " + std::to_string(r) +
                                 ", but its data description " + std::to_string(d) + " says " +
                                 std::to_string(expected[0]) + " correlations x " + std::to_string(expected[1]) +
                                 " channels");
    };
    check(column, expected, true);
    check("FLAG", expected, true);
    check("WEIGHT", casacore::IPosition(1, expected[0]), true);
    if (has_spectrum) check("WEIGHT_SPECTRUM", expected, false);
  }

  // The reader indexes these vectors by channel and by correlation (found by fuzzing). Checked
  // after the data shapes, so that a wrong NUM_CORR or NUM_CHAN is reported as a DATA shape.
  for (casacore::rownr_t d = 0; d < dd.nrow(); ++d) {
    const int s = dd.spectralWindowId()(d), p = dd.polarizationId()(d);
    checkVectorLength(spw.chanFreq(), s, spw.numChan()(s), where + "SPECTRAL_WINDOW row " + std::to_string(s));
    checkVectorLength(spw.chanWidth(), s, spw.numChan()(s), where + "SPECTRAL_WINDOW row " + std::to_string(s));
    checkVectorLength(pol.corrType(), p, pol.numCorr()(p), where + "POLARIZATION row " + std::to_string(p));
  }
  checkFieldDirections(ms, where);
}

}  // namespace ptclean::imager
