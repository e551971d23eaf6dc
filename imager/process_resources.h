// What this process holds of the machine: open file descriptors and resident memory. A batch
// records them on every rank, so that a leak (descriptors or memory kept per job) shows.
#pragma once

#include <nlohmann/json.hpp>

namespace ptclean::imager {

struct ProcessResources {
  int open_files = 0;  ///< entries of /proc/self/fd
  double rss_mb = 0;   ///< VmRSS of /proc/self/status, in MB (10^6 bytes)
  nlohmann::json toJson() const { return {{"open_files", open_files}, {"rss_mb", rss_mb}}; }
};

ProcessResources processResources();

}  // namespace ptclean::imager
