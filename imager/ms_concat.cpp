#include "ms_concat.h"

#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/IO/AipsIO.h>
#include <casacore/casa/IO/MemoryIO.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RowNumbers.h>
#include <casacore/tables/Tables/ScaColDesc.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableAttr.h>
#include <casacore/tables/Tables/TableColumn.h>
#include <casacore/tables/Tables/TableDesc.h>
#include <casacore/tables/Tables/TableRecord.h>
#include <casacore/tables/Tables/TableRow.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace ptclean::imager {
namespace {

using casacore::AipsError;
using casacore::Int;
using casacore::rownr_t;
using casacore::String;
using casacore::Table;

constexpr double kAntennaToleranceM = 1.0;  // CASA's concat: the same antenna within 1 m

/// Old ID -> new ID. IDs it does not know (negative ones, say) stay as they are.
struct IdMap {
  std::vector<int> to;
  int operator()(int id) const { return id >= 0 && std::size_t(id) < to.size() && to[id] >= 0 ? to[id] : id; }
  bool knows(int id) const { return id >= 0 && std::size_t(id) < to.size() && to[id] >= 0; }
};

/// ID columns of subtables and the map that renumbers each.
using Remaps = std::vector<std::pair<std::string, const IdMap*>>;

struct Count {
  std::size_t matched = 0, added = 0;
};

/// Subtable `name` of the MS whose main table is `main`; a null Table when it has none.
Table openSubtable(const Table& main, const std::string& name, bool update) {
  const casacore::TableRecord& keywords = main.keywordSet();
  if (!keywords.isDefined(name) || keywords.type(keywords.fieldNumber(name)) != casacore::TpTable) return Table();
  return Table(keywords.tableAttributes(name).name(), update ? Table::Update : Table::Old);
}

std::vector<std::string> subtableNamesOf(const Table& main) {
  std::vector<std::string> names;
  const casacore::TableRecord& keywords = main.keywordSet();
  for (casacore::uInt i = 0; i < keywords.nfields(); ++i)
    if (keywords.type(i) == casacore::TpTable && keywords.name(i) != "SORTED_TABLE") names.push_back(keywords.name(i));
  return names;
}

bool hasColumn(const Table& table, const std::string& name) { return table.tableDesc().isColumn(name); }

/// The columns of `to` that `from` has too, of the same type and kind, sorted.
std::vector<std::string> commonColumns(const Table& to, const Table& from) {
  std::vector<std::string> common;
  for (const auto& name : to.tableDesc().columnNames()) {
    if (!hasColumn(from, name)) continue;
    const casacore::ColumnDesc& a = to.tableDesc().columnDesc(name);
    const casacore::ColumnDesc& b = from.tableDesc().columnDesc(name);
    if (a.dataType() == b.dataType() && a.isScalar() == b.isScalar()) common.push_back(name);
  }
  std::sort(common.begin(), common.end());
  return common;
}

/// Copies rows `rows` of `from` to the end of `to` (the columns both have), then renumbers the
/// ID columns of the new rows through `remaps`.
void appendRows(Table& to, const Table& from, const std::vector<rownr_t>& rows, const Remaps& remaps) {
  if (rows.empty()) return;
  const rownr_t first = to.nrow();
  to.addRow(rows.size());
  for (const auto& name : commonColumns(to, from)) {
    const casacore::DataType type = from.tableDesc().columnDesc(name).dataType();
    if (type == casacore::TpRecord) {  // SOURCE_MODEL, say: TableColumn::put copies no records
      casacore::ScalarColumn<casacore::TableRecord> in(from, name), out(to, name);
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (in.isDefined(rows[i])) out.put(first + i, in(rows[i]));
      continue;
    }
    if (type == casacore::TpTable || type == casacore::TpOther) continue;
    casacore::TableColumn in(from, name), out(to, name);
    const bool scalar = in.columnDesc().isScalar();
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (scalar || in.isDefined(rows[i])) out.put(first + i, in, rows[i]);
  }
  for (const auto& [name, map] : remaps) {
    if (!hasColumn(to, name) || !to.tableDesc().columnDesc(name).isScalar() ||
        to.tableDesc().columnDesc(name).dataType() != casacore::TpInt)
      continue;
    casacore::ScalarColumn<Int> column(to, name);
    for (std::size_t i = 0; i < rows.size(); ++i) column.put(first + i, (*map)(column(first + i)));
  }
}

/// Rows as bytes, so that whole rows can be compared (after renumbering their ID columns).
class RowBytes {
 public:
  RowBytes(const Table& table, const std::vector<std::string>& columns)
      : row_(table, casacore::Vector<String>(std::vector<String>(columns.begin(), columns.end()))) {}
  std::string operator()(rownr_t r, const Remaps& remaps = {}) const {
    casacore::TableRecord record = row_.get(r, true);
    for (const auto& [name, map] : remaps)
      if (record.isDefined(name) && record.dataType(name) == casacore::TpInt)
        record.define(name, (*map)(record.asInt(name)));
    casacore::MemoryIO buffer;
    {
      casacore::AipsIO io(&buffer);
      io << record;
    }
    return std::string(reinterpret_cast<const char*>(buffer.getBuffer()), buffer.length());
  }

