#include "interrupts.h"

#include <csignal>

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

void throwIfInterrupted(const std::string& where) {
  if (received == 0) return;
  const char* name = received == SIGINT ? "SIGINT" : received == SIGTERM ? "SIGTERM" : "a signal";
  throw Interrupted(std::string("interrupted by ") + name + " " + where + "; no outputs were written");
}

}  // namespace ptclean::imager
