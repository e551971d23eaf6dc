// C++17-clean (its implementation includes casacore). Writes a Multi-MS in CASA's layout from selected rows of an MS:
//
//   <out>/                         a ConcatTable of the Sub-MS main tables (subtype CONCATENATED,
//                                  readme "AxisType = <axis>"), its subtables linked to Sub-MS 0000's
//   <out>/SUBMSS/<out>.0000.ms     full Sub-MS
//   <out>/SUBMSS/<out>.0001.ms     subtables linked to ../<out>.0000.ms/X, except SOURCE and HISTORY
//
// Sub-MSs are first written into a staging folder (each by whichever rank is given it), then
// gathered under a temporary name and renamed into place, so a failed run leaves nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ptclean::imager {

/// The staging folder and Sub-MS names for output `outputvis` with `count` Sub-MSs.
std::string stagingFolder(const std::string& outputvis);
std::string subMsName(const std::string& outputvis, std::size_t index);  ///< "<base(out)>.0003.ms"

/// From the Sub-MSs written in stagingFolder(outputvis): links, the ConcatTable, the readme, the
/// root links; then the rename into place. Rank 0 only, after every Sub-MS is written.
void assembleMultiMs(const std::string& outputvis, std::size_t count, const std::string& axis_type);

}  // namespace ptclean::imager