 private:
  casacore::ROTableRow row_;
};

/// Rows of `from` equal to a row of `to` (their IDs renumbered) map to it; the others are appended.
IdMap mergeEqualRows(Table& to, const Table& from, const Remaps& remaps, Count& count) {
  IdMap map;
  map.to.assign(from.nrow(), -1);
  if (from.nrow() == 0) return map;
  const std::vector<std::string> columns = commonColumns(to, from);
  const RowBytes to_bytes(to, columns), from_bytes(from, columns);
  // Hashes of the rows, checked byte for byte on a match: POINTING can have millions of rows.
  std::unordered_multimap<std::size_t, rownr_t> existing;
  const std::hash<std::string> hash;
  for (rownr_t r = 0; r < to.nrow(); ++r) existing.emplace(hash(to_bytes(r)), r);
  std::unordered_multimap<std::size_t, std::pair<rownr_t, std::string>> appended;
  std::vector<rownr_t> added;
  for (rownr_t r = 0; r < from.nrow(); ++r) {
    const std::string bytes = from_bytes(r, remaps);
    const std::size_t h = hash(bytes);
    int found = -1;
    for (auto [it, end] = existing.equal_range(h); it != end && found < 0; ++it)
      if (to_bytes(it->second) == bytes) found = int(it->second);
    for (auto [it, end] = appended.equal_range(h); it != end && found < 0; ++it)
      if (it->second.second == bytes) found = int(it->second.first);
    if (found >= 0) {
      map.to[r] = found;
      ++count.matched;
      continue;
    }
    const rownr_t at = to.nrow() + added.size();
    map.to[r] = int(at);
    appended.emplace(h, std::pair{at, bytes});
    added.push_back(r);
    ++count.added;
  }
  appendRows(to, from, added, remaps);
  return map;
}

/// How far row `from_row` is from row `to_row`; negative when they are not the same.
using Distance = std::function<double(rownr_t, rownr_t)>;
constexpr double kDifferent = -1.0;

/// Rows of `from` map to the nearest row of `to` that `distance` finds the same; the others are
/// appended, their ID columns renumbered through `remaps`.
IdMap mergeMatching(Table& to, const Table& from, const Distance& distance, const Remaps& remaps, Count& count) {
  IdMap map;
  map.to.assign(from.nrow(), -1);
  const rownr_t existing = to.nrow();
  std::vector<rownr_t> added;
  for (rownr_t r = 0; r < from.nrow(); ++r) {
    double nearest = std::numeric_limits<double>::infinity();
    for (rownr_t t = 0; t < existing; ++t) {
      const double d = distance(r, t);
      if (d >= 0 && d < nearest) {
        nearest = d;
        map.to[r] = int(t);
      }
    }
    if (map.to[r] >= 0) {
      ++count.matched;
    } else {
      map.to[r] = int(existing + added.size());
      added.push_back(r);
      ++count.added;
    }
  }
  appendRows(to, from, added, remaps);
  return map;
}

double separation(double ra1, double dec1, double ra2, double dec2) {
  const double a = std::sin(0.5 * (dec2 - dec1)), b = std::sin(0.5 * (ra2 - ra1));
  return 2.0 * std::asin(std::min(1.0, std::sqrt(a * a + std::cos(dec1) * std::cos(dec2) * b * b)));
}

/// The separation of two directions (their first two values, as the first term of a FIELD
/// polynomial), or kDifferent beyond `tolerance`.
double directionDistance(const casacore::Array<double>& a, const casacore::Array<double>& b, double tolerance) {
  if (a.nelements() < 2 || b.nelements() < 2) return a.nelements() == b.nelements() ? 0.0 : kDifferent;
  const double* x = a.data();
  const double* y = b.data();
  const double d = separation(x[0], x[1], y[0], y[1]);
  return d <= tolerance ? d : kDifferent;
}

IdMap mergeAntennas(Table& to, const Table& from, Count& count) {
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME"), to_station(to, "STATION"),
      from_station(from, "STATION");
  casacore::ArrayColumn<double> to_pos(to, "POSITION"), from_pos(from, "POSITION");
  auto distance = [&](rownr_t f, rownr_t t) {
    if (from_name(f) != to_name(t) || from_station(f) != to_station(t)) return kDifferent;
    const casacore::Vector<double> a = from_pos(f), b = to_pos(t);
    if (a.size() != 3 || b.size() != 3) return kDifferent;
    const double d = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    return d <= kAntennaToleranceM ? d : kDifferent;
  };
  return mergeMatching(to, from, distance, {}, count);
}

IdMap mergeSpectralWindows(Table& to, const Table& from, double tolerance_hz, Count& count) {
  casacore::ScalarColumn<Int> to_n(to, "NUM_CHAN"), from_n(from, "NUM_CHAN"), to_ref(to, "MEAS_FREQ_REF"),
      from_ref(from, "MEAS_FREQ_REF");
  casacore::ArrayColumn<double> to_freq(to, "CHAN_FREQ"), from_freq(from, "CHAN_FREQ"), to_width(to, "CHAN_WIDTH"),
      from_width(from, "CHAN_WIDTH");
  // The largest difference of the channel frequencies and widths, when all are within tolerance.
  auto largest = [tolerance_hz](const casacore::Vector<double>& a, const casacore::Vector<double>& b) {
    if (a.size() != b.size()) return kDifferent;
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double d = std::abs(a[i] - b[i]);
      if (!(d <= tolerance_hz)) return kDifferent;
      worst = std::max(worst, d);
    }
    return worst;
  };
  auto distance = [&](rownr_t f, rownr_t t) {
    if (from_n(f) != to_n(t) || from_ref(f) != to_ref(t)) return kDifferent;
    const double freq = largest(from_freq(f), to_freq(t)), width = largest(from_width(f), to_width(t));
    return freq < 0 || width < 0 ? kDifferent : std::max(freq, width);
  };
  return mergeMatching(to, from, distance, {}, count);
}

