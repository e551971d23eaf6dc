#include "clark.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "image_ops.h"

namespace ptclean::deconvolution {
namespace {

/// The largest |psf| outside the patch: pixels fainter than peak x this cannot be told from
/// sidelobes of the patch's own components, so the inner loop stops there.
double sidelobeOutsidePatch(std::span<const double> psf, std::size_t nx, std::size_t ny, long half) {
  double largest = 0.0;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const long dx = long(x) - long(nx / 2), dy = long(y) - long(ny / 2);
      if (std::abs(dx) <= half && std::abs(dy) <= half) continue;
      largest = std::max(largest, std::abs(psf[y * nx + x]));
    }
  return largest;
}

struct Active {
  std::size_t x, y;
  double value;
};

}  // namespace

MinorCycleResult Clark::executeMajorIteration(const DeconvolutionImages& images,
                                              const MinorCycleSettings& settings) {
  settings.validate();
  const std::size_t nx = images.nx, ny = images.ny;
  MinorCycleResult result;
  Peak peak = findPeak(images.residual, images.mask, settings.threads);
  result.start_peak = std::abs(peak.value);
  const double sidelobe = sidelobeOutsidePatch(images.psf, nx, ny, kPatchHalfWidth);
  double smallest = result.start_peak;
  while (result.iterations < settings.max_iterations && std::abs(peak.value) > settings.threshold) {
    // Active pixels: those above both the threshold and the patch's sidelobe limit.
    const double limit = std::max(settings.threshold, std::abs(peak.value) * sidelobe);
    std::vector<Active> active;
    for (std::size_t i = 0; i < images.residual.size(); ++i)
      if (std::abs(images.residual[i]) > limit && (images.mask.empty() || images.mask[i])) active.push_back({i % nx, i / nx, images.residual[i]});
    std::map<std::size_t, double> components;  // pixel -> flux added in this pass
    double lowest_in_pass = std::abs(peak.value);
    while (result.iterations < settings.max_iterations && !active.empty()) {
      auto best = std::max_element(active.begin(), active.end(), [](const Active& a, const Active& b) {
        return std::abs(a.value) < std::abs(b.value);
      });
      if (std::abs(best->value) <= limit) break;
      // The patch leaves out the PSF's outer sidelobes; once that shows (the peak no longer
      // falls), end the pass and let the exact subtraction take over.
      if (std::abs(best->value) > lowest_in_pass) break;
      lowest_in_pass = std::abs(best->value);
      const double component = settings.gain * best->value;
      components[best->y * nx + best->x] += component;
      const std::size_t bx = best->x, by = best->y;
      for (auto& a : active) {
        const long dx = long(a.x) - long(bx), dy = long(a.y) - long(by);
        if (std::abs(dx) > kPatchHalfWidth || std::abs(dy) > kPatchHalfWidth) continue;
        // The patch is clipped to the PSF: in an image of 128 pixels or fewer it would reach past
        // the PSF's edge (found by AddressSanitizer, docs/sanitizers.md).
        const long px = long(nx / 2) + dx, py = long(ny / 2) + dy;
        if (px < 0 || py < 0 || px >= long(nx) || py >= long(ny)) continue;
        a.value -= component * images.psf[std::size_t(py) * nx + std::size_t(px)];
      }
      ++result.iterations;
    }
    if (components.empty()) break;
    const double before = std::abs(peak.value);
    // The exact update of the whole residual with this pass's components.
    for (const auto& [index, flux] : components) {
      images.model[index] += flux;
      subtractShiftedPsf(images.residual, images.psf, nx, ny, index % nx, index / nx, flux, settings.threads);
    }
    peak = findPeak(images.residual, images.mask, settings.threads);
    smallest = std::min(smallest, std::abs(peak.value));
    if (std::abs(peak.value) >= before) break;  // no progress: the caller sees the final peak
  }
  result.final_peak = std::abs(peak.value);
  result.reached_threshold = result.final_peak <= settings.threshold;
  result.diverging = result.final_peak > 1.5 * smallest && result.final_peak > result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
