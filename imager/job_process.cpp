#include "job_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace ptclean::imager {

namespace {

bool isMpiLauncherVariable(const std::string& entry) {
  for (const char* prefix : {"OMPI_", "PMIX_", "OPAL_", "ORTE_", "PRTE_", "HYDRA_", "PMI_"})
    if (entry.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string lastErrorLine(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find("ptclean: error:") != std::string::npos || line.rfind("error:", 0) == 0) last = line;
    // mpirun's account of a rank that a signal ended (jobs of several ranks).
    else if (line.find("exited on signal") != std::string::npos) last = "crashed: " + line;
  return last;
}

}  // namespace

std::string selfExecutable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find this program's path: " + ec.message());
  return path.string();
}

ChildOutcome runChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                             const std::string& log_path) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (!isMpiLauncherVariable(entry) && !extra_env.count(name)) env_text.push_back(entry);
  }
  for (const auto& [name, value] : extra_env) env_text.push_back(name + "=" + value);
  std::vector<char*> env_ptrs, arg_ptrs;
  for (auto& e : env_text) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);

  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot write " + log_path + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    const char message[] = "error: cannot start the job's process\n";
    ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    ::_exit(127);
  }
  ::close(log);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  ChildOutcome outcome;
  if (WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
    if (outcome.exit_code != 0) {
      outcome.error = lastErrorLine(log_path);
      if (outcome.error.empty()) outcome.error = "exited with code " + std::to_string(outcome.exit_code);
    }
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
    outcome.error = "crashed: killed by signal " + std::to_string(outcome.signal) + " (" +
                    std::string(::strsignal(outcome.signal)) + ")";
  }
  return outcome;
}

}  // namespace ptclean::imager
