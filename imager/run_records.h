// What a `ptclean image` run leaves about itself: the --timings JSON (every rank's phases and
// work) and the --result record (image_result.h) with rank 0's phase times, written last.
#pragma once

#include "commands.h"
#include "image_result.h"
#include "run_timings.h"

namespace ptclean::imager {

/// Collective. `result` matters on rank 0 only.
void writeRunRecords(const MpiContext& mpi, const RunTimings& timings, const ImageOptions& options, int threads,
                     double wall_seconds, ImageResult result);

}  // namespace ptclean::imager
