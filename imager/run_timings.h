// Seconds per phase of `ptclean image` on each rank, and the work each phase did (samples
// gridded, grids transformed, values reduced, components found), written as JSON by rank 0
// (--timings), so that a cost model can be fitted to a run:
//   {"ranks": 2, "threads": 1, "wall": 6.1, "phases": ["read", ...], "work_names": [...],
//    "image": {"nx": 1024, "ny": 1024},
//    "grid": {"nx": 2048, "ny": 2048, "support": 6, "w_planes": 7},
//    "per_rank": [{"rank": 0, "role": "client", "read": 1.2, ..., "work": {"samples": ...}}, ...]}
#pragma once

#include <array>
#include <span>
#include <string>

#include "ptclean/gridding/gridder.h"

namespace ptclean::imager {

class MpiContext;

enum class Phase { Read, Grid, Fft, Reduce, Minor, Degrid, Write, Count };
const char* phaseName(Phase phase);  ///< "read", "grid", ... as in the JSON

/// What a phase processed. "Plane visits" count a sample once per w-plane its kernel touches
/// and per grid it is spread onto (the dirty image and the PSF are two).
enum class Work {
  Samples,                // Stokes I samples this rank holds
  GriddedPlaneVisits,     // samples x w-planes touched x grids, spread by invert
  DegriddedPlaneVisits,   // samples x w-planes touched, read back by predict
  FftTransforms,          // padded grids transformed (one per w-plane per grid)
  ReducedValues,          // image values summed across ranks
  MinorIterations,        // CLEAN components found (rank 0)
  MajorCycles,
  Count
};

/// Samples (rows x channels) in a gridder call's views.
double sampleCount(std::span<const gridding::VisibilityView> views);

class RunTimings {
 public:
  void add(Phase phase, double seconds) { seconds_[std::size_t(phase)] += seconds; }
  void count(Work work, double amount) { work_[std::size_t(work)] += amount; }
  /// A gridder call on `samples` samples onto `grids` grids: its FFTs under Fft, the rest
  /// under `phase` (Grid or Degrid), and the work it did.
  void addGridder(Phase phase, const gridding::Gridder& gridder, double samples, int grids);
  double get(Phase phase) const { return seconds_[std::size_t(phase)]; }
  double get(Work work) const { return work_[std::size_t(work)]; }
  /// Collective: gathers every rank's phases and work and, on rank 0, writes `path` (through
  /// a temporary file and a rename). Does nothing when `path` is empty.
  void write(const MpiContext& mpi, const std::string& path, int threads, double wall) const;

 private:
  std::array<double, std::size_t(Phase::Count)> seconds_{};
  std::array<double, std::size_t(Work::Count)> work_{};
  std::size_t image_nx_ = 0, image_ny_ = 0;
  gridding::KernelChoice choice_;
};

}  // namespace ptclean::imager
