#include "interrupts.h"

#include <csignal>
#include <cstdlib>
#include <utility>

namespace ptclean::imager {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void onSignal(int signal) {
  if (received != 0) {  // the second one: do not wait for a safe point
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received = signal;
}

}  // namespace

void installInterruptHandlers() {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
}

bool interrupted() { return received != 0; }

int interruptSignal() { return received; }

void throwIfInterrupted(const std::string& where, const std::string& hint) {
  if (received == 0) return;
  const char* name = received == SIGINT ? "SIGINT" : received == SIGTERM ? "SIGTERM" : "a signal";
  throw Interrupted(std::string("interrupted by ") + name + " " + where + "; no outputs were written" +
                    (hint.empty() ? "" : "; " + hint));
}

void raiseTestSignal() {
  const char* name = std::getenv("PTCLEAN_TEST_RAISE_SIGNAL");
  if (!name || !*name) return;
  const std::string wanted(name);
  for (auto [label, number] : {std::pair{"SEGV", SIGSEGV}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"BUS", SIGBUS},
                               {"FPE", SIGFPE}})
    if (wanted == label || wanted == std::string("SIG") + label) {
      std::signal(number, SIG_DFL);
      std::raise(number);
    }
  throw std::invalid_argument("PTCLEAN_TEST_RAISE_SIGNAL: unknown signal '" + wanted + "' (SEGV, ABRT, KILL, BUS, FPE)");
}

}  // namespace ptclean::imager
