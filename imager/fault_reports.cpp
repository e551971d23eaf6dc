#include "fault_reports.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace ptclean::imager {
namespace {

struct FatalSignal {
  int number;
  const char* name;
};
constexpr std::array<FatalSignal, 5> kFatal{
    {{SIGSEGV, "SIGSEGV (segmentation fault)"}, {SIGABRT, "SIGABRT (abort)"}, {SIGBUS, "SIGBUS (bus error)"},
     {SIGFPE, "SIGFPE (arithmetic trap)"}, {SIGILL, "SIGILL (illegal instruction)"}}};

// Composed before any signal comes: a handler may only write(2) what is ready.
std::array<char[256], kFatal.size()> messages{};

extern "C" void reportFatalSignal(int signal) {
  for (std::size_t i = 0; i < kFatal.size(); ++i)
    if (kFatal[i].number == signal) {
      const ssize_t ignored = ::write(STDERR_FILENO, messages[i], std::strlen(messages[i]));
      (void)ignored;
    }
  std::signal(signal, SIG_DFL);  // SA_RESETHAND did it too: the re-raised signal ends the process
  std::raise(signal);
}

}  // namespace

void installCrashReports(const std::string& who) {
  for (std::size_t i = 0; i < kFatal.size(); ++i) {
    const std::string text = "ptclean: error: " + who + ": fatal signal " + kFatal[i].name +
                             "; this rank stops and the launcher ends the others\n";
    std::strncpy(messages[i], text.c_str(), sizeof(messages[i]) - 1);
    struct sigaction action {};
    action.sa_handler = reportFatalSignal;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(kFatal[i].number, &action, nullptr);
  }
}

void injectTestFault(int rank, long major_cycle) {
  const char* fault = std::getenv("PTCLEAN_TEST_FAULT");
  const char* wanted_rank = std::getenv("PTCLEAN_TEST_FAULT_RANK");
  if (!fault || !wanted_rank || std::atoi(wanted_rank) != rank) return;
  const char* wanted_cycle = std::getenv("PTCLEAN_TEST_FAULT_CYCLE");
  if (major_cycle != (wanted_cycle ? std::atol(wanted_cycle) : 1)) return;
  const std::string kind = fault;
  if (kind == "throw") throw std::runtime_error("test fault: an exception in major cycle " + std::to_string(major_cycle));
  if (kind == "abort") std::abort();
  if (kind == "kill") std::raise(SIGKILL);
  if (kind == "hang")
    while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
  throw std::invalid_argument("PTCLEAN_TEST_FAULT: unknown fault '" + kind + "' (throw, abort, kill, hang)");
}

}  // namespace ptclean::imager
