// Deals whole units of work (the Sub-MSs of a Multi-MS) to workers: the largest first, each to
// the least loaded worker so far, as CASA's mpi4casa hands Sub-MSs to its servers.
//
//   auto owner = ptclean::partition::dealLargestFirst(sizes, 3);  // owner[i]: worker of unit i
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ptclean::partition {

/// The worker of each unit; equal costs go in unit order, ties between workers to the lowest.
std::vector<std::size_t> dealLargestFirst(std::span<const std::size_t> cost, std::size_t workers);

}  // namespace ptclean::partition
