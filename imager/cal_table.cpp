#include "cal_table.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/measures/TableMeasures/TableMeasDesc.h>
#include <casacore/measures/TableMeasures/TableMeasRefDesc.h>
#include <casacore/measures/TableMeasures/TableMeasValueDesc.h>
#include <casacore/measures/TableMeasures/TableQuantumDesc.h>
#include <casacore/measures/Measures/MEpoch.h>
#include <casacore/ms/MeasurementSets/MSHistory.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScaColDesc.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace ptclean::imager {
namespace {
namespace fs = std::filesystem;

const char* const kSubtables[] = {"ANTENNA", "FIELD", "SPECTRAL_WINDOW", "OBSERVATION"};

std::vector<CalSpw> readSpws(const casacore::Table& table) {
  casacore::ArrayColumn<casacore::Double> freqs(table, "CHAN_FREQ");
  casacore::ScalarColumn<casacore::Double> ref(table, "REF_FREQUENCY");
  std::vector<CalSpw> spws(table.nrow());
  for (casacore::rownr_t r = 0; r < table.nrow(); ++r) {
    if (freqs.isDefined(r)) spws[r].chan_freq_hz = freqs(r).tovector();
    spws[r].ref_freq_hz = ref(r);
  }
  return spws;
}

std::vector<CalField> readFields(const casacore::Table& table) {
  casacore::ScalarColumn<casacore::String> names(table, "NAME");
  casacore::ArrayColumn<casacore::Double> dirs(table, "PHASE_DIR");
  std::vector<CalField> fields(table.nrow());
  for (casacore::rownr_t r = 0; r < table.nrow(); ++r) {
    fields[r].name = names(r);
    const casacore::Array<casacore::Double> dir = dirs(r);
    if (dir.nelements() >= 2) {
      fields[r].ra = dir.data()[0];
      fields[r].dec = dir.data()[1];
    }
  }
  return fields;
}

/// Cell by cell: a bandpass table over spws of different channel counts has cells of several
/// shapes (one per spw), so the column cannot be read as one array.
template <typename T>
void readParameters(const casacore::Table& table, const char* column, CalTable& out) {
  casacore::ArrayColumn<T> values(table, column);
  casacore::ArrayColumn<casacore::Bool> flags(table, "FLAG");
  casacore::Array<T> cell;
  casacore::Array<casacore::Bool> cell_flags;
  for (std::size_t r = 0; r < out.solutions.size(); ++r) {
    values.get(r, cell, true);
    flags.get(r, cell_flags, true);
    if (cell.ndim() != 2 || cell_flags.shape() != cell.shape() || (r > 0 && int(cell.shape()[0]) != out.receptors))
      throw std::runtime_error("caltable '" + out.path + "': row " + std::to_string(r) + ": " + column +
                               " and FLAG must be [receptors, channels] cells, with the receptors of every row");
    out.receptors = int(cell.shape()[0]);
    out.channels = std::max(out.channels, int(cell.shape()[1]));
    auto& s = out.solutions[r];
    s.values.assign(cell.begin(), cell.end());
    s.flags.assign(cell_flags.begin(), cell_flags.end());
  }
}

/// Every solution's spw exists, and holds one channel frequency per solution channel; the
/// solutions of one spw share a shape. Checked on reading, before applycal changes anything.
void checkSolutions(const CalTable& cal) {
  std::vector<std::size_t> cell_of_spw(cal.spws.size(), 0);
  for (const auto& s : cal.solutions) {
    if (s.spw < 0 || std::size_t(s.spw) >= cal.spws.size())
      throw std::runtime_error("caltable '" + cal.path + "': spw " + std::to_string(s.spw) + " is not in its SPECTRAL_WINDOW table");
    std::size_t& cell = cell_of_spw[std::size_t(s.spw)];
    if (cell == 0) cell = s.values.size();
    const std::size_t channels = s.values.size() / std::size_t(cal.receptors);
    if (s.values.size() != cell || (channels > 1 && cal.spws[std::size_t(s.spw)].chan_freq_hz.size() != channels))
      throw std::runtime_error("caltable '" + cal.path + "': the solutions of spw " + std::to_string(s.spw) +
                               " do not match its " + std::to_string(cal.spws[std::size_t(s.spw)].chan_freq_hz.size()) +
                               " channels");
  }
}

casacore::TableDesc calTableDesc(bool complex) {
  casacore::TableDesc td("", "1", casacore::TableDesc::Scratch);
  td.addColumn(casacore::ScalarColumnDesc<casacore::Double>("TIME", "solution time"));
  for (const char* name : {"FIELD_ID", "SPECTRAL_WINDOW_ID", "ANTENNA1", "ANTENNA2"})
    td.addColumn(casacore::ScalarColumnDesc<casacore::Int>(name));
  td.addColumn(casacore::ScalarColumnDesc<casacore::Double>("INTERVAL"));
  for (const char* name : {"SCAN_NUMBER", "OBSERVATION_ID"}) td.addColumn(casacore::ScalarColumnDesc<casacore::Int>(name));
  if (complex)
    td.addColumn(casacore::ArrayColumnDesc<casacore::Complex>("CPARAM", "complex gains", 2));
  else
    td.addColumn(casacore::ArrayColumnDesc<casacore::Float>("FPARAM", "delays (ns)", 2));
  td.addColumn(casacore::ArrayColumnDesc<casacore::Float>("PARAMERR", 2));
  td.addColumn(casacore::ArrayColumnDesc<casacore::Bool>("FLAG", 2));
  td.addColumn(casacore::ArrayColumnDesc<casacore::Float>("SNR", 2));
  casacore::TableMeasDesc<casacore::MEpoch> time(casacore::TableMeasValueDesc(td, "TIME"),
                                                 casacore::TableMeasRefDesc(casacore::MEpoch::UTC));
  time.write(td);
  for (const char* name : {"TIME", "INTERVAL"}) casacore::TableQuantumDesc(td, name, casacore::Unit("s")).write(td);
  return td;
}

void fillCalTable(casacore::Table& table, const CalTable& cal) {
  const casacore::IPosition shape(2, cal.receptors, cal.channels);
  const std::size_t cell = std::size_t(shape.product());
  table.addRow(cal.solutions.size());
  casacore::ScalarColumn<casacore::Double> time(table, "TIME"), interval(table, "INTERVAL");
  casacore::ScalarColumn<casacore::Int> field(table, "FIELD_ID"), spw(table, "SPECTRAL_WINDOW_ID"),
      ant1(table, "ANTENNA1"), ant2(table, "ANTENNA2"), scan(table, "SCAN_NUMBER"), obs(table, "OBSERVATION_ID");
  casacore::ArrayColumn<casacore::Float> err(table, "PARAMERR"), snr(table, "SNR");
  casacore::ArrayColumn<casacore::Bool> flag(table, "FLAG");
  const bool complex = cal.type != JonesType::K;
  for (std::size_t r = 0; r < cal.solutions.size(); ++r) {
    const CalSolution& s = cal.solutions[r];
    if (s.values.size() != cell || s.flags.size() != cell)
      throw std::runtime_error("solution " + std::to_string(r) + " does not hold receptors x channels values");
    time.put(r, s.time);
    interval.put(r, 0.0);
    field.put(r, s.field);
    spw.put(r, s.spw);
    ant1.put(r, s.antenna);
    ant2.put(r, -1);
    scan.put(r, -1);
    obs.put(r, 0);
    casacore::Array<casacore::Bool> flags(shape);
    for (std::size_t i = 0; i < cell; ++i) flags.data()[i] = s.flags[i] != 0;
    flag.put(r, flags);
    err.put(r, casacore::Array<casacore::Float>(shape, 0.0f));
    snr.put(r, casacore::Array<casacore::Float>(shape, 1.0f));
    if (complex) {
      casacore::Array<casacore::Complex> values(shape);
      for (std::size_t i = 0; i < cell; ++i) values.data()[i] = s.values[i];
      casacore::ArrayColumn<casacore::Complex>(table, "CPARAM").put(r, values);
    } else {
      casacore::Array<casacore::Float> values(shape);
      for (std::size_t i = 0; i < cell; ++i) values.data()[i] = s.values[i].real();
      casacore::ArrayColumn<casacore::Float>(table, "FPARAM").put(r, values);
    }
  }
}

}  // namespace

