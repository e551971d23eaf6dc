#include "ms_concat_main_ids.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ptclean::imager::concat {

using casacore::Int;
using casacore::Table;

namespace {

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

}  // namespace

MainTableChange renumberMainTable(Table& main, const MainTableIds& ids, int& max_scan) {
  MainTableChange change;
  renumber(main, "ANTENNA1", ids.antennas.map, "ANTENNA", ids.antennas.rows);
  renumber(main, "ANTENNA2", ids.antennas.map, "ANTENNA", ids.antennas.rows);
  renumber(main, "DATA_DESC_ID", ids.data_descriptions.map, "DATA_DESCRIPTION", ids.data_descriptions.rows);
  renumber(main, "FIELD_ID", ids.fields.map, "FIELD", ids.fields.rows);
  if (ids.states_dropped) {
    casacore::ScalarColumn<Int>(main, "STATE_ID").putColumn(casacore::Vector<Int>(main.nrow(), -1));
  } else if (ids.states.rows > 0) {
    renumber(main, "STATE_ID", ids.states.map, "STATE", ids.states.rows);
  }
  if (ids.processors.rows > 0)
    renumber(main, "PROCESSOR_ID", ids.processors.map, "PROCESSOR", ids.processors.rows);
  casacore::ScalarColumn<Int> obs_column(main, "OBSERVATION_ID"), scan_column(main, "SCAN_NUMBER");
  const casacore::Vector<Int> obs_ids = obs_column.getColumn();
  renumber(main, "OBSERVATION_ID", ids.observations.map, "OBSERVATION", ids.observations.rows);

  // Scans of an observation new to the reference follow the scans so far (CASA's concat).
  casacore::Vector<Int> scans = scan_column.getColumn();
  if (!scans.empty()) {
    auto is_new = [&](std::size_t r) {
      return obs_ids[r] >= 0 && std::size_t(ids.observations.map(obs_ids[r])) >= ids.observations_before;
    };
    bool any_new = false;
    for (std::size_t r = 0; r < scans.size(); ++r) any_new |= is_new(r);
    if (any_new) change.scan_offset = std::max(0, max_scan + 1 - *std::min_element(scans.begin(), scans.end()));
    if (change.scan_offset > 0) {
      for (std::size_t r = 0; r < scans.size(); ++r)
        if (is_new(r)) scans[r] += change.scan_offset;
      scan_column.putColumn(scans);
    }
    max_scan = std::max(max_scan, *std::max_element(scans.begin(), scans.end()));
  }
  if (main.nrow() > 0) {
    const casacore::Vector<Int> a1 = casacore::ScalarColumn<Int>(main, "ANTENNA1").getColumn(),
                                a2 = casacore::ScalarColumn<Int>(main, "ANTENNA2").getColumn();
    for (std::size_t r = 0; r < a1.size(); ++r) change.reversed_baselines += a1[r] > a2[r];
  }
  main.flush();
  return change;
}

}  // namespace ptclean::imager::concat
