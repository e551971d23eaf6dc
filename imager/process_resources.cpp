#include "process_resources.h"

#include <filesystem>
#include <fstream>
#include <string>

namespace ptclean::imager {

ProcessResources processResources() {
  ProcessResources r;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++r.open_files;
  --r.open_files;  // the one the listing itself holds open
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) r.rss_mb = std::stod(line.substr(6)) * 1024.0 / 1e6;  // kB
  return r;
}

}  // namespace ptclean::imager
