// A server's side of `ptclean batch`: one imaging job, run as `ptclean image job.toml` in a
// child process (under its own `mpirun -n ranks_per_job` when a job takes several ranks).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ptclean::imager {

/// The "image" command's parameters: {"name", "dir", "ranks", "threads", "env"}. Returns the
/// job's result record (image_result.h) with "log"; throws with the job's own error (or how it
/// crashed) and the path of its log.
nlohmann::json runImageJob(const nlohmann::json& parameters);

/// Files of a job's folder.
inline std::string jobConfigPath(const std::string& dir) { return dir + "/job.toml"; }
inline std::string jobResultPath(const std::string& dir) { return dir + "/result.json"; }
inline std::string jobResponsePath(const std::string& dir) { return dir + "/response.json"; }
inline std::string jobLogPath(const std::string& dir) { return dir + "/log.txt"; }
inline std::string jobTimingsPath(const std::string& dir) { return dir + "/timings.json"; }

}  // namespace ptclean::imager
