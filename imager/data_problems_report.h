// One counted warning per cause for the data flagged while reading (NaN or Inf visibilities,
// bad weights, unplaceable rows), summed over every rank and logged by rank 0.
#pragma once

#include <memory>
#include <vector>

#include "ms_reader.h"

namespace ptclean::imager {

class MpiContext;

/// Collective: sums every rank's readers' problems and warns once per cause on rank 0.
void reportDataProblems(const MpiContext& mpi, const std::vector<std::unique_ptr<MsReader>>& readers);

}  // namespace ptclean::imager
