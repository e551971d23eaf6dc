// Where tclean's cycles stand after a major cycle: what the next cycle needs besides the images,
// and what a checkpoint saves so that a restarted run continues exactly where this one stopped.
#pragma once

#include <string>
#include <vector>

#include "ptclean/deconvolution/cycle_control.h"

namespace ptclean::imager {

/// One minor cycle, as the log reports it.
struct MinorCycleRecord {
  double peak_residual = 0.0;    ///< Jy/beam, inside the mask, before the minor cycle
  double rms = 0.0;              ///< robust rms of the residual
  double cycle_threshold = 0.0;  ///< Jy/beam
  long iterations = 0;
  double final_peak = 0.0;       ///< Jy/beam, after the minor cycle
  std::string ended_by;          ///< "cycle threshold" or "iteration budget"
};

struct CycleProgress {
  deconvolution::CycleState control;
  bool cycle_threshold_was_global = false;  ///< the mask's minpercentchange rule needs it
  std::vector<MinorCycleRecord> history;
};

}  // namespace ptclean::imager
