// ptclean_sweep's tables: sweep.csv (every run), sweep.json (every run and every mix, with how
// each number was measured) and sweep.md (a Markdown table per mix, and WSClean side by side).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sweep_run.h"
#include "sweep_summary.h"

namespace ptclean::bench {

/// What the reports say of the sweep as a whole.
struct SweepFacts {
  std::string command_line;
  int cores = 1, runs_per_mix = 1;
  std::vector<std::string> phases;  ///< the columns of the phase times, in this order
  long long samples = -1;           ///< Stokes I samples per ptclean run, -1 unknown
  bool with_wsclean = false;        ///< the last summary is WSClean's
};

/// Writes sweep.csv, sweep.json and sweep.md into `out_dir`, all dated now.
void writeReports(const std::filesystem::path& out_dir, const SweepFacts& facts, const std::vector<Run>& results,
                  const std::vector<MixSummary>& summaries);

}  // namespace ptclean::bench
