// tclean's major/minor cycle control: the cycle threshold, the iterations of each minor cycle,
// and the reasons to stop, as plain arithmetic.
//
//   CycleControl control({.niter = 1000, .threshold = 1e-3, .nsigma = 3});
//   while (true) {
//     auto plan = control.planMinorCycle(peak, psf_sidelobe, robust_rms);
//     if (plan.stop != StopReason::None) break;           // logged by name
//     ... minor cycle with plan.threshold and plan.iterations, then a major cycle ...
//     control.recordMinorCycle(result.iterations, result.final_peak);
//   }
#pragma once

#include <string>

namespace ptclean::deconvolution {

struct CycleSettings {
  long niter = 0;
  double threshold = 0.0;       ///< Jy/beam
  double nsigma = 0.0;          ///< 0: off
  long cycleniter = -1;         ///< -1: niter
  double cyclefactor = 1.0;
  double minpsffraction = 0.05;
  double maxpsffraction = 0.8;
  long nmajor = -1;             ///< -1: unlimited
  void validate() const;        ///< throws std::invalid_argument naming the tclean key
};

enum class StopReason { None, IterationLimit, Threshold, NSigma, MajorCycleLimit, Diverging, ZeroMask };

/// tclean's wording for the log.
std::string describe(StopReason reason);

/// max(peak x clamp(sidelobe x cyclefactor, minpsffraction, maxpsffraction), threshold, nsigma x rms)
double cycleThreshold(double peak_residual, double psf_sidelobe, double robust_rms, const CycleSettings& s);

struct MinorCyclePlan {
  StopReason stop = StopReason::None;
  double threshold = 0.0;  ///< Jy/beam for this minor cycle
  long iterations = 0;     ///< at most this many components
};

/// What CycleControl carries from one major cycle to the next (a checkpoint saves it).
struct CycleState {
  long iterations_done = 0;
  long major_cycles_done = 0;
  double lowest_peak = -1.0;  ///< the lowest peak seen, for the divergence test; -1 before any
};

class CycleControl {
 public:
  explicit CycleControl(const CycleSettings& settings);

  /// Decides, from the residual after a major cycle, whether to stop and, if not, the next
  /// minor cycle's threshold and iteration budget.
  MinorCyclePlan planMinorCycle(double peak_residual, double psf_sidelobe, double robust_rms);
  void recordMinorCycle(long iterations, double final_peak);

  long iterationsDone() const { return done_; }
  long majorCyclesDone() const { return major_cycles_; }
  CycleState state() const { return {done_, major_cycles_, lowest_peak_}; }
  /// Continues from a saved state, as if the cycles it counts had run here.
  void restore(const CycleState& state);

 private:
  CycleSettings settings_;
  long done_ = 0;
  long major_cycles_ = 0;
  double lowest_peak_ = -1.0;
};

}  // namespace ptclean::deconvolution
