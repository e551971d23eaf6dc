// Splits rows into contiguous blocks, one per worker, balanced by a per-row cost (for example
// the number of unflagged visibilities) rather than by row count.
//
//   std::vector<std::size_t> cost = ...;             // cost of each row
//   auto blocks = ptclean::partition::balancedBlocks(cost, 3);
//   // blocks[i] = {begin, end}: worker i takes rows [begin, end)
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ptclean::partition {

struct RowBlock {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// `workers` contiguous blocks covering all rows, each as close as possible to total/workers.
std::vector<RowBlock> balancedBlocks(std::span<const std::size_t> row_cost, std::size_t workers);

}  // namespace ptclean::partition
