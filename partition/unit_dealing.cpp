#include "ptclean/partition/unit_dealing.h"

#include <algorithm>
#include <numeric>

namespace ptclean::partition {

std::vector<std::size_t> dealLargestFirst(std::span<const std::size_t> cost, std::size_t workers) {
  std::vector<std::size_t> order(cost.size()), owner(cost.size(), 0), load(std::max<std::size_t>(workers, 1), 0);
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  for (std::size_t unit : order) {
    const auto least = std::size_t(std::min_element(load.begin(), load.end()) - load.begin());
    owner[unit] = least;
    load[least] += cost[unit];
  }
  return owner;
}

}  // namespace ptclean::partition
