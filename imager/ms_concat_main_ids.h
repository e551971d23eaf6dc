// Private to ms_concat (C++17-clean). Rewriting the ID columns of a member's main table once its
// subtables are merged into the reference's, so that ANTENNA1, DATA_DESC_ID, FIELD_ID, ... count
// in the reference's subtables; its visibilities are not touched.
#pragma once

#include <cstddef>

#include "ms_concat_rows.h"

namespace ptclean::imager::concat {

/// A member subtable's old -> new ID map, with the rows that subtable has: an ID of the main
/// table at or past `rows` names no row, and is an error.
struct SubtableIds {
  IdMap map;
  std::size_t rows = 0;
};

/// What merging the subtables decided for the member's main table.
struct MainTableIds {
  SubtableIds antennas, data_descriptions, fields, observations;
  SubtableIds states;                   ///< rows 0: STATE_ID stays as it is
  bool states_dropped = false;          ///< STATE_ID becomes -1 (as CASA: the reference has no states)
  SubtableIds processors;               ///< rows 0: PROCESSOR_ID stays as it is
  std::size_t observations_before = 0;  ///< the reference's OBSERVATION rows before the merge
};

/// What renumberMainTable changed beside the IDs, for the merge summary.
struct MainTableChange {
  int scan_offset = 0;                 ///< added to the scans of observations new to the reference
  std::size_t reversed_baselines = 0;  ///< rows whose ANTENNA1 now exceeds ANTENNA2
};

/// Renumbers the ID columns of `main` through `ids` and flushes it. When rows belong to an
/// observation new to the reference, their scans are moved past `max_scan` (CASA's concat);
/// `max_scan` becomes the largest scan of `main`.
MainTableChange renumberMainTable(casacore::Table& main, const MainTableIds& ids, int& max_scan);

}  // namespace ptclean::imager::concat
