#include "ms_validation.h"

#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <map>
#include <stdexcept>

namespace ptclean::imager {

namespace {

std::string shapeText(const casacore::IPosition& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
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
  casacore::ArrayColumn<casacore::Complex> data(ms, column);
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
  for (const auto& [d, r] : first_row) {
    const casacore::IPosition expected(2, pol.numCorr()(dd.polarizationId()(d)), spw.numChan()(dd.spectralWindowId()(d)));
    if (!data.isDefined(r)) throw std::runtime_error(where + column + " is undefined in row " + std::to_string(r));
    const casacore::IPosition shape = data.shape(r);
    if (shape != expected)
      throw std::runtime_error(where + column + " has shape " + shapeText(shape) + " in row " + std::to_string(r) +
                               ", but its data description " + std::to_string(d) + " says " +
                               std::to_string(expected[0]) + " correlations x " + std::to_string(expected[1]) +
                               " channels");
  }
}

}  // namespace ptclean::imager
