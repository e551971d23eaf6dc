// The ranks x threads mixes that ptclean_sweep runs.
#pragma once

#include <string>
#include <vector>

namespace ptclean::bench {

/// One configuration of a sweep: `ranks` MPI ranks of `threads` OpenMP threads each, or WSClean.
struct Mix {
  int ranks = 1, threads = 1;
  bool wsclean = false;
  std::string name() const { return wsclean ? "wsclean" : std::to_string(ranks) + "x" + std::to_string(threads); }
};

/// 1x1 first (the efficiency baseline), then every R x T = `cores`, then with `oversubscribe`
/// every R x T = 2 * `cores`, and last, with `wsclean`, WSClean with -j `cores`.
std::vector<Mix> sweepMixes(int cores, bool oversubscribe, bool wsclean);

}  // namespace ptclean::bench