IdMap mergePolarizations(Table& to, const Table& from, Count& count) {
  casacore::ArrayColumn<Int> to_types(to, "CORR_TYPE"), from_types(from, "CORR_TYPE");
  auto distance = [&](rownr_t f, rownr_t t) {
    const casacore::Vector<Int> a = from_types(f), b = to_types(t);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()) ? 0.0 : kDifferent;
  };
  return mergeMatching(to, from, distance, {}, count);
}

IdMap mergeDataDescriptions(Table& to, const Table& from, const IdMap& spws, const IdMap& pols, Count& count) {
  casacore::ScalarColumn<Int> to_spw(to, "SPECTRAL_WINDOW_ID"), from_spw(from, "SPECTRAL_WINDOW_ID"),
      to_pol(to, "POLARIZATION_ID"), from_pol(from, "POLARIZATION_ID");
  auto distance = [&](rownr_t f, rownr_t t) {
    return spws(from_spw(f)) == to_spw(t) && pols(from_pol(f)) == to_pol(t) ? 0.0 : kDifferent;
  };
  return mergeMatching(to, from, distance, {{"SPECTRAL_WINDOW_ID", &spws}, {"POLARIZATION_ID", &pols}}, count);
}

/// FEED rows are keyed by antenna, feed and spw (-1: every spw). A row of `from` is added unless
/// `to` already describes that feed of that (renumbered) antenna for that spw.
std::size_t mergeFeeds(Table& to, const Table& from, const IdMap& antennas, const IdMap& spws) {
  casacore::ScalarColumn<Int> to_ant(to, "ANTENNA_ID"), from_ant(from, "ANTENNA_ID"), to_feed(to, "FEED_ID"),
      from_feed(from, "FEED_ID"), to_spw(to, "SPECTRAL_WINDOW_ID"), from_spw(from, "SPECTRAL_WINDOW_ID");
  std::set<std::tuple<int, int, int>> known;
  for (rownr_t t = 0; t < to.nrow(); ++t) known.insert({to_ant(t), to_feed(t), to_spw(t)});
  std::vector<rownr_t> added;
  for (rownr_t f = 0; f < from.nrow(); ++f) {
    const int antenna = antennas(from_ant(f)), feed = from_feed(f), spw = spws(from_spw(f));
    if (known.count({antenna, feed, spw}) || known.count({antenna, feed, -1})) continue;
    added.push_back(f);
  }
  appendRows(to, from, added, {{"ANTENNA_ID", &antennas}, {"SPECTRAL_WINDOW_ID", &spws}});
  return added.size();
}

