// `ptclean listobs`: the summary CASA's listobs gives of an MS or a Multi-MS, read with bulk column
// reads (main tables hold millions of rows), as JSON for scripts and tests (listobs_text.cpp
// renders it as CASA-like text).
#include "listobs.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Quanta/MVTime.h>
#include <casacore/measures/Measures/MDirection.h>
#include <casacore/measures/Measures/MFrequency.h>
#include <casacore/measures/Measures/MPosition.h>
#include <casacore/measures/Measures/MeasTable.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/TableLock.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

// Files that include casacore are compiled as C++17 (see CMakeLists.txt), so no <numbers>.
constexpr double kPi = 3.14159265358979323846;
constexpr double kSecondsPerDay = 86400.0;
// Main-table rows read per bulk read: bounds the memory a listing of a huge MS takes.
constexpr std::size_t kBlockRows = std::size_t(1) << 20;

template <typename... Args>
std::string printed(const char* format, Args... args) {
  const int size = std::snprintf(nullptr, 0, format, args...);
  if (size <= 0) return {};
  std::string text(std::size_t(size), '\0');
  std::snprintf(text.data(), text.size() + 1, format, args...);
  return text;
}

/// "2010-04-26T03:21:56.0": MJD seconds rounded to 0.1 s before splitting, so 59.96 s gives
/// the next minute rather than "60.0".
std::string isoTime(double mjd_seconds) {
  const long long tenths = std::llround(mjd_seconds * 10.0);
  const long long tenths_per_day = 864000;
  long long days = tenths / tenths_per_day, in_day = tenths % tenths_per_day;
  if (in_day < 0) in_day += tenths_per_day, --days;
  const casacore::MVTime date{double(days)};
  return printed("%04d-%02u-%02uT%02lld:%02lld:%02lld.%lld", int(date.year()), unsigned(date.month()),
                 unsigned(date.monthday()), in_day / 36000, in_day / 600 % 60, in_day / 10 % 60, in_day % 10);
}

