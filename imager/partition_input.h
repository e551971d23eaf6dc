// C++17-clean (its implementation includes casacore). The selected rows of the MS that
// `ptclean partition` reads: what the planner needs of each row, and Sub-MS copies of any rows.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ms_reader.h"

namespace ptclean::imager {

/// One selected row as the Sub-MS planner sees it.
struct PartitionRow {
  int scan = 0, data_desc = 0, spw = 0, field = 0, antenna1 = 0, antenna2 = 0;
  std::size_t visibilities = 0;  ///< channels x correlations
};

class PartitionInput {
 public:
  /// Throws std::runtime_error naming the path or the selection key that is wrong.
  PartitionInput(const std::string& vis, const MsSelectionKeys& selection);
  ~PartitionInput();
  std::size_t selectedRows() const;
  std::vector<PartitionRow> rows() const;
  /// Writes selected rows `rows` (indices into the selection) as a plain MS at `path`.
  void writeRows(const std::vector<std::size_t>& rows, const std::string& path, const std::string& datacolumn) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptclean::imager