/// SOURCE is keyed by SOURCE_ID and spw: a source of `from` is one of `to` with the same name and
/// direction (within `tolerance`), else it gets the next free SOURCE_ID. Its rows for spws that
/// `to` does not describe yet are added. Returns the SOURCE_ID map.
IdMap mergeSources(Table& to, const Table& from, const IdMap& spws, double tolerance, Count& count) {
  casacore::ScalarColumn<Int> to_id(to, "SOURCE_ID"), from_id(from, "SOURCE_ID"), to_spw(to, "SPECTRAL_WINDOW_ID"),
      from_spw(from, "SPECTRAL_WINDOW_ID");
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME");
  casacore::ArrayColumn<double> to_dir(to, "DIRECTION"), from_dir(from, "DIRECTION");
  IdMap map;
  int next = 0;
  for (rownr_t t = 0; t < to.nrow(); ++t) next = std::max(next, to_id(t) + 1);
  std::map<int, rownr_t> first_row;
  for (rownr_t f = 0; f < from.nrow(); ++f) first_row.emplace(from_id(f), f);
  for (const auto& [id, f] : first_row) {
    if (id < 0) continue;
    if (map.to.size() <= std::size_t(id)) map.to.resize(id + 1, -1);
    for (rownr_t t = 0; t < to.nrow() && map.to[id] < 0; ++t)
      if (from_name(f) == to_name(t) && directionDistance(from_dir(f), to_dir(t), tolerance) >= 0)
        map.to[id] = to_id(t);
    if (map.to[id] >= 0) {
      ++count.matched;
    } else {
      map.to[id] = next++;
      ++count.added;
    }
  }
  std::set<std::pair<int, int>> known;
  for (rownr_t t = 0; t < to.nrow(); ++t) known.insert({to_id(t), to_spw(t)});
  std::vector<rownr_t> added;
  for (rownr_t f = 0; f < from.nrow(); ++f) {
    const int id = map(from_id(f)), spw = spws(from_spw(f));
    if (known.count({id, spw}) || known.count({id, -1})) continue;
    added.push_back(f);
  }
  appendRows(to, from, added, {{"SOURCE_ID", &map}, {"SPECTRAL_WINDOW_ID", &spws}});
  return map;
}

IdMap mergeFields(Table& to, const Table& from, const IdMap& sources, const ConcatTolerances& tolerances,
                  Count& count) {
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME");
  std::vector<std::pair<casacore::ArrayColumn<double>, casacore::ArrayColumn<double>>> directions;
  for (const char* column : {"PHASE_DIR", "DELAY_DIR", "REFERENCE_DIR"})
    if (hasColumn(to, column) && hasColumn(from, column))
      directions.emplace_back(casacore::ArrayColumn<double>(from, column), casacore::ArrayColumn<double>(to, column));
  auto distance = [&](rownr_t f, rownr_t t) {
    if (tolerances.respect_name && from_name(f) != to_name(t)) return kDifferent;
    double worst = 0.0;
    for (const auto& [from_dir, to_dir] : directions) {
      const double d = directionDistance(from_dir(f), to_dir(t), tolerances.dir_rad);
      if (d < 0) return kDifferent;
      worst = std::max(worst, d);
    }
    return worst;
  };
  return mergeMatching(to, from, distance, {{"SOURCE_ID", &sources}}, count);
}

std::string counted(const std::string& table, const Count& c) {
  return table + " " + std::to_string(c.matched) + " matched + " + std::to_string(c.added) + " added";
}

