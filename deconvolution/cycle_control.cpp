#include "ptclean/deconvolution/cycle_control.h"

#include <algorithm>
#include <stdexcept>

namespace ptclean::deconvolution {

void CycleSettings::validate() const {
  if (niter < 0) throw std::invalid_argument("niter must be >= 0");
  if (!(threshold >= 0.0)) throw std::invalid_argument("threshold must be >= 0");
  if (!(nsigma >= 0.0)) throw std::invalid_argument("nsigma must be >= 0");
  if (cycleniter == 0 || cycleniter < -1) throw std::invalid_argument("cycleniter must be -1 or >= 1");
  if (!(cyclefactor > 0.0)) throw std::invalid_argument("cyclefactor must be > 0");
  if (!(minpsffraction >= 0.0 && minpsffraction <= 1.0)) throw std::invalid_argument("minpsffraction must be in [0, 1]");
  if (!(maxpsffraction >= minpsffraction && maxpsffraction <= 1.0))
    throw std::invalid_argument("maxpsffraction must be in [minpsffraction, 1]");
  if (nmajor == 0 || nmajor < -1) throw std::invalid_argument("nmajor must be -1 or >= 1");
}

std::string describe(StopReason reason) {
  switch (reason) {
    case StopReason::None: return "not stopped";
    case StopReason::IterationLimit: return "Reached global iteration limit (niter)";
    case StopReason::Threshold: return "Reached global stopping threshold (threshold)";
    case StopReason::NSigma: return "Reached n-sigma threshold (nsigma)";
    case StopReason::MajorCycleLimit: return "Reached the maximum number of major cycles (nmajor)";
    case StopReason::ZeroMask: return "Reached zero mask (the mask selects no pixel)";
    case StopReason::Diverging: return "Peak residual increased by more than 3 times from the lowest so far (divergence)";
  }
  return "unknown";
}

double cycleThreshold(double peak_residual, double psf_sidelobe, double robust_rms, const CycleSettings& s) {
  const double fraction = std::clamp(psf_sidelobe * s.cyclefactor, s.minpsffraction, s.maxpsffraction);
  return std::max({peak_residual * fraction, s.threshold, s.nsigma * robust_rms});
}

CycleControl::CycleControl(const CycleSettings& settings) : settings_(settings) { settings_.validate(); }

MinorCyclePlan CycleControl::planMinorCycle(double peak_residual, double psf_sidelobe, double robust_rms) {
  MinorCyclePlan plan;
  lowest_peak_ = lowest_peak_ < 0.0 ? peak_residual : std::min(lowest_peak_, peak_residual);
  if (done_ >= settings_.niter) plan.stop = StopReason::IterationLimit;
  else if (peak_residual <= settings_.threshold) plan.stop = StopReason::Threshold;
  else if (settings_.nsigma > 0.0 && peak_residual <= settings_.nsigma * robust_rms) plan.stop = StopReason::NSigma;
  else if (settings_.nmajor > 0 && major_cycles_ >= settings_.nmajor) plan.stop = StopReason::MajorCycleLimit;
  else if (peak_residual > 3.0 * lowest_peak_) plan.stop = StopReason::Diverging;
  if (plan.stop != StopReason::None) return plan;
  plan.threshold = cycleThreshold(peak_residual, psf_sidelobe, robust_rms, settings_);
  const long left = settings_.niter - done_;
  plan.iterations = settings_.cycleniter > 0 ? std::min(left, settings_.cycleniter) : left;
  return plan;
}

void CycleControl::restore(const CycleState& state) {
  if (state.iterations_done < 0 || state.major_cycles_done < 0)
    throw std::invalid_argument("cycle state: negative iteration or major-cycle count");
  done_ = state.iterations_done;
  major_cycles_ = state.major_cycles_done;
  lowest_peak_ = state.lowest_peak;
}

void CycleControl::recordMinorCycle(long iterations, double final_peak) {
  done_ += iterations;
  ++major_cycles_;
  lowest_peak_ = lowest_peak_ < 0.0 ? final_peak : std::min(lowest_peak_, final_peak);
}

}  // namespace ptclean::deconvolution
