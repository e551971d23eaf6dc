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
/// Throws Interrupted naming the signal and `where` when a signal has arrived.
void throwIfInterrupted(const std::string& where);

}  // namespace ptclean::imager