/// Renumbers main-table column `name` through `map`; throws naming an ID that has no row in
/// `subtable` (of `subtable_rows` rows).
void renumber(Table& main, const std::string& name, const IdMap& map, const std::string& subtable,
              std::size_t subtable_rows) {
  if (!hasColumn(main, name)) return;
  casacore::ScalarColumn<Int> column(main, name);
  casacore::Vector<Int> values = column.getColumn();
  bool changed = false;
  for (auto& value : values) {
    if (value < 0) continue;
    if (std::size_t(value) >= subtable_rows || !map.knows(value))
      throw std::runtime_error(name + " " + std::to_string(value) + " has no row in its " + subtable + " table");
    const int renumbered = map(value);
    changed |= renumbered != value;
    value = renumbered;
  }
  if (changed) column.putColumn(values);
}

template <typename T>
void scaleColumn(Table& main, const std::string& name, T factor) {
  if (!hasColumn(main, name)) return;
  casacore::ArrayColumn<T> column(main, name);
  constexpr rownr_t kChunk = 8192;
  for (rownr_t start = 0; start < main.nrow(); start += kChunk) {
    const rownr_t count = std::min(kChunk, main.nrow() - start);
    const casacore::Slicer rows(casacore::IPosition(1, start), casacore::IPosition(1, count));
    try {
      casacore::Array<T> values = column.getColumnRange(rows);
      values *= factor;
      column.putColumnRange(rows, values);
    } catch (const AipsError&) {  // cells of different shapes, or undefined ones: cell by cell
      for (rownr_t r = start; r < start + count; ++r) {
        if (!column.isDefined(r)) continue;
        casacore::Array<T> values = column(r);
        values *= factor;
        column.put(r, values);
      }
    }
  }
}

}  // namespace

ConcatInput inspectConcatInput(const std::string& path) {
  ConcatInput input;
  try {
    const casacore::MeasurementSet ms(path, casacore::TableLock(casacore::TableLock::AutoNoReadLocking), Table::Old);
    input.rows = ms.nrow();
    input.first_time = std::numeric_limits<double>::infinity();
    if (input.rows > 0) {
      const casacore::Vector<double> times = casacore::ScalarColumn<double>(ms, "TIME").getColumn();
      input.first_time = *std::min_element(times.begin(), times.end());
    }
    for (const auto& name : ms.tableDesc().columnNames()) input.columns.push_back(name);
    std::sort(input.columns.begin(), input.columns.end());
  } catch (const AipsError& error) {
    throw std::runtime_error("vis '" + path + "' is not a MeasurementSet: " + std::string(error.getMesg()));
  }
  return input;
}

std::vector<std::string> concatSubtables(const std::string& ms) {
  try {
    return subtableNamesOf(Table(ms, casacore::TableLock(casacore::TableLock::AutoNoReadLocking)));
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot read the subtables of " + ms + ": " + std::string(error.getMesg()));
  }
}

int maxScanNumber(const std::string& ms) {
  try {
    const Table main(ms);
    if (main.nrow() == 0) return 0;
    const casacore::Vector<Int> scans = casacore::ScalarColumn<Int>(main, "SCAN_NUMBER").getColumn();
    return std::max(0, *std::max_element(scans.begin(), scans.end()));
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot read SCAN_NUMBER of " + ms + ": " + std::string(error.getMesg()));
  }
}

