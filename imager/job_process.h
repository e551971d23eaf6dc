// One batch job in a child process of its server, so that a job that crashes (a signal, an
// out-of-memory kill) ends only that process: the server sees how it ended and goes on.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ptclean::imager {

struct ChildOutcome {
  int exit_code = -1;  ///< when it exited
  int signal = 0;      ///< when a signal ended it
  std::string error;   ///< the last "ptclean: error:" line of its log, or how it ended
};

/// Runs `argv` (argv[0] a path) with stdout and stderr into `log_path`, and waits. The child's
/// environment is this process's without Open MPI's and PMIx's variables (so that a `ptclean`
/// child starts as its own MPI job, not as a rank of this one), plus `extra_env`.
ChildOutcome runChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                             const std::string& log_path);

/// This program's own path (/proc/self/exe).
std::string selfExecutable();

}  // namespace ptclean::imager
