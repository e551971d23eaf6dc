// Logging for every rank: each line names its writer ("client" or "server-N"), as the issue and
// CASA's MPI log do. Servers log warnings and errors only unless verbose.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace ptclean::imager {

void setupLogging(const std::string& role, bool is_root, bool verbose);

}  // namespace ptclean::imager