/// Right ascension as hh:mm:ss.sss, wrapped into [0h, 24h).
std::string raText(double radians) {
  const long long per_day = 24LL * 3600 * 1000;
  long long ms = std::llround(radians * 12.0 / kPi * 3600.0 * 1000.0) % per_day;
  if (ms < 0) ms += per_day;
  return printed("%02lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

/// Declination as CASA writes it: +dd.mm.ss.sss.
std::string decText(double radians) {
  const long long mas = std::llround(std::abs(radians) * 180.0 / kPi * 3600.0 * 1000.0);
  return printed("%c%02lld.%02lld.%02lld.%03lld", radians < 0 ? '-' : '+', mas / 3600000, mas / 60000 % 60,
                 mas / 1000 % 60, mas % 1000);
}

struct ScanKey {
  int observation = 0, scan = 0, field = 0;
  bool operator<(const ScanKey& other) const {
    return std::tie(observation, scan, field) < std::tie(other.observation, other.scan, other.field);
  }
  bool operator==(const ScanKey& other) const {
    return observation == other.observation && scan == other.scan && field == other.field;
  }
};

struct ScanTally {
  double first_time = std::numeric_limits<double>::infinity();
  double last_time = -std::numeric_limits<double>::infinity();
  std::size_t rows = 0;
  std::set<int> data_descriptions, states;
  /// Rows per INTERVAL value: the mean then does not depend on row order, so a Multi-MS (whose
  /// rows come Sub-MS by Sub-MS) gives exactly the mean of its source MS.
  std::map<double, std::size_t> intervals;
};

struct MainTally {
  std::size_t rows = 0;
  double first_time = std::numeric_limits<double>::infinity();
  double last_time = -std::numeric_limits<double>::infinity();
  std::map<ScanKey, ScanTally> scans;  ///< a scan over several fields is one entry per field
  std::map<int, std::size_t> field_rows, data_description_rows;
  std::set<int> antennas;
};

MainTally tallyMainTable(const casacore::MeasurementSet& ms) {
  const casacore::MSMainColumns main(ms);
  MainTally tally;
  tally.rows = std::size_t(ms.nrow());
  ScanKey current;
  ScanTally* scan = nullptr;  // rows come in runs of one scan: skip the map look-up within a run
  for (std::size_t first = 0; first < tally.rows; first += kBlockRows) {
    const std::size_t count = std::min(kBlockRows, tally.rows - first);
    const casacore::Slicer block(casacore::IPosition(1, ssize_t(first)), casacore::IPosition(1, ssize_t(count)));
    const casacore::Vector<casacore::Double> times = main.time().getColumnRange(block);
    const casacore::Vector<casacore::Double> intervals = main.interval().getColumnRange(block);
    const casacore::Vector<casacore::Int> observations = main.observationId().getColumnRange(block);
    const casacore::Vector<casacore::Int> scans = main.scanNumber().getColumnRange(block);
    const casacore::Vector<casacore::Int> fields = main.fieldId().getColumnRange(block);
    const casacore::Vector<casacore::Int> descriptions = main.dataDescId().getColumnRange(block);
    const casacore::Vector<casacore::Int> states = main.stateId().getColumnRange(block);
    const casacore::Vector<casacore::Int> antenna1 = main.antenna1().getColumnRange(block);
    const casacore::Vector<casacore::Int> antenna2 = main.antenna2().getColumnRange(block);
    for (std::size_t r = 0; r < count; ++r) {
      const ScanKey key{observations[r], scans[r], fields[r]};
      if (scan == nullptr || !(key == current)) scan = &tally.scans[key], current = key;
      ++scan->rows;
      scan->first_time = std::min(scan->first_time, times[r]);
      scan->last_time = std::max(scan->last_time, times[r]);
      scan->data_descriptions.insert(descriptions[r]);
      scan->states.insert(states[r]);
      if (!std::isnan(intervals[r])) ++scan->intervals[intervals[r]];  // a NaN key would break the map
      ++tally.field_rows[fields[r]];
      ++tally.data_description_rows[descriptions[r]];
      tally.antennas.insert(antenna1[r]);
      tally.antennas.insert(antenna2[r]);
    }
  }
  for (const auto& entry : tally.scans) {
    tally.first_time = std::min(tally.first_time, entry.second.first_time);
    tally.last_time = std::max(tally.last_time, entry.second.last_time);
  }
  return tally;
}

/// Non-empty values of a string column, each once, in table order.
std::vector<std::string> distinctStrings(const casacore::ScalarColumn<casacore::String>& column) {
  std::vector<std::string> values;
  for (const casacore::String& value : column.getColumn()) {
    const std::string text = value;
    if (!text.empty() && std::find(values.begin(), values.end(), text) == values.end()) values.push_back(text);
  }
  return values;
}

nlohmann::json observationSummary(const casacore::MeasurementSet& ms, const MainTally& tally) {
  const casacore::MSObservationColumns columns(ms.observation());
  const bool any = tally.rows > 0;
  return {{"telescopes", distinctStrings(columns.telescopeName())},
          {"observers", distinctStrings(columns.observer())},
          {"projects", distinctStrings(columns.project())},
          {"start", any ? isoTime(tally.first_time) : ""},
          {"end", any ? isoTime(tally.last_time) : ""},
          {"elapsed_s", any ? tally.last_time - tally.first_time : 0.0}};
}

std::vector<int> spwOfDataDescription(const casacore::MeasurementSet& ms) {
  const casacore::MSDataDescColumns columns(ms.dataDescription());
  const casacore::Vector<casacore::Int> spws = columns.spectralWindowId().getColumn();
  return std::vector<int>(spws.begin(), spws.end());
}

nlohmann::json scanList(const casacore::MeasurementSet& ms, const MainTally& tally) {
  const std::vector<int> spw_of = spwOfDataDescription(ms);
  const casacore::Vector<casacore::String> field_names = casacore::MSFieldColumns(ms.field()).name().getColumn();
  const casacore::Vector<casacore::String> obs_modes = ms.state().nrow() > 0
                                                          ? casacore::MSStateColumns(ms.state()).obsMode().getColumn()
                                                          : casacore::Vector<casacore::String>();

  // CASA lists scans in time order; ties (same start) fall back to the key, for a stable listing.
  std::vector<const std::pair<const ScanKey, ScanTally>*> ordered;
  for (const auto& entry : tally.scans) ordered.push_back(&entry);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->second.first_time < b->second.first_time; });

  nlohmann::json list = nlohmann::json::array();
  for (const auto* entry : ordered) {
    const ScanKey& key = entry->first;
    const ScanTally& scan = entry->second;
    std::set<int> spws;
    for (int dd : scan.data_descriptions)
      if (dd >= 0 && std::size_t(dd) < spw_of.size()) spws.insert(spw_of[std::size_t(dd)]);
    // OBS_MODE holds comma-separated intents; STATE_ID -1 (an empty STATE table) has none.
    std::set<std::string> intents;
    for (int state : scan.states) {
      if (state < 0 || std::size_t(state) >= obs_modes.size()) continue;
      std::istringstream modes(obs_modes[std::size_t(state)]);
      for (std::string intent; std::getline(modes, intent, ',');)
        if (!intent.empty()) intents.insert(intent);
    }
    double interval_sum = 0.0;
    std::size_t timed_rows = 0;
    for (const auto& [interval, rows] : scan.intervals) interval_sum += interval * double(rows), timed_rows += rows;
    const bool named = key.field >= 0 && std::size_t(key.field) < field_names.size();
    list.push_back({{"scan", key.scan},
                    {"observation_id", key.observation},
                    {"field_id", key.field},
                    {"field_name", named ? std::string(field_names[std::size_t(key.field)]) : std::string()},
                    {"start", isoTime(scan.first_time)},
                    {"end", isoTime(scan.last_time)},
                    {"rows", scan.rows},
                    {"spw_ids", spws},
                    {"intents", intents},
                    {"mean_interval_s", timed_rows ? interval_sum / double(timed_rows) : 0.0}});
  }
  return list;
}

