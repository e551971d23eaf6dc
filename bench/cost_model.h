// A cost model of `ptclean image`, fitted to the --timings JSON (run.json) of measured runs:
// the seconds each phase takes per unit of the work it did, so that the same code can be
// projected onto other data and other rank counts (bench/projection.h).
//
//   phase    unit of work                                        runs on
//   read     a Stokes I sample                                   one thread per rank
//   grid     a sample x w-plane touched x grid (image, PSF)      the rank's threads
//   degrid   a sample x w-plane touched                          the rank's threads
//   fft      a grid pixel x log2(grid pixels), per transform     the rank's threads
//   reduce   a byte summed, per level of a binomial tree         MPI
//   minor    an image pixel x CLEAN component                    rank 0's threads
//   write    an image pixel                                      rank 0
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ptclean::bench {

/// One run as its run.json reports it.
struct MeasuredRun {
  std::string source;  ///< the run.json path, for messages
  int ranks = 1, threads = 1;
  double wall = 0;
  double image_pixels = 0, grid_pixels = 0;
  std::vector<std::map<std::string, double>> seconds;  ///< per rank, by phase name
  std::vector<std::map<std::string, double>> work;     ///< per rank, by work name
  double maxSeconds(const std::string& phase) const;   ///< over ranks
  double totalWork(const std::string& name) const;     ///< summed over ranks
};

/// Reads a run.json written by `ptclean image --timings`; throws naming the file and what is
/// missing (a run.json of a ptclean without work counts has no "work").
MeasuredRun loadMeasuredRun(const std::filesystem::path& run_json);

/// Seconds per unit of work. "core_s": one thread's seconds, divided by the threads that share it.
struct CostModel {
  double read_s_per_sample = 0;
  double grid_core_s_per_visit = 0;
  double degrid_core_s_per_visit = 0;   ///< 0 when no fitted run degridded (niter = 0)
  double fft_core_s_per_point = 0;
  double reduce_s_per_byte_level = 0;   ///< 0 when no fitted run had more than one rank
  double minor_core_s_per_pixel_iteration = 0;  ///< 0 when no fitted run cleaned
  double write_s_per_pixel = 0;
  int single_rank_runs = 0, multi_rank_runs = 0;
};

/// Unit costs are medians over the 1 rank x 1 thread runs (throws when there is none), so that
/// they carry no parallel overhead; the reduce cost is the median over runs with several ranks.
CostModel fitCostModel(const std::vector<MeasuredRun>& runs);

/// The model's seconds per phase for the work `run` did on its own ranks and threads: per
/// rank for read, grid, degrid and fft (the slowest rank), once for reduce, minor and write.
std::map<std::string, double> predictPhases(const CostModel& model, const MeasuredRun& run);

/// The phases this model knows, in run order.
const std::vector<std::string>& modelPhases();

}  // namespace ptclean::bench
