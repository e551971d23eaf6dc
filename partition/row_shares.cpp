#include "ptclean/partition/row_shares.h"

#include <stdexcept>

namespace ptclean::partition {

std::vector<RowBlock> balancedBlocks(std::span<const std::size_t> row_cost, std::size_t workers) {
  if (workers == 0) throw std::invalid_argument("balancedBlocks: workers must be at least 1");
  std::size_t total = 0;
  for (std::size_t c : row_cost) total += c;
  std::vector<RowBlock> blocks(workers);
  std::size_t row = 0, done = 0;
  for (std::size_t k = 0; k < workers; ++k) {
    blocks[k].begin = row;
    // Worker k ends where the running cost first reaches (k + 1) / workers of the total.
    const std::size_t target = (k + 1 == workers) ? total : total * (k + 1) / workers;
    while (row < row_cost.size() && (done + row_cost[row] <= target || k + 1 == workers)) {
      // Take the row if that brings us closer to the target than stopping here would.
      done += row_cost[row];
      ++row;
    }
    if (k + 1 < workers && row < row_cost.size() && target > done &&
        (done + row_cost[row] - target) < (target - done)) {
      done += row_cost[row];
      ++row;
    }
    blocks[k].end = row;
  }
  return blocks;
}

}  // namespace ptclean::partition
