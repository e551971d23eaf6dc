// Strong scaling on paper: a fitted CostModel applied to a dataset larger than this machine
// can image, for rank counts beyond its cores. The dataset is a TOML file
// (configs/projection_alma.toml):
//
//   name = "..."              antennas = 47        integrations = 2678
//   spws = 4                  channels_per_spw = 240                 correlations = 2
//   imsize = 4096             w_planes = 1         w_planes_touched = 1
//   major_cycles = 8          iterations = 20000   ranks = [1, 16, 64, 256]
//   threads_per_rank = 1      network_GBps = 12.5  filesystem_GBps = 20
//
// Per rank: read = max(samples / R x read cost, MS bytes / file-system bandwidth); grid and
// degrid divide the samples by R x T; each rank transforms the whole padded grid (the FFTs do
// not shrink with R); the reduce is a binomial tree at the slower of the measured rate and the
// network; the minor cycle and the writing run on rank 0 alone.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cost_model.h"

namespace ptclean::bench {

struct Workload {
  std::string name;
  int antennas = 0;
  double integrations = 0;
  int spws = 0, channels_per_spw = 0, correlations = 2;
  double imsize = 0;
  double grid_oversampling = 0;  ///< padded grid / image along an axis; 0: as in the fitted runs
  double w_planes = 1, w_planes_touched = 1;
  double major_cycles = 0, iterations = 0;
  std::vector<int> ranks;
  int threads_per_rank = 1;
  double network_gbps = 12.5, filesystem_gbps = 20;

  double baselines() const { return 0.5 * antennas * (antennas - 1); }
  double samples() const { return baselines() * integrations * spws * channels_per_spw; }
  /// DATA (8 B), FLAG (1 B) and WEIGHT_SPECTRUM (4 B) per correlation.
  double msBytes() const { return samples() * correlations * 13.0; }
};

/// Reads a workload file; throws naming the file and the missing or bad key.
Workload loadWorkload(const std::filesystem::path& path);

struct ProjectedRun {
  int ranks = 1;
  std::map<std::string, double> seconds;  ///< by phase (modelPhases())
  double total = 0, speedup = 0, efficiency = 0;
  std::string largest;                     ///< the phase that takes longest
};

/// One projected run per rank count of the workload; `grid_oversampling` fills the workload's
/// when it gives none.
std::vector<ProjectedRun> project(const CostModel& model, const Workload& workload, double grid_oversampling);

/// The Markdown of a projection: the unit costs, the workload, the table, and the verdict
/// naming the phase that limits scaling. `validation` compares the model with measured runs.
std::string projectionMarkdown(const CostModel& model, const Workload& workload, const std::vector<ProjectedRun>& runs,
                               const std::vector<MeasuredRun>& validation);

}  // namespace ptclean::bench
