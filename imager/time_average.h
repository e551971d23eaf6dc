// C++17-clean (its implementation includes casacore). split's and mstransform's time averaging:
// the rows of one baseline, data description, field, array and observation (and scan and state,
// unless combined) within `timebin` seconds become one row. Data are weighted by WEIGHT_SPECTRUM
// (or WEIGHT) over the unflagged samples (a sample flagged in every row keeps the weighted mean
// of all, flagged); weights add; TIME and TIME_CENTROID are the means, INTERVAL the span covered,
// EXPOSURE the sum, UVW the mean; other columns come from the bin's first row.
#pragma once

#include <string>

namespace ptclean::imager {

struct TimeAveraging {
  double timebin_s = 0.0;  ///< 0: none
  bool combine_scan = false, combine_state = false;
};

/// Parses `timebin` ('10s', '1min', '0s') and `combine` ('', 'scan', 'state', 'scan,state');
/// throws ConfigError naming the key.
TimeAveraging timeAveragingFrom(const std::string& timebin, const std::string& combine);

/// True when `vis` is a Multi-MS separated by scan (or auto: scan,spw) and scans are combined:
/// a bin may then take rows from several Sub-MSs, so the task must run in serial to equal the
/// monolithic result.
bool timeBinsCrossSubMss(const std::string& vis, const TimeAveraging& averaging);

/// Writes `output` (a new path) from `input` averaged in time. Throws std::runtime_error naming
/// the path or column.
void averageInTime(const std::string& input, const std::string& output, const TimeAveraging& averaging);

}  // namespace ptclean::imager
