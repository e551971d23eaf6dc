#include "batch_job.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "job_process.h"
#include "mpi_context.h"

namespace ptclean::imager {

namespace {

std::string onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + program;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error(program + " is not on PATH (needed for ranks_per_job > 1)");
}

}  // namespace

nlohmann::json runImageJob(const nlohmann::json& p) {
  const std::string dir = p.at("dir");
  const int ranks = p.value("ranks", 1);
  const int threads = p.value("threads", 1);
  std::vector<std::string> argv;
  if (ranks > 1) {
    argv = {onPath("mpirun"), "--oversubscribe", "--bind-to", "none", "-x", "OMP_NUM_THREADS", "-n",
            std::to_string(ranks)};
    if (::geteuid() == 0) argv.insert(argv.begin() + 1, "--allow-run-as-root");
  }
  argv.insert(argv.end(), {selfExecutable(), "image", jobConfigPath(dir), "--timings", jobTimingsPath(dir), "--result",
                           jobResultPath(dir)});
  if (p.value("set_threads", true)) argv.insert(argv.end(), {"--set", "threads=" + std::to_string(threads)});
  std::map<std::string, std::string> env{{"OMP_NUM_THREADS", std::to_string(threads)}};
  if (ranks == 1) env[MpiContext::kSingleProcessVariable] = "1";
  const nlohmann::json job_env = p.value("env", nlohmann::json::object());
  for (const auto& [name, value] : job_env.items()) env[name] = value.get<std::string>();

  const ChildOutcome outcome = runChildProcess(argv, env, jobLogPath(dir));
  if (outcome.exit_code != 0)
    throw std::runtime_error(outcome.error + " (log: " + jobLogPath(dir) + ")");
  std::ifstream in(jobResultPath(dir));
  if (!in) throw std::runtime_error("the job ended without writing " + jobResultPath(dir) + " (log: " + jobLogPath(dir) + ")");
  nlohmann::json result = nlohmann::json::parse(in);
  result["log"] = jobLogPath(dir);
  return result;
}

}  // namespace ptclean::imager
