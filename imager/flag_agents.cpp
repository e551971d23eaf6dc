#include "flag_agents.h"

#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Quanta/MVTime.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/TaQL/ExprNode.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>

#include "flag_rflag.h"
#include "flag_shadow.h"
#include "ms_selection.h"

namespace ptclean::imager {
namespace {

constexpr std::size_t kChunkRows = 4096;

casacore::MeasurementSet openForFlags(const std::string& path, bool write) {
  try {
    return casacore::MeasurementSet(path, write ? casacore::Table::Update : casacore::Table::Old);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + path + "' cannot be opened" + (write ? " for flagging" : "") + ": " +
                             std::string(error.getMesg()));
  }
}

/// The rows a command selects (with autocorr: only autocorrelations) and its channels.
SelectedRows commandRows(const casacore::MeasurementSet& ms, const FlagCommand& command, const std::string& path) {
  SelectedRows selected = selectRows(ms, command.selection, path, true);
  if (command.autocorr)
    selected.table = selected.table(selected.table.col("ANTENNA1") == selected.table.col("ANTENNA2"));
  return selected;
}

/// Which (corr, chan) samples of a data description a command touches.
struct SampleMask {
  long ncorr = 0, nchan = 0;
  std::vector<char> on;  ///< chan * ncorr + corr
};

SampleMask sampleMask(const casacore::MeasurementSet& ms, int dd, const SelectedRows& selected, const std::set<int>& corrs) {
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  const int spw = dd_cols.spectralWindowId()(dd);
  const casacore::Vector<int> types = pol_cols.corrType()(dd_cols.polarizationId()(dd));
  SampleMask mask{long(types.size()), long(spw_cols.numChan()(spw)), {}};
  mask.on.assign(std::size_t(mask.ncorr * mask.nchan), 1);
  const auto chans = selected.channels.find(spw);
  for (long c = 0; c < mask.nchan; ++c)
    for (long p = 0; p < mask.ncorr; ++p) {
      const bool chan_on = chans == selected.channels.end() ||
                           std::binary_search(chans->second.begin(), chans->second.end(), int(c));
      const bool corr_on = corrs.empty() || corrs.count(types[p]) > 0;
      mask.on[std::size_t(c * mask.ncorr + p)] = chan_on && corr_on;
    }
  return mask;
}

/// Rows [begin, end) of `table` with one data description.
struct Chunk {
  std::size_t begin = 0, end = 0;
  int dd = 0;
  casacore::Slicer rows() const {
    return casacore::Slicer(casacore::IPosition(1, long(begin)), casacore::IPosition(1, long(end - begin)));
  }
};

std::vector<Chunk> chunksOf(const casacore::Table& table) {
  const auto dds = casacore::ScalarColumn<casacore::Int>(table, "DATA_DESC_ID").getColumn();
  std::vector<Chunk> chunks;
  for (std::size_t start = 0; start < dds.size();) {
    std::size_t end = start + 1;
    while (end < dds.size() && end - start < kChunkRows && dds[end] == dds[start]) ++end;
    chunks.push_back({start, end, dds[start]});
    start = end;
  }
  return chunks;
}

/// Rows that quack flags: those starting within `quackinterval` of the first integration of
/// their baseline in their scan (beg), of the last (endb), or the complements (end, tail). Per
/// baseline, so that the result does not depend on how a Multi-MS is partitioned, and antennas
/// that join a scan late have their own first integrations flagged.
std::vector<char> quackedRows(const casacore::Table& table, const FlagCommand& command) {
  const auto scans = casacore::ScalarColumn<casacore::Int>(table, "SCAN_NUMBER").getColumn();
  const auto a1 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA1").getColumn();
  const auto a2 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA2").getColumn();
  const auto times = casacore::ScalarColumn<casacore::Double>(table, "TIME").getColumn();
  const auto intervals = casacore::ScalarColumn<casacore::Double>(table, "INTERVAL").getColumn();
  using Key = std::tuple<int, int, int>;
  std::map<Key, std::pair<double, double>> span;  // (scan, antenna1, antenna2) -> first start, last end
  for (std::size_t r = 0; r < scans.size(); ++r) {
    const double start = times[r] - intervals[r] / 2, end = times[r] + intervals[r] / 2;
    auto [it, fresh] = span.emplace(Key{scans[r], a1[r], a2[r]}, std::pair{start, end});
    if (!fresh) {
      it->second.first = std::min(it->second.first, start);
      it->second.second = std::max(it->second.second, end);
    }
  }
  std::vector<char> quacked(scans.size(), 0);
  for (std::size_t r = 0; r < scans.size(); ++r) {
    const auto [first, last] = span[Key{scans[r], a1[r], a2[r]}];
    const double start = times[r] - intervals[r] / 2, end = times[r] + intervals[r] / 2;
    const bool at_start = start < first + command.quackinterval, at_end = end > last - command.quackinterval;
    quacked[r] = command.quackmode == "beg" ? at_start : command.quackmode == "endb" ? at_end
               : command.quackmode == "end" ? !at_start : !at_end;
  }
  return quacked;
}

/// clip's value of one sample: ABS, REAL, IMAG or ARG (degrees).
float clipValue(const std::string& function, casacore::Complex v) {
  if (function == "REAL") return v.real();
  if (function == "IMAG") return v.imag();
  if (function == "ARG") return float(std::arg(v) * 180.0 / M_PI);
  return std::abs(v);
}

bool clipped(const FlagCommand& command, const std::string& function, casacore::Complex v) {
  const float value = clipValue(function, v);
  if (!std::isfinite(v.real()) || !std::isfinite(v.imag())) return true;
  if (command.clipzeros && v.real() == 0.0f && v.imag() == 0.0f) return true;
  if (command.clipminmax.size() != 2) return false;
  const bool inside = value >= command.clipminmax[0] && value <= command.clipminmax[1];
  return command.clipoutside ? !inside : inside;
}

/// The data column's samples of a chunk, complex (FLOAT_DATA as real values).
casacore::Array<casacore::Complex> chunkData(const casacore::Table& table, const std::string& column, const Chunk& chunk) {
  if (!table.tableDesc().isColumn(column))
    throw std::runtime_error("datacolumn: " + column + " is absent from " + std::string(table.tableName()));
  if (column == "FLOAT_DATA") {
    const casacore::Array<float> values = casacore::ArrayColumn<float>(table, column).getColumnRange(chunk.rows());
    casacore::Array<casacore::Complex> out(values.shape());
    std::transform(values.begin(), values.end(), out.begin(), [](float v) { return casacore::Complex(v, 0.0f); });
    return out;
  }
  return casacore::ArrayColumn<casacore::Complex>(table, column).getColumnRange(chunk.rows());
}

struct Totals {
  std::uint64_t total = 0, flagged_before = 0, flagged = 0;
};

/// One command on one MS: new flags into FLAG and FLAG_ROW when `write`; counts into `totals`.
nlohmann::json applyCommand(casacore::MeasurementSet& ms, const std::string& path, const FlagCommand& command, bool write,
                            Totals& totals) {
  const SelectedRows selected = commandRows(ms, command, path);
  const casacore::Table& table = selected.table;
  nlohmann::json report = nlohmann::json::object();
  if (table.nrow() == 0) return report;
  const std::set<int> corrs = parseCorrelations(command.selection.correlation);
  const std::string function = command.clip_expression.substr(0, command.clip_expression.find('_'));
  std::vector<char> row_hit;
  if (command.mode == "quack") row_hit = quackedRows(table, command);
  if (command.mode == "shadow") row_hit = shadowedRows(ms, table, command.tolerance);
  RflagFlags rflag;
  if (command.mode == "rflag") {
    rflag = rflagFlags(ms, table, command);
    report["rflag"] = rflag.thresholds;
  }
  casacore::ArrayColumn<casacore::Bool> flag_column(table, "FLAG");
  casacore::ScalarColumn<casacore::Bool> row_flag_column(table, "FLAG_ROW");
  std::map<int, SampleMask> masks;
  for (const Chunk& chunk : chunksOf(table)) {
    auto found = masks.find(chunk.dd);
    if (found == masks.end()) found = masks.emplace(chunk.dd, sampleMask(ms, chunk.dd, selected, corrs)).first;
    const SampleMask& mask = found->second;
    casacore::Array<casacore::Bool> flags = flag_column.getColumnRange(chunk.rows());
    const casacore::Vector<casacore::Bool> old_row_flags = row_flag_column.getColumnRange(chunk.rows());
    casacore::Array<casacore::Complex> data;
    if (command.mode == "clip") data.reference(chunkData(table, command.datacolumn, chunk));
    casacore::Bool* f = flags.data();
    const casacore::Complex* d = data.empty() ? nullptr : data.data();
    const std::size_t cells = std::size_t(mask.ncorr * mask.nchan);
    casacore::Vector<casacore::Bool> row_flags(chunk.end - chunk.begin);
    for (std::size_t r = chunk.begin; r < chunk.end; ++r, f += cells) {
      const bool row_on = row_hit.empty() || row_hit[r];
      bool all = true;
      for (std::size_t k = 0; k < cells; ++k) {
        if (mask.on[k]) {
          ++totals.total;
          totals.flagged_before += f[k];
          bool hit = row_on;
          if (command.mode == "clip") hit = clipped(command, function, d[(r - chunk.begin) * cells + k]);
          if (command.mode == "rflag") hit = rflag.flagged(r, k);
          f[k] = f[k] || hit;
          totals.flagged += f[k];
        }
        all = all && f[k];
      }
      row_flags[r - chunk.begin] = all || old_row_flags[r - chunk.begin];  // a flagged row stays flagged
    }
    if (write) {
      flag_column.putColumnRange(chunk.rows(), flags);
      row_flag_column.putColumnRange(chunk.rows(), row_flags);
    }
  }
  return report;
}

void addCount(nlohmann::json& node, const std::string& key, std::uint64_t flagged, std::uint64_t total) {
  auto& entry = node[key];
  if (entry.is_null()) entry = {{"flagged", 0}, {"total", 0}};
  entry["flagged"] = entry["flagged"].get<std::uint64_t>() + flagged;
  entry["total"] = entry["total"].get<std::uint64_t>() + total;
}

void sumInto(nlohmann::json& sum, const nlohmann::json& part) {
  for (const auto& [key, value] : part.items()) {
    if (!sum.contains(key)) {
      sum[key] = value;
    } else if (value.is_number_unsigned() || value.is_number_integer()) {
      sum[key] = sum[key].get<std::uint64_t>() + value.get<std::uint64_t>();
    } else if (value.is_array()) {
      for (const auto& item : value) sum[key].push_back(item);
    } else if (value.is_object()) {
      sumInto(sum[key], value);
    }
  }
}

}  // namespace