nlohmann::json fieldList(const casacore::MeasurementSet& ms, const MainTally& tally) {
  const casacore::MSFieldColumns columns(ms.field());
  nlohmann::json list = nlohmann::json::array();
  for (casacore::rownr_t row = 0; row < ms.field().nrow(); ++row) {
    const int id = int(row);
    nlohmann::json field = {{"id", id},
                            {"name", std::string(columns.name()(row))},
                            {"code", std::string(columns.code()(row))}};
    // An ephemeris field whose table is missing cannot be placed; list it without a position
    // rather than refuse the whole listing.
    try {
      const casacore::MDirection direction = columns.phaseDirMeas(row);
      const casacore::Vector<casacore::Double> angles = direction.getAngle("rad").getValue();
      field["ra"] = raText(angles[0]);
      field["dec"] = decText(angles[1]);
      field["epoch"] = std::string(casacore::MDirection::showType(direction.getRef().getType()));
    } catch (const casacore::AipsError&) {
      field["ra"] = field["dec"] = field["epoch"] = "";
    }
    const auto rows = tally.field_rows.find(id);
    field["rows"] = rows == tally.field_rows.end() ? std::size_t(0) : rows->second;
    list.push_back(field);
  }
  return list;
}

std::string frameName(int type) {
  if (type < 0 || type >= int(casacore::MFrequency::N_Types)) return "UNKNOWN(" + std::to_string(type) + ")";
  return casacore::MFrequency::showType(casacore::uInt(type));
}

std::vector<std::string> correlationNames(const casacore::MeasurementSet& ms, int polarization) {
  std::vector<std::string> names;
  if (polarization < 0 || casacore::rownr_t(polarization) >= ms.polarization().nrow()) return names;
  const casacore::MSPolarizationColumns columns(ms.polarization());
  for (casacore::Int type : columns.corrType()(casacore::rownr_t(polarization)).tovector())
    names.push_back(casacore::Stokes::name(casacore::Stokes::StokesTypes(type)));
  return names;
}

