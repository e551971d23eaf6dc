// The checkpoint side of one plane's cycles: what is saved after each major cycle, what a restart
// takes back, and the line that tells a stopped run's user how to go on.
#pragma once

#include <string>
#include <vector>

#include "plane_imaging.h"

namespace ptclean::imager {

/// Rank 0: checks the checkpoint against this run's data and PSF beam, then puts its residual,
/// model and auto-mask state into `out`. Throws std::runtime_error naming what differs.
CycleProgress resumeFrom(const PlaneCheckpoints& checkpoints, const DataDigest& digest, PlaneImages& out,
                         const ImagingSettings& settings);

/// Rank 0, after a major cycle: writes the checkpoint of `progress` (atomically) and logs it.
void saveCheckpoint(const PlaneCheckpoints& checkpoints, const DataDigest& digest, const ImagingSettings& settings,
                    const PlaneImages& out, const CycleProgress& progress, const std::vector<double>& residual,
                    const std::vector<double>& model);

/// "checkpoint F holds major cycle N; continue with: mpirun -n R ptclean image --restart F".
std::string restartHint(const std::string& path, long cycles_done, int ranks);

}  // namespace ptclean::imager
