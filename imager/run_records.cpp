#include "run_records.h"

#include "mpi_context.h"

namespace ptclean::imager {

void writeRunRecords(const MpiContext& mpi, const RunTimings& timings, const ImageOptions& options, int threads,
                     double wall_seconds, ImageResult result) {
  collectively(mpi, [&] { timings.write(mpi, options.timings_file, threads, wall_seconds); });
  collectively(mpi, [&] {
    if (!mpi.isRoot() || options.result_file.empty()) return;
    for (int p = 0; p < int(Phase::Count); ++p) result.phases[phaseName(Phase(p))] = timings.get(Phase(p));
    result.wall = wall_seconds;
    writeImageResult(result, options.result_file);
  });
}

}  // namespace ptclean::imager
