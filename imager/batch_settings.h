// The batch file of `ptclean batch`: defaults, a matrix that expands like the ALMA pipeline's
// image list, and explicit jobs.
//
//   outdir = "batch"             # each job's outputs go to <outdir>/<job name>/
//   ranks_per_job = 1            # ranks that image one job together
//   [defaults]                   # any `ptclean image` key, for every job
//   vis = "obs.ms"
//   niter = 500
//   [matrix]                     # one job per combination of the listed values
//   field = ["0", "1"]
//   spw = ["0", "1"]
//   continuum = true             # plus one image per field of all the spws together
//   [[job]]                      # explicit jobs: a name and any `ptclean image` keys
//   name = "deep"
//   niter = 5000
//   env = {OMP_PROC_BIND = "true"}   # optional environment of the job's process
//
// Matrix jobs are named from their values ("field0_spw1", "field0_cont").
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ptclean::imager {

struct BatchJob {
  std::string name;
  /// `ptclean image` keys as "key=<TOML value>" (defaults, then matrix values, then the job's).
  std::vector<std::string> keys;
  std::map<std::string, std::string> env;
  double estimated_samples = 0;  ///< selected samples, for the dispatch order (0: unknown)
};

struct BatchSettings {
  std::string outdir = "batch";
  int ranks_per_job = 1;
  std::vector<BatchJob> jobs;
};

/// Reads and expands a batch file; `overrides` ("key=value") set outdir or ranks_per_job, or
/// apply to [defaults]. Every job's
/// keys are checked against `ptclean image`'s. Throws ConfigError naming the file, the job and
/// the key that is wrong.
BatchSettings loadBatchSettings(const std::string& file, const std::vector<std::string>& overrides);

/// The job's keys as a TOML document (the job's job.toml, which `ptclean image` runs).
std::string jobToml(const BatchJob& job);

}  // namespace ptclean::imager