MergeSummary mergeConcatMember(const std::string& reference, const std::string& member,
                               const ConcatTolerances& tolerances, int& max_scan) {
  MergeSummary summary;
  try {
    const Table ref_main(reference);
    Table main(member, Table::Update);
    auto both = [&](const std::string& name, Table& to, Table& from) {
      to = openSubtable(ref_main, name, true);
      from = openSubtable(main, name, false);
      return !to.isNull() && !from.isNull();
    };
    auto need = [&](const std::string& name, Table& to, Table& from) {
      if (!both(name, to, from))
        throw std::runtime_error(std::string(to.isNull() ? reference : member) + " has no " + name + " table");
    };
    std::vector<std::string> notes;
    Table to, from;
    Count antenna_count, spw_count, pol_count, dd_count, field_count, source_count, state_count, obs_count,
        proc_count;

    need("ANTENNA", to, from);
    const IdMap antennas = mergeAntennas(to, from, antenna_count);
    const std::size_t antenna_rows = from.nrow();
    need("SPECTRAL_WINDOW", to, from);
    const IdMap spws = mergeSpectralWindows(to, from, tolerances.freq_hz, spw_count);
    need("POLARIZATION", to, from);
    const IdMap pols = mergePolarizations(to, from, pol_count);
    need("DATA_DESCRIPTION", to, from);
    const IdMap dds = mergeDataDescriptions(to, from, spws, pols, dd_count);
    const std::size_t dd_rows = from.nrow();
    need("FEED", to, from);
    const std::size_t feeds_added = mergeFeeds(to, from, antennas, spws);

    IdMap sources;
    if (both("SOURCE", to, from)) {
      sources = mergeSources(to, from, spws, tolerances.dir_rad, source_count);
    } else if (!from.isNull() && from.nrow() > 0) {
      notes.push_back("its SOURCE rows are not kept: " + reference + " has no SOURCE table");
    }
    need("FIELD", to, from);
    const IdMap fields = mergeFields(to, from, sources, tolerances, field_count);
    const std::size_t field_rows = from.nrow();

    // STATE: as CASA, when only one of the two has states, the member's rows get none (-1).
    IdMap states;
    bool states_dropped = false;
    std::size_t state_rows = 0;
    if (both("STATE", to, from) && from.nrow() > 0) {
      state_rows = from.nrow();
      if (to.nrow() == 0) {
        states_dropped = true;
        notes.push_back("its STATE_IDs become -1: " + reference + " has no STATE rows");
      } else {
        states = mergeEqualRows(to, from, {}, state_count);
      }
    }
    need("OBSERVATION", to, from);
    const std::size_t obs_before = to.nrow();
    const IdMap observations = mergeEqualRows(to, from, {}, obs_count);
    const std::size_t obs_rows = from.nrow();
    IdMap processors;
    std::size_t proc_rows = 0;
    if (both("PROCESSOR", to, from)) {
      processors = mergeEqualRows(to, from, {}, proc_count);
      proc_rows = from.nrow();
    }

    // Every other subtable: its rows, renumbered, unless the reference has them already.
    static const std::set<std::string> kDone = {"ANTENNA", "SPECTRAL_WINDOW", "POLARIZATION", "DATA_DESCRIPTION",
                                                "FEED", "SOURCE", "FIELD", "STATE", "OBSERVATION", "PROCESSOR"};
    const Remaps remaps = {{"ANTENNA_ID", &antennas},   {"SPECTRAL_WINDOW_ID", &spws}, {"POLARIZATION_ID", &pols},
                           {"DATA_DESC_ID", &dds},      {"FIELD_ID", &fields},       {"SOURCE_ID", &sources},
                           {"STATE_ID", &states},       {"OBSERVATION_ID", &observations},
                           {"PROCESSOR_ID", &processors}};
    std::vector<std::string> others;
    for (const auto& name : subtableNamesOf(main)) {
      if (kDone.count(name) || (name == "POINTING" && !tolerances.copy_pointing)) continue;
      if (!both(name, to, from)) {
        if (to.isNull()) notes.push_back("its " + name + " table stays its own: " + reference + " has none");
        continue;
      }
      Count c;
      mergeEqualRows(to, from, remaps, c);
      if (c.added > 0) others.push_back(name + " +" + std::to_string(c.added));
    }
    to = Table();
    from = Table();

    // The main table: ID columns only.
    IdMap no_states;
    renumber(main, "ANTENNA1", antennas, "ANTENNA", antenna_rows);
    renumber(main, "ANTENNA2", antennas, "ANTENNA", antenna_rows);
    renumber(main, "DATA_DESC_ID", dds, "DATA_DESCRIPTION", dd_rows);
    renumber(main, "FIELD_ID", fields, "FIELD", field_rows);
    if (states_dropped) {
      casacore::ScalarColumn<Int>(main, "STATE_ID").putColumn(casacore::Vector<Int>(main.nrow(), -1));
    } else if (state_rows > 0) {
      renumber(main, "STATE_ID", states, "STATE", state_rows);
    }
    if (proc_rows > 0) renumber(main, "PROCESSOR_ID", processors, "PROCESSOR", proc_rows);
    casacore::ScalarColumn<Int> obs_column(main, "OBSERVATION_ID"), scan_column(main, "SCAN_NUMBER");
    const casacore::Vector<Int> obs_ids = obs_column.getColumn();
    renumber(main, "OBSERVATION_ID", observations, "OBSERVATION", obs_rows);

    // Scans of an observation new to the reference follow the scans so far (CASA's concat).
    casacore::Vector<Int> scans = scan_column.getColumn();
    int scan_offset = 0;
    if (!scans.empty()) {
      bool any_new = false;
      for (std::size_t r = 0; r < scans.size(); ++r)
        any_new |= obs_ids[r] >= 0 && std::size_t(observations(obs_ids[r])) >= obs_before;
      if (any_new) scan_offset = std::max(0, max_scan + 1 - *std::min_element(scans.begin(), scans.end()));
      if (scan_offset > 0) {
        for (std::size_t r = 0; r < scans.size(); ++r)
          if (obs_ids[r] >= 0 && std::size_t(observations(obs_ids[r])) >= obs_before) scans[r] += scan_offset;
        scan_column.putColumn(scans);
      }
      max_scan = std::max(max_scan, *std::max_element(scans.begin(), scans.end()));
    }
    if (main.nrow() > 0) {
      const casacore::Vector<Int> a1 = casacore::ScalarColumn<Int>(main, "ANTENNA1").getColumn(),
                                  a2 = casacore::ScalarColumn<Int>(main, "ANTENNA2").getColumn();
      for (std::size_t r = 0; r < a1.size(); ++r) summary.reversed_baselines += a1[r] > a2[r];
    }
    main.flush();

    summary.text = counted("ANTENNA", antenna_count) + " (FEED +" + std::to_string(feeds_added) + "), " +
                   counted("SPECTRAL_WINDOW", spw_count) + ", " + counted("POLARIZATION", pol_count) + ", " +
                   counted("DATA_DESCRIPTION", dd_count) + ", " + counted("FIELD", field_count) + ", " +
                   counted("SOURCE", source_count) + ", " + counted("STATE", state_count) + ", " +
                   counted("OBSERVATION", obs_count) + ", " + counted("PROCESSOR", proc_count);
    if (!others.empty()) {
      summary.text += "; rows added to";
      for (const auto& o : others) summary.text += " " + o;
    }
    if (scan_offset > 0) summary.text += "; scan numbers + " + std::to_string(scan_offset);
    for (const auto& note : notes) summary.text += "; " + note;
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot merge " + member + " into " + reference + ": " + std::string(error.getMesg()));
  }
  return summary;
}

