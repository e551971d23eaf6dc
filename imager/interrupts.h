// SIGINT and SIGTERM (Ctrl-C, or a scheduler's notice) stop a run at its next safe point, where
// an exception unwinds it and the staged outputs are removed. A second signal ends it at once.
#pragma once

#include <stdexcept>
#include <string>

namespace ptclean::imager {

class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void installInterruptHandlers();
bool interrupted();
/// Throws Interrupted naming the signal and `where`, then `hint` (how to go on), when a signal
/// has arrived.
void throwIfInterrupted(const std::string& where, const std::string& hint = "");
/// The signal that arrived (SIGINT, SIGTERM), 0 if none: the exit status is 128 + it.
int interruptSignal();

/// A test hook: with PTCLEAN_TEST_RAISE_SIGNAL=SEGV (or ABRT, KILL, BUS, FPE) in the
/// environment, the process raises that signal on itself, as a crashing job would (the batch
/// tests use it to show that one crashed job does not take a batch down).
void raiseTestSignal();

}  // namespace ptclean::imager
