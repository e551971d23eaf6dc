// C++17-clean (its implementation includes casacore). mstransform's combinespws: the selected
// spws become one, their channels side by side in frequency order, and the rows of one baseline,
// time, field, scan and state (one per spw) become one row. A spw missing from such a set of
// rows leaves its channels flagged with zero weight. Per-channel data, flags and weights are
// carried unchanged; WEIGHT and SIGMA are the means over the spws.
#pragma once

#include <string>

namespace ptclean::imager {

/// Writes `output` (a new path) from `input`, whose spws are all to be combined. Throws
/// std::runtime_error naming the path when the spws differ in correlations or overlap in
/// frequency.
void combineSpws(const std::string& input, const std::string& output);

}  // namespace ptclean::imager