std::vector<std::string> concatIdColumns(const std::string& ms) {
  const Table main(ms);
  std::vector<std::string> columns;
  for (const char* name : {"ANTENNA1", "ANTENNA2", "DATA_DESC_ID", "FIELD_ID", "STATE_ID", "PROCESSOR_ID",
                           "OBSERVATION_ID", "SCAN_NUMBER"})
    if (hasColumn(main, name)) columns.push_back(name);
  return columns;
}

std::vector<std::string> concatWeightColumns(const std::string& ms) {
  const Table main(ms);
  std::vector<std::string> columns;
  for (const char* name : {"WEIGHT", "SIGMA", "WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"})
    if (hasColumn(main, name)) columns.push_back(name);
  return columns;
}

void saveMainColumns(const std::string& ms, const std::vector<std::string>& columns, const std::string& saved) {
  try {
    const Table main(ms);
    casacore::TableDesc desc;
    for (const auto& name : columns) {
      if (main.tableDesc().columnDesc(name).isScalar())
        desc.addColumn(casacore::ScalarColumnDesc<Int>(name));
      else
        desc.addColumn(casacore::ArrayColumnDesc<float>(name));
    }
    casacore::SetupNewTable setup(saved, desc, Table::New);
    casacore::StandardStMan storage;
    setup.bindAll(storage);
    Table copy(setup, main.nrow());
    for (const auto& name : columns) {
      if (main.tableDesc().columnDesc(name).isScalar()) {
        casacore::ScalarColumn<Int>(copy, name).putColumn(casacore::ScalarColumn<Int>(main, name).getColumn());
        continue;
      }
      casacore::ArrayColumn<float> in(main, name), out(copy, name);
      for (rownr_t r = 0; r < main.nrow(); ++r)
        if (in.isDefined(r)) out.put(r, in(r));
    }
    copy.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot save the columns of " + ms + " in " + saved + ": " + std::string(error.getMesg()));
  }
}

