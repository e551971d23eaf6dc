// Running the mixes of a sweep: each run is one `ptclean image` under mpirun (or one WSClean),
// timed by GNU time, and measured from ptclean's --timings JSON (run.json) and its log.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sweep_mixes.h"
#include "sweep_settings.h"

namespace ptclean::bench {

/// One run of one mix, as measured.
struct Run {
  Mix mix;
  int run = 0;
  std::map<std::string, double> phases;  ///< max over ranks
  double wall = 0, elapsed = 0;
  double peak_mib = -1;
  long long samples = -1;
  double vis_per_s = 0;
};

/// What every run of a sweep is started with.
struct RunSetup {
  std::string ptclean, mpirun;
  std::string base_args;               ///< the config file and --set overrides, quoted, for `ptclean image`
  std::string mpi_flags;               ///< mpirun's flags beside -x and -n
  const Settings* settings = nullptr;  ///< for WSClean's command line
  int cores = 1;
  bool have_time = false;              ///< /usr/bin/time -v is there to measure peak memory
  bool keep_images = false;
  std::filesystem::path out_dir;       ///< each run writes into out_dir/runs/<mix>-<run>
};

/// Runs every mix `runs` times (every mix once, then again), with progress and an ETA on
/// stderr. Returns false, having said why on stderr, when a run fails or reports another mix.
bool runSweep(const std::vector<Mix>& mixes, int runs, const RunSetup& setup, std::vector<Run>& results);

/// Phase names in the order of the first ptclean run's run.json (none for WSClean only).
std::vector<std::string> phaseNames(const std::vector<Run>& results, const std::filesystem::path& out_dir);

}  // namespace ptclean::bench