nlohmann::json spwList(const casacore::MeasurementSet& ms, const MainTally& tally) {
  const casacore::MSSpWindowColumns columns(ms.spectralWindow());
  const casacore::MSDataDescColumns descriptions(ms.dataDescription());
  // The polarization setups each spw's data uses; a spw without data gets those it declares.
  std::map<int, std::set<int>> used, declared;
  std::map<int, std::size_t> rows;
  for (casacore::rownr_t dd = 0; dd < ms.dataDescription().nrow(); ++dd) {
    const int spw = descriptions.spectralWindowId()(dd), polarization = descriptions.polarizationId()(dd);
    declared[spw].insert(polarization);
    const auto dd_rows = tally.data_description_rows.find(int(dd));
    if (dd_rows == tally.data_description_rows.end()) continue;
    used[spw].insert(polarization);
    rows[spw] += dd_rows->second;
  }
  nlohmann::json list = nlohmann::json::array();
  for (casacore::rownr_t row = 0; row < ms.spectralWindow().nrow(); ++row) {
    const int id = int(row);
    const std::vector<double> freqs = columns.chanFreq()(row).tovector();
    const std::vector<double> widths = columns.chanWidth()(row).tovector();
    double width = widths.empty() ? 0.0 : widths.front();
    // Some writers store positive CHAN_WIDTH with descending frequencies: the frequencies decide.
    if (freqs.size() > 1) width = std::copysign(std::abs(width), freqs[1] - freqs[0]);
    const std::set<int>& setups = used.count(id) ? used[id] : declared[id];
    list.push_back({{"id", id},
                    {"name", std::string(columns.name()(row))},
                    {"nchan", columns.numChan()(row)},
                    {"first_freq_hz", freqs.empty() ? 0.0 : freqs.front()},
                    {"chan_width_hz", width},
                    {"total_bw_hz", columns.totalBandwidth()(row)},
                    {"ref_freq_hz", columns.refFrequency()(row)},
                    {"centre_freq_hz", freqs.empty() ? 0.0 : 0.5 * (freqs.front() + freqs.back())},
                    {"frame", frameName(columns.measFreqRef()(row))},
                    {"polarization_ids", setups},
                    {"correlations", correlationNames(ms, setups.empty() ? -1 : *setups.begin())},
                    {"rows", rows[id]}});
  }
  return list;
}

using Position = std::vector<double>;  ///< ITRF x, y, z in metres

/// Where the array's centre is, for the antennas' offsets: the observatory's position when
/// casacore's Observatories table knows the telescope, else the mean of the antennas with data.
std::optional<std::pair<std::string, Position>> arrayCentre(const std::vector<std::string>& telescopes,
                                                            const std::vector<Position>& used_positions) {
  // The Observatories table knows the (J)VLA only by its old name.
  static const std::map<std::string, std::string> kAliases = {{"EVLA", "VLA"}, {"JVLA", "VLA"}};
  if (!telescopes.empty()) {
    const auto alias = kAliases.find(telescopes.front());
    const std::string name = alias == kAliases.end() ? telescopes.front() : alias->second;
    try {
      casacore::MPosition where;
      if (casacore::MeasTable::Observatory(where, name)) {
        const casacore::MPosition itrf = casacore::MPosition::Convert(where, casacore::MPosition::ITRF)();
        return std::make_pair("observatory " + name, itrf.getValue().getValue().tovector());
      }
    } catch (const casacore::AipsError&) {
      // no measures data here: fall back to the antennas
    }
  }
  if (used_positions.empty()) return std::nullopt;
  Position mean(3, 0.0);
  for (const auto& position : used_positions)
    for (std::size_t axis = 0; axis < 3; ++axis) mean[axis] += position[axis] / double(used_positions.size());
  return std::make_pair(std::string("mean of the antennas with data"), mean);
}

