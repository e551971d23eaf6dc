// tclean's major and minor cycles across ranks: rank 0 runs the minor cycle on the summed
// residual and broadcasts the model; every rank predicts it, subtracts it from its own samples,
// grids the residual; the residual images are summed on rank 0.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cycle_progress.h"
#include "imaging_settings.h"
#include "ms_reader.h"
#include "ptclean/deconvolution/cycle_control.h"
#include "ptclean/gridding/gridder.h"
#include "run_timings.h"
#include "visibility_source.h"

namespace ptclean::imager {

class MpiContext;
class CleanMask;

struct CleanOutcome {
  long iterations = 0;
  long major_cycles = 0;
  std::string stop_reason;
};

/// What a run adds to the cycles for checkpoints and restarts; all empty for a plain run.
struct CycleHooks {
  /// Every rank: continue from here; the caller has restored rank 0's residual, model and mask.
  const CycleProgress* resume = nullptr;
  /// Rank 0, after each major cycle, with the residual and model of that cycle.
  std::function<void(const CycleProgress&, const std::vector<double>& residual, const std::vector<double>& model)>
      after_major_cycle;
  /// Every rank: added to the message of a run stopped by a signal after `cycles_done` cycles.
  std::function<std::string(long cycles_done)> stop_hint;
};

/// tclean's cycle-control keys of `settings`.
deconvolution::CycleSettings cycleSettings(const ImagingSettings& settings);

/// `residual` (rank 0: the normalised dirty image) and `model` (rank 0: zeros) are updated in
/// place on rank 0; `psf` is rank 0's normalised PSF and `mask` rank 0's clean mask (updated
/// before each minor cycle). On return every rank holds the final model. Collective.
CleanOutcome runMajorCycles(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                            const ImagingSettings& settings, int threads, double sum_weights,
                            const std::vector<double>& psf, CleanMask* mask, std::vector<double>& residual,
                            std::vector<double>& model, RunTimings& timings, const CycleHooks& hooks = {});

}  // namespace ptclean::imager