JonesType jonesTypeOf(const std::string& vis_cal, const std::string& path) {
  if (vis_cal == "G Jones") return JonesType::G;
  if (vis_cal == "T Jones") return JonesType::T;
  if (vis_cal == "B Jones") return JonesType::B;
  if (vis_cal == "K Jones") return JonesType::K;
  throw std::runtime_error("caltable '" + path + "' is of type '" + vis_cal +
                           "': applycal applies G, T, B and K Jones tables");
}

std::string visCalName(JonesType type) {
  switch (type) {
    case JonesType::G: return "G Jones";
    case JonesType::T: return "T Jones";
    case JonesType::B: return "B Jones";
    case JonesType::K: return "K Jones";
  }
  return "";
}

CalTable readCalTable(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("caltable '" + path + "' does not exist");
  CalTable cal;
  cal.path = path;
  try {
    const casacore::Table table(path);
    const casacore::TableRecord& keys = table.keywordSet();
    if (!keys.isDefined("VisCal") || !keys.isDefined("ParType"))
      throw std::runtime_error("caltable '" + path + "' is not a calibration table (no VisCal and ParType keywords)");
    cal.type = jonesTypeOf(keys.asString("VisCal"), path);
    const std::string par_type = keys.asString("ParType");
    const bool complex = cal.type != JonesType::K;
    if (par_type != (complex ? "Complex" : "Float"))
      throw std::runtime_error("caltable '" + path + "': a " + visCalName(cal.type) + " table must have ParType '" +
                               (complex ? "Complex" : "Float") + "', not '" + par_type + "'");
    const auto times = casacore::ScalarColumn<casacore::Double>(table, "TIME").getColumn();
    const auto fields = casacore::ScalarColumn<casacore::Int>(table, "FIELD_ID").getColumn();
    const auto spws = casacore::ScalarColumn<casacore::Int>(table, "SPECTRAL_WINDOW_ID").getColumn();
    const auto ants = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA1").getColumn();
    cal.solutions.resize(table.nrow());
    for (std::size_t r = 0; r < cal.solutions.size(); ++r)
      cal.solutions[r] = {times[r], fields[r], spws[r], ants[r], {}, {}};
    if (table.nrow() > 0) {
      if (complex)
        readParameters<casacore::Complex>(table, "CPARAM", cal);
      else
        readParameters<casacore::Float>(table, "FPARAM", cal);
    }
    cal.spws = readSpws(keys.asTable("SPECTRAL_WINDOW"));
    cal.fields = readFields(keys.asTable("FIELD"));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("caltable '" + path + "' cannot be read: " + std::string(error.getMesg()));
  }
  checkSolutions(cal);
  return cal;
}

