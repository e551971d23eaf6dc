#include "clark.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "image_ops.h"
#include "psf_convolution.h"

namespace ptclean::deconvolution {
namespace {

// Pixels down to this fraction of the cycle threshold join a pass: most of those that the pass's
// sidelobes lift above the threshold are then in it, so a cycle takes one or two passes. (On the
// 2048^2 benchmark, 0.6 selects 5x more pixels for the same passes; 0.95 needs more passes.)
constexpr double kSelectFraction = 0.9;
// At most this many pixels (or 1/16 of the image) per pass; beyond, the pass stops at the
// brightest pixel left out, and the next pass selects again.
constexpr std::size_t kMinSelected = std::size_t(1) << 16;
// Up to this many distinct component pixels, subtracting shifted PSFs costs less than the FFTs.
constexpr std::size_t kDirectSubtractions = 8;
// Below this many selected pixels one thread is faster than waking a team.
constexpr std::size_t kParallelPixels = 4096;

struct Selected {
  std::size_t index;
  long x, y;
  double value;
};

struct Selection {
  std::vector<Selected> pixels;  ///< in pixel order
  double left_out = 0.0;         ///< the largest |value| of a masked-in pixel not selected
};

Selection selectBrightest(const DeconvolutionImages& images, double floor) {
  Selection selection;
  const std::size_t nx = images.nx, n = images.residual.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double v = images.residual[i];
    if (std::abs(v) > floor && (images.mask.empty() || images.mask[i]))
      selection.pixels.push_back({i, long(i % nx), long(i / nx), v});
  }
  selection.left_out = floor;
  const std::size_t cap = std::max(kMinSelected, n / 16);
  if (selection.pixels.size() > cap) {
    auto brighter = [](const Selected& a, const Selected& b) { return std::abs(a.value) > std::abs(b.value); };
    std::nth_element(selection.pixels.begin(), selection.pixels.begin() + std::ptrdiff_t(cap), selection.pixels.end(),
                     brighter);
    selection.left_out = std::abs(selection.pixels[cap].value);
    selection.pixels.resize(cap);
    std::sort(selection.pixels.begin(), selection.pixels.end(),
              [](const Selected& a, const Selected& b) { return a.index < b.index; });
  }
  return selection;
}

/// The selected pixel of largest |value| (the first on ties, whatever the thread count).
std::size_t brightest(const std::vector<Selected>& pixels, int threads) {
  const int n_threads = pixels.size() > kParallelPixels ? std::max(1, threads) : 1;
  std::vector<std::size_t> best(std::size_t(n_threads), 0);
#pragma omp parallel num_threads(n_threads)
  {
    const std::size_t t = std::size_t(omp_get_thread_num()), n = pixels.size();
    const std::size_t begin = n * t / std::size_t(n_threads), end = n * (t + 1) / std::size_t(n_threads);
    std::size_t mine = begin;
    for (std::size_t i = begin; i < end; ++i)
      if (std::abs(pixels[i].value) > std::abs(pixels[mine].value)) mine = i;
    best[t] = mine;
  }
  std::size_t found = best[0];
  for (std::size_t b : best)
    if (b < pixels.size() && std::abs(pixels[b].value) > std::abs(pixels[found].value)) found = b;
  return found;
}

/// Every selected pixel loses component x the PSF at its offset from (bx, by), as Hogbom's full
/// subtraction would give it.
void subtractAtSelected(std::vector<Selected>& pixels, const std::vector<float>& psf_values, std::size_t image_nx,
                        std::size_t image_ny, long bx, long by, double component, int threads) {
  const long nx = long(image_nx), ny = long(image_ny), cx = nx / 2, cy = ny / 2;
  const float* psf = psf_values.data();
  const std::ptrdiff_t n = std::ptrdiff_t(pixels.size());
#pragma omp parallel for num_threads(threads) schedule(static) if (pixels.size() > kParallelPixels)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    Selected& p = pixels[std::size_t(i)];
    const long px = p.x - bx + cx, py = p.y - by + cy;
    if (px >= 0 && py >= 0 && px < nx && py < ny) p.value -= component * double(psf[py * nx + px]);
  }
}

}  // namespace

void Clark::subtractPass(const DeconvolutionImages& images, const std::vector<PointComponent>& components,
                         int threads) {
  std::map<std::size_t, double> by_pixel;
  for (const auto& c : components) by_pixel[c.index] += c.flux;
  for (const auto& [index, flux] : by_pixel) images.model[index] += flux;
  if (by_pixel.size() <= kDirectSubtractions) {
    for (const auto& [index, flux] : by_pixel)
      subtractShiftedPsf(images.residual, images.psf, images.nx, images.ny, index % images.nx, index / images.nx,
                         flux, threads);
    return;
  }
  if (!convolution_ || !convolution_->matches(images.psf, images.nx, images.ny))
    convolution_ = std::make_shared<const PsfConvolution>(images.psf, images.nx, images.ny, threads);
  std::vector<PointComponent> merged;
  merged.reserve(by_pixel.size());
  for (const auto& [index, flux] : by_pixel) merged.push_back({index, flux});
  convolution_->subtractPoints(images.residual, merged, threads);
}

MinorCycleResult Clark::executeMajorIteration(const DeconvolutionImages& images,
                                              const MinorCycleSettings& settings) {
  settings.validate();
  if (psf_values_.size() != images.psf.size() || !std::equal(images.psf.begin(), images.psf.end(), psf_values_.begin(), [](double a, float b) { return float(a) == b; }))
    psf_values_.assign(images.psf.begin(), images.psf.end());
  MinorCycleResult result;
  Peak peak = findPeak(images.residual, images.mask, settings.threads);
  result.start_peak = std::abs(peak.value);
  double smallest = result.start_peak;
  while (result.iterations < settings.max_iterations && std::abs(peak.value) > settings.threshold) {
    Selection selection = selectBrightest(images, kSelectFraction * settings.threshold);
    // A pixel left out may be brighter than what the pass would go on to choose: stop there.
    const double pass_stop = std::max(settings.threshold, selection.left_out);
    std::vector<PointComponent> components;
    while (result.iterations < settings.max_iterations && !selection.pixels.empty()) {
      const Selected best = selection.pixels[brightest(selection.pixels, settings.threads)];
      if (std::abs(best.value) <= pass_stop) break;
      const double component = settings.gain * best.value;
      components.push_back({best.index, component});
      subtractAtSelected(selection.pixels, psf_values_, images.nx, images.ny, best.x, best.y, component, settings.threads);
      ++result.iterations;
    }
    if (components.empty()) break;  // ties at the selection's edge: nothing more this cycle
    subtractPass(images, components, settings.threads);
    peak = findPeak(images.residual, images.mask, settings.threads);
    smallest = std::min(smallest, std::abs(peak.value));
  }
  result.final_peak = std::abs(peak.value);
  result.reached_threshold = result.final_peak <= settings.threshold;
  result.diverging = result.final_peak > 1.5 * smallest && result.final_peak > result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
