// Seconds per phase of `ptclean image` on each rank, written as JSON by rank 0 (--timings).
//   {"ranks": 2, "threads": 1, "phases": ["read", ...],
//    "per_rank": [{"rank": 0, "role": "client", "read": 1.2, ...}, ...], "wall": 6.1}
#pragma once

#include <array>
#include <string>

#include "ptclean/gridding/gridder.h"

namespace ptclean::imager {

class MpiContext;

enum class Phase { Read, Grid, Fft, Reduce, Minor, Degrid, Write, Count };

class RunTimings {
 public:
  void add(Phase phase, double seconds) { seconds_[std::size_t(phase)] += seconds; }
  /// A gridder call's time: its FFTs under Fft, the rest under `phase` (Grid or Degrid).
  void addGridder(Phase phase, const gridding::GridderTimings& t) {
    add(phase, t.plan + t.sort + t.grid + t.image);
    add(Phase::Fft, t.fft);
  }
  double get(Phase phase) const { return seconds_[std::size_t(phase)]; }
  /// Collective: gathers every rank's phases and, on rank 0, writes `path` (through a
  /// temporary file and a rename). Does nothing when `path` is empty.
  void write(const MpiContext& mpi, const std::string& path, int threads, double wall) const;

 private:
  std::array<double, std::size_t(Phase::Count)> seconds_{};
};

}  // namespace ptclean::imager
