#include "hogbom.h"

#include <cmath>

#include "image_ops.h"

namespace ptclean::deconvolution {

MinorCycleResult Hogbom::executeMajorIteration(const DeconvolutionImages& images,
                                               const MinorCycleSettings& settings) {
  settings.validate();
  MinorCycleResult result;
  Peak peak = findPeak(images.residual, settings.threads);
  result.start_peak = std::abs(peak.value);
  double smallest = result.start_peak;
  while (result.iterations < settings.max_iterations) {
    if (std::abs(peak.value) <= settings.threshold) {
      result.reached_threshold = true;
      break;
    }
    const double component = settings.gain * peak.value;
    images.model[peak.index] += component;
    subtractShiftedPsf(images.residual, images.psf, images.nx, images.ny, peak.index % images.nx,
                       peak.index / images.nx, component, settings.threads);
    ++result.iterations;
    peak = findPeak(images.residual, settings.threads);
    smallest = std::min(smallest, std::abs(peak.value));
  }
  result.final_peak = std::abs(peak.value);
  if (!result.reached_threshold && result.final_peak <= settings.threshold) result.reached_threshold = true;
  result.diverging = result.final_peak > 1.5 * smallest && result.final_peak > result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