/// East, north and up of `position` from `centre` (ITRF, metres), along the WGS84 vertical.
std::vector<double> eastNorthUp(const Position& position, const Position& centre) {
  const double a = 6378137.0, f = 1.0 / 298.257223563, e2 = f * (2.0 - f);
  const double x = centre[0], y = centre[1], z = centre[2], p = std::hypot(x, y);
  const double longitude = std::atan2(y, x);
  double latitude = std::atan2(z, p * (1.0 - e2));
  for (int i = 0; i < 6; ++i) {  // converges to well under a micro-radian in a few steps
    const double n = a / std::sqrt(1.0 - e2 * std::sin(latitude) * std::sin(latitude));
    latitude = std::atan2(z + e2 * n * std::sin(latitude), p);
  }
  const double dx = position[0] - x, dy = position[1] - y, dz = position[2] - z;
  const double sl = std::sin(longitude), cl = std::cos(longitude), sb = std::sin(latitude), cb = std::cos(latitude);
  return {-sl * dx + cl * dy, -sb * cl * dx - sb * sl * dy + cb * dz, cb * cl * dx + cb * sl * dy + sb * dz};
}

/// Every row of the ANTENNA table (CASA's listobs shows only those with data: `in_use`).
void addAntennas(const casacore::MeasurementSet& ms, const MainTally& tally, nlohmann::json& summary) {
  const casacore::MSAntennaColumns columns(ms.antenna());
  const casacore::rownr_t count = ms.antenna().nrow();
  // An unused slot often has no position (0, 0, 0): it counts for no centre and has no offset.
  const auto placed = [](const Position& position) {
    return position.size() == 3 && std::any_of(position.begin(), position.end(), [](double v) { return v != 0.0; });
  };
  std::vector<Position> positions, used_positions;
  for (casacore::rownr_t row = 0; row < count; ++row) {
    positions.push_back(columns.position()(row).tovector());
    if (tally.antennas.count(int(row)) && placed(positions.back())) used_positions.push_back(positions.back());
  }
  const auto centre = arrayCentre(summary["observation"]["telescopes"].get<std::vector<std::string>>(), used_positions);
  nlohmann::json list = nlohmann::json::array();
  std::size_t in_use = 0;
  for (casacore::rownr_t row = 0; row < count; ++row) {
    const bool used = tally.antennas.count(int(row)) > 0;
    in_use += used;
    nlohmann::json antenna = {{"id", int(row)},
                              {"name", std::string(columns.name()(row))},
                              {"station", std::string(columns.station()(row))},
                              {"diameter_m", columns.dishDiameter()(row)},
                              {"position_m", positions[row]},
                              {"in_use", used}};
    if (centre && placed(positions[row]))
      antenna["offset_from_array_centre_m"] = eastNorthUp(positions[row], centre->second);
    list.push_back(antenna);
  }
  summary["antennas"] = list;
  summary["antennas_in_use"] = in_use;
  if (centre) summary["array_centre"] = {{"from", centre->first}, {"position_m", centre->second}};
}

casacore::MeasurementSet openMs(const std::string& vis) {
  if (!fs::exists(vis)) throw std::runtime_error("vis '" + vis + "' does not exist");
  if (!casacore::Table::isReadable(vis))
    throw std::runtime_error("vis '" + vis + "' is not a MeasurementSet: it holds no readable casacore table");
  try {
    return casacore::MeasurementSet(vis, casacore::TableLock(casacore::TableLock::AutoNoReadLocking),
                                    casacore::Table::Old);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + vis + "' is not a MeasurementSet: " + std::string(error.getMesg()));
  }
}

}  // namespace

nlohmann::json listObsSummary(const std::string& vis) {
  const casacore::MeasurementSet ms = openMs(vis);
  try {
    const MainTally tally = tallyMainTable(ms);
    nlohmann::json summary = {{"ms", vis}, {"observation", observationSummary(ms, tally)}, {"rows", tally.rows}};
    nlohmann::json data_columns = nlohmann::json::array();
    for (const char* column : {"DATA", "CORRECTED_DATA", "MODEL_DATA", "FLOAT_DATA"})
      if (ms.tableDesc().isColumn(column)) data_columns.push_back(column);
    summary["data_columns"] = data_columns;
    summary["scans"] = scanList(ms, tally);
    summary["fields"] = fieldList(ms, tally);
    summary["spws"] = spwList(ms, tally);
    addAntennas(ms, tally, summary);
    return summary;
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + vis + "' cannot be read: " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