void writeCalTable(const std::string& path, const std::string& ms_path, const CalTable& cal) {
  if (fs::exists(path)) throw std::runtime_error("caltable '" + path + "' exists already");
  const std::string staging = path + ".writing";
  fs::remove_all(staging);
  try {
    {
      const casacore::MeasurementSet ms(ms_path);
      casacore::SetupNewTable setup(staging, calTableDesc(cal.type != JonesType::K), casacore::Table::New);
      casacore::Table table(setup);
      table.tableInfo().setType("Calibration");
      table.tableInfo().setSubType(visCalName(cal.type));
      table.flushTableInfo();
      casacore::TableRecord& keys = table.rwKeywordSet();
      keys.define("ParType", cal.type == JonesType::K ? "Float" : "Complex");
      keys.define("MSName", fs::path(ms_path).filename().string());
      keys.define("VisCal", visCalName(cal.type));
      keys.define("PolBasis", "unknown");
      keys.define("CASA_Version", "ptclean");
      for (const char* name : kSubtables) {
        casacore::Table sub = ms.keywordSet().asTable(name);
        sub.deepCopy(staging + "/" + name, casacore::Table::New);
        keys.defineTable(name, casacore::Table(staging + "/" + name));
      }
      casacore::SetupNewTable history(staging + "/HISTORY", casacore::MSHistory::requiredTableDesc(), casacore::Table::New);
      keys.defineTable("HISTORY", casacore::Table(history));
      fillCalTable(table, cal);
      table.flush();
    }
    fs::rename(staging, path);
  } catch (const std::exception& error) {
    fs::remove_all(staging);
    throw std::runtime_error("caltable '" + path + "' cannot be written: " + std::string(error.what()));
  }
}

}  // namespace ptclean::imager
