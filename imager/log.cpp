#include "log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace ptclean::imager {

void setupLogging(const std::string& role, bool is_root, bool verbose) {
  auto logger = spdlog::stderr_color_mt("ptclean-" + role);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [" + role + "] %v");
  logger->set_level(is_root || verbose ? spdlog::level::info : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace ptclean::imager
