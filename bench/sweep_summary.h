// The per-mix numbers of a sweep: medians over its runs, speed-up and parallel efficiency
// E = t(1x1) / (min(R*T, N) * t(RxT)), with t the median wall and N the cores.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sweep_mixes.h"
#include "sweep_run.h"

namespace ptclean::bench {

/// The runs of one mix, summarised.
struct MixSummary {
  Mix mix;
  std::vector<double> walls, elapsed;
  std::map<std::string, double> median_phases;
  double median_wall = 0, min_wall = 0, max_wall = 0, median_elapsed = 0, peak_mib = -1, vis_per_s = 0;
  double speedup = 0, efficiency = 0;
};

/// The Stokes I sample count of the ptclean runs (the last that reports one), or -1: WSClean's
/// throughput is counted with it.
long long sweepSamples(const std::vector<Run>& results);

/// One summary per mix, in the order of `mixes`, whose first is the 1x1 baseline.
std::vector<MixSummary> summariseMixes(const std::vector<Mix>& mixes, const std::vector<Run>& results,
                                       long long samples, int cores);

}  // namespace ptclean::bench