std::string flagMs(const std::string& path, const std::vector<FlagCommand>& commands, bool write) {
  casacore::MeasurementSet ms = openForFlags(path, write);
  Totals totals;
  nlohmann::json rflag = nlohmann::json::array();
  try {
    for (const auto& command : commands) {
      Totals one;
      const nlohmann::json report = applyCommand(ms, path, command, write, one);
      totals.total += one.total;
      totals.flagged_before += one.flagged_before;
      totals.flagged += one.flagged;
      if (report.contains("rflag"))
        for (const auto& item : report["rflag"]) rflag.push_back(item);
    }
    if (write) ms.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("flagging " + path + " failed: " + std::string(error.getMesg()));
  }
  nlohmann::json result = {{"total", totals.total},
                           {"flagged_before", totals.flagged_before},
                           {"flagged", totals.flagged},
                           {"newly_flagged", totals.flagged - totals.flagged_before}};
  if (!rflag.empty()) result["rflag"] = rflag;
  return result.dump();
}

std::string summariseFlags(const std::string& path, const FlagCommand& command) {
  casacore::MeasurementSet ms = openForFlags(path, false);
  const SelectedRows selected = commandRows(ms, command, path);
  const casacore::Table& table = selected.table;
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  const auto names = casacore::MSAntennaColumns(ms.antenna()).name().getColumn();
  const auto field_names = casacore::MSFieldColumns(ms.field()).name().getColumn();
  const std::set<int> corrs = parseCorrelations(command.selection.correlation);
  nlohmann::json summary = {{"total", 0}, {"flagged", 0}, {"antenna", nlohmann::json::object()},
                            {"spw", nlohmann::json::object()}, {"field", nlohmann::json::object()},
                            {"scan", nlohmann::json::object()}, {"correlation", nlohmann::json::object()}};
  if (table.nrow() == 0) return summary.dump();
  const auto a1 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA1").getColumn();
  const auto a2 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA2").getColumn();
  const auto fields = casacore::ScalarColumn<casacore::Int>(table, "FIELD_ID").getColumn();
  const auto scans = casacore::ScalarColumn<casacore::Int>(table, "SCAN_NUMBER").getColumn();
  casacore::ArrayColumn<casacore::Bool> flag_column(table, "FLAG");
  std::uint64_t total = 0, flagged = 0;
  std::map<int, SampleMask> masks;
  for (const Chunk& chunk : chunksOf(table)) {
    auto found = masks.find(chunk.dd);
    if (found == masks.end()) found = masks.emplace(chunk.dd, sampleMask(ms, chunk.dd, selected, corrs)).first;
    const SampleMask& mask = found->second;
    const casacore::Vector<int> types = pol_cols.corrType()(dd_cols.polarizationId()(chunk.dd));
    const std::string spw = std::to_string(dd_cols.spectralWindowId()(chunk.dd));
    const casacore::Array<casacore::Bool> flags = flag_column.getColumnRange(chunk.rows());
    const casacore::Bool* f = flags.data();
    std::vector<std::uint64_t> corr_flagged(std::size_t(mask.ncorr), 0), corr_total(std::size_t(mask.ncorr), 0);
    for (std::size_t r = chunk.begin; r < chunk.end; ++r) {
      std::uint64_t row_total = 0, row_flagged = 0;
      for (long c = 0; c < mask.nchan; ++c)
        for (long p = 0; p < mask.ncorr; ++p, ++f) {
          if (!mask.on[std::size_t(c * mask.ncorr + p)]) continue;
          ++row_total;
          row_flagged += *f;
          ++corr_total[std::size_t(p)];
          corr_flagged[std::size_t(p)] += *f;
        }
      addCount(summary["antenna"], names[std::size_t(a1[r])], row_flagged, row_total);
      if (a2[r] != a1[r]) addCount(summary["antenna"], names[std::size_t(a2[r])], row_flagged, row_total);
      addCount(summary["spw"], spw, row_flagged, row_total);
      addCount(summary["field"], field_names[std::size_t(fields[r])], row_flagged, row_total);
      addCount(summary["scan"], std::to_string(scans[r]), row_flagged, row_total);
      total += row_total;
      flagged += row_flagged;
    }
    for (long p = 0; p < mask.ncorr; ++p)
      addCount(summary["correlation"], casacore::Stokes::name(casacore::Stokes::StokesTypes(types[p])),
               corr_flagged[std::size_t(p)], corr_total[std::size_t(p)]);
  }
  summary["total"] = total;
  summary["flagged"] = flagged;
  return summary.dump();
}

nlohmann::json sumFlagResults(const std::vector<std::string>& results) {
  nlohmann::json sum = nlohmann::json::object();
  for (const auto& text : results) sumInto(sum, nlohmann::json::parse(text));
  return sum;
}

void checkFlaggable(const std::string& path) {
  namespace fs = std::filesystem;
  if (!casacore::Table::isReadable(path)) throw std::runtime_error("vis '" + path + "' is not a MeasurementSet");
  // Permission bits as well as access(): root may write anything, yet an MS made read-only
  // (chmod a-w) is meant to stay as it is.
  auto writable_file = [](const fs::path& file) {
    const auto perms = fs::status(file).permissions();
    const bool any_write = (perms & (fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write)) != fs::perms::none;
    return any_write && ::access(file.c_str(), W_OK) == 0;
  };
  bool writable = writable_file(path);
  for (const auto& entry : fs::directory_iterator(path))
    if (entry.is_regular_file() && !entry.is_symlink() && !writable_file(entry.path())) writable = false;
  if (!writable || !casacore::Table::isWritable(path))
    throw std::runtime_error("cannot flag '" + path + "' in place: it is read-only (nothing was changed)");
}

}  // namespace ptclean::imager
