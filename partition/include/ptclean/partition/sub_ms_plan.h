// Plans how the selected rows of a MeasurementSet are shared out over the Sub-MSs of a Multi-MS,
// as CASA's partition task does for separationaxis = auto, scan, spw or baseline.
//
//   std::vector<ptclean::partition::RowKey> rows = ...;  // one per selected row
//   auto axis = ptclean::partition::separationAxisFromName("auto");
//   auto plan = ptclean::partition::planSubMss(rows, axis, 4);
//   // row r goes to Sub-MS plan.sub_ms_of_row[r], in 0 .. plan.sub_ms_count - 1
//   // the MMS readme says "AxisType = " + axisTypeText(axis)
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace ptclean::partition {

enum class SeparationAxis { Auto, Scan, Spw, Baseline };

/// "auto", "scan", "spw" or "baseline" (any case); throws std::invalid_argument naming the value.
SeparationAxis separationAxisFromName(const std::string& name);

/// The value CASA writes as 'AxisType = ...' in the MMS readme: auto gives "scan,spw".
std::string axisTypeText(SeparationAxis axis);

/// What the planner needs to know of one selected row.
struct RowKey {
  int scan = 0;
  int data_desc = 0;
  int spw = 0;  ///< spectral window of data_desc
  int field = 0;
  int antenna1 = 0;
  int antenna2 = 0;
  std::size_t visibilities = 0;  ///< channels x correlations of the row
};

struct SubMsPlan {
  std::vector<int> sub_ms_of_row;  ///< one per input row, in 0 .. sub_ms_count - 1
  std::size_t sub_ms_count = 0;    ///< Sub-MSs actually used; none is empty
  std::vector<std::size_t> visibilities_per_sub_ms;
};

/// Assigns every row to a Sub-MS. Scans (axis scan), spectral windows (spw) and baselines
/// (baseline) are never split; auto shares (scan, data_desc) pairs so that every Sub-MS gets
/// a fair part of each scan, data description and field. At most `numsubms` Sub-MSs, fewer
/// when there are fewer groups to share; Sub-MS 0 holds the first row, Sub-MS 1 the first row
/// not in Sub-MS 0, and so on. The same rows always give the same plan.
/// Throws std::invalid_argument when numsubms is 0.
SubMsPlan planSubMss(std::span<const RowKey> rows, SeparationAxis axis, std::size_t numsubms);

}  // namespace ptclean::partition
