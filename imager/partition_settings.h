// The keys of `ptclean partition` (CASA's partition task: names and defaults) and the settings
// derived from them.
#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "ms_reader.h"

namespace ptclean::imager {

struct PartitionSettings {
  std::string vis, outputvis;
  bool createmms = true;
  std::string separationaxis = "auto";
  long numsubms = 0;  ///< 0 = 'auto': the MPI ranks under mpirun, else 8
  bool flagbackup = true;
  std::string datacolumn = "all";
  MsSelectionKeys selection;
};

const std::vector<KeySpec>& partitionKeys();
/// Throws ConfigError naming the key.
PartitionSettings partitionSettingsFrom(const Config& config);

}  // namespace ptclean::imager