void restoreMainColumns(const std::string& ms, const std::string& saved) {
  try {
    const Table copy(saved);
    Table main(ms, Table::Update);
    for (const auto& name : copy.tableDesc().columnNames()) {
      if (copy.tableDesc().columnDesc(name).isScalar()) {
        casacore::ScalarColumn<Int>(main, name).putColumn(casacore::ScalarColumn<Int>(copy, name).getColumn());
        continue;
      }
      casacore::ArrayColumn<float> in(copy, name), out(main, name);
      for (rownr_t r = 0; r < copy.nrow(); ++r)
        if (in.isDefined(r)) out.put(r, in(r));
    }
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot restore the columns of " + ms + " from " + saved + ": " +
                             std::string(error.getMesg()));
  }
}

void scaleWeights(const std::string& ms, double factor) {
  try {
    Table main(ms, Table::Update);
    scaleColumn<float>(main, "WEIGHT", float(factor));
    scaleColumn<float>(main, "WEIGHT_SPECTRUM", float(factor));
    scaleColumn<float>(main, "SIGMA", float(1.0 / std::sqrt(factor)));
    scaleColumn<float>(main, "SIGMA_SPECTRUM", float(1.0 / std::sqrt(factor)));
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot scale the weights of " + ms + ": " + std::string(error.getMesg()));
  }
}

void emptyPointing(const std::string& ms) {
  try {
    Table pointing = openSubtable(Table(ms), "POINTING", true);
    if (pointing.isNull() || pointing.nrow() == 0) return;
    casacore::Vector<rownr_t> rows(pointing.nrow());
    for (rownr_t r = 0; r < rows.size(); ++r) rows[r] = r;
    pointing.removeRow(casacore::RowNumbers(rows));
    pointing.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot empty the POINTING table of " + ms + ": " + std::string(error.getMesg()));
  }
}

std::string dropSortedTable(const std::string& ms) {
  try {
    Table main(ms, Table::Update);
    if (!main.keywordSet().isDefined("SORTED_TABLE")) return "";
    std::string path;
    if (main.keywordSet().type(main.keywordSet().fieldNumber("SORTED_TABLE")) == casacore::TpTable)
      path = main.keywordSet().tableAttributes("SORTED_TABLE").name();
    main.rwKeywordSet().removeField("SORTED_TABLE");
    main.flush();
    return path;
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot remove SORTED_TABLE of " + ms + ": " + std::string(error.getMesg()));
  }
}

void restoreSortedTable(const std::string& ms, const std::string& table) {
  try {
    Table main(ms, Table::Update);
    main.rwKeywordSet().defineTable("SORTED_TABLE", Table(table));
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot restore SORTED_TABLE of " + ms + ": " + std::string(error.getMesg()));
  }
}

void addHistoryRow(const std::string& ms, const std::string& application, const std::string& message,
                   const std::vector<std::string>& parameters) {
  try {
    const Table main(ms);
    Table history = openSubtable(main, "HISTORY", true);
    if (history.isNull()) return;
    const Table observation = openSubtable(main, "OBSERVATION", false);
    const rownr_t row = history.nrow();
    history.addRow();
    constexpr double kUnixEpochMjdSeconds = 40587.0 * 86400.0;
    casacore::ScalarColumn<double>(history, "TIME").put(row, kUnixEpochMjdSeconds + double(std::time(nullptr)));
    const bool observed = !observation.isNull() && observation.nrow() > 0;
    casacore::ScalarColumn<Int>(history, "OBSERVATION_ID").put(row, observed ? 0 : -1);
    casacore::ScalarColumn<String>(history, "MESSAGE").put(row, message);
    casacore::ScalarColumn<String>(history, "PRIORITY").put(row, "NORMAL");
    casacore::ScalarColumn<String>(history, "ORIGIN").put(row, application);
    casacore::ScalarColumn<Int>(history, "OBJECT_ID").put(row, 0);
    casacore::ScalarColumn<String>(history, "APPLICATION").put(row, application);
    casacore::ArrayColumn<String>(history, "CLI_COMMAND").put(row, casacore::Vector<String>(1, application));
    casacore::Vector<String> params(parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) params[i] = parameters[i];
    casacore::ArrayColumn<String>(history, "APP_PARAMS").put(row, params);
    history.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot write HISTORY of " + ms + ": " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
