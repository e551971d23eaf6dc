// What `ptclean batch` keeps of each job: the server's response (as mpi4casa's: successful,
// error, ret, start and stop) with the job's name, in <outdir>/<job>/response.json, and all of
// them with the run's facts in <outdir>/batch.json. The weblog is drawn from these.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "command_protocol.h"

namespace ptclean::imager {

struct JobRecord {
  std::string job;
  std::string status;  ///< "succeeded", "failed", or "skipped" (complete from an earlier run)
  int server = -1;
  std::string error;
  nlohmann::json result;  ///< image_result.h's record, with "log"
  double start = 0, stop = 0;
  double estimated_samples = 0;

  nlohmann::json toJson() const;
  static JobRecord fromJson(const nlohmann::json& j);
  static JobRecord fromResponse(const std::string& job, const CommandResponse& response);
};

struct BatchSummary {
  std::string batch_file;
  std::vector<std::string> datasets;  ///< the vis of the jobs
  int ranks = 1, ranks_per_job = 1, threads_per_job = 1, servers = 0;
  double start = 0, stop = 0;
  std::vector<JobRecord> jobs;
  int count(const std::string& status) const;
};

/// Writes `value` to `path` through a temporary name and a rename.
void writeJsonFile(const std::string& path, const nlohmann::json& value);

}  // namespace ptclean::imager
