// Multi-scale CLEAN in passes. A pass smooths the residual to every scale (FFT), then runs the
// Cornwell (2008) loop on those smoothed residuals: find the scale and pixel with the largest
// biased peak, add gain x flux x scale function to the model, and subtract the component's cross
// terms PSF * scale_t * scale_s from every smoothed residual. At the end of the pass the residual
// itself loses PSF * (the pass's model) in one FFT convolution, exact whatever the cross terms
// left out, and the next pass starts from it.
//
// Where the image is small enough, the cross terms hold every offset and a pass runs to the end
// of the cycle. On larger images they are cut to a window (kMinCrossWindow); what each component
// leaves out beyond it is bounded, and a pass ends once the bound could reach the peak being
// chosen, as a Clark pass ends at the PSF's outer sidelobe.
//
// Normalisation, as tclean: scale functions have unit sum (a component of flux F adds F x the
// function to the model, total F). The search compares weight_t x |residual * scale_t| / peak of
// PSF * scale_t, weight_t = 1 - smallscalebias x scale_t / largest scale, so a point source scores
// its flux at every scale (ties go to the smaller scale) and extended emission scores higher at
// the scale that matches it. The flux of the component is Cornwell's: gain x the smoothed value /
// peak of PSF * scale_t * scale_t, which lowers the chosen smoothed peak by exactly the gain.
// The stop is tclean's: the principal (smallest) scale's peak against the threshold.
#include "multiscale.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

#include "image_ops.h"
#include "multiscale_kernels.h"
#include "multiscale_masks.h"
#include "multiscale_terms.h"
#include "multiscale_tiles.h"

namespace ptclean::deconvolution {
namespace {

// Below this many pixel updates per component, one thread is faster than waking a team.
constexpr long kParallelWork = 1L << 18;

struct Component {
  std::size_t scale;
  std::size_t index;
  double flux;
};

/// One call's working state: the smoothed residuals and their tile maxima.
class Cycle {
 public:
  Cycle(const MultiscalePsfTerms& terms, const std::vector<std::vector<std::uint8_t>>& allowed,
        const DeconvolutionImages& images, const MinorCycleSettings& settings, std::vector<double> weights)
      : terms_(terms), allowed_(allowed), images_(images), settings_(settings), weights_(std::move(weights)),
        n_scales_(terms.kernels.size()), smoothed_(n_scales_, std::vector<double>(images.nx * images.ny)),
        spectrum_(terms.image_fft.spectrumSize()) {
    for (std::size_t t = 0; t < n_scales_; ++t) tiles_.emplace_back(images.nx, images.ny, allowed_[t].data());
  }

  /// The principal scale's peak in the true residual: |residual| itself when that scale is the
  /// delta function, else the smoothed residual over its PSF peak.
  double principalPeak() {
    const std::uint8_t* ok = allowed_[0].data();
    const double* image = images_.residual.data();
    if (terms_.kernels[0].radius > 0) {
      transformResidual();
      smooth(0);
      image = smoothed_[0].data();
    }
    const std::ptrdiff_t n = std::ptrdiff_t(images_.residual.size());
    double peak = 0.0;  // a maximum does not depend on the order: the same for any thread count
#pragma omp parallel for num_threads(settings_.threads) schedule(static) reduction(max : peak)
    for (std::ptrdiff_t i = 0; i < n; ++i) peak = std::max(peak, ok[i] ? std::abs(image[i]) : 0.0);
    return peak / terms_.smoothed_peak[0];
  }

  /// The residual smoothed to every scale, and their tile maxima.
  void refresh() {
    for (const auto& k : terms_.kernels)
      if (k.radius > 0) {
        transformResidual();
        break;
      }
    for (std::size_t t = 0; t < n_scales_; ++t) smooth(t);
#pragma omp parallel num_threads(settings_.threads)
    for (std::size_t t = 0; t < n_scales_; ++t) tiles_[t].rebuild(smoothed_[t].data(), allowed_[t].data());
  }

  /// Components until the budget, the threshold, or (with cut cross terms) the error bound.
  std::vector<Component> pass(long& iterations) {
    std::vector<Component> components;
    std::vector<double> error(n_scales_, 0.0);  // bound on what the window left out, per scale
    while (iterations < settings_.max_iterations) {
      std::size_t scale = 0;
      TileMaxima::Best best;
      double score = 0.0, bound = 0.0;
      for (std::size_t t = 0; t < n_scales_; ++t) {
        const TileMaxima::Best b = tiles_[t].best(smoothed_[t].data(), allowed_[t].data());
        const double s = weights_[t] * b.magnitude / terms_.smoothed_peak[t];
        if (s > score) score = s, scale = t, best = b;
        bound = std::max(bound, weights_[t] * error[t] / terms_.smoothed_peak[t]);
        if (t == 0 && b.magnitude / terms_.smoothed_peak[0] <= settings_.threshold) return components;
      }
      if (!(score > bound)) break;  // nothing allowed, or the peak may be the window's error
      const double flux = settings_.gain * smoothed_[scale][best.index] / terms_.twice_peak[scale];
      components.push_back({scale, best.index, flux});
      subtract(scale, best.index, flux);
      for (std::size_t t = 0; t < n_scales_; ++t) error[t] += std::abs(flux) * terms_.outside[terms_.pair(t, scale)];
      ++iterations;
    }
    return components;
  }

  /// Adds the components to the model and subtracts PSF * (what was added) from the residual, by
  /// one convolution on a grid large enough for no wrap-around.
  void apply(const std::vector<Component>& components) {
    const RealFft2d& fft = terms_.psf_convolution.grid();
    const std::size_t nx = images_.nx, ny = images_.ny, gx = fft.nx();
    std::vector<double>& grid = padded_;
    grid.assign(gx * fft.ny(), 0.0);
    for (const Component& c : components) {
      const ScaleKernel& k = terms_.kernels[c.scale];
      const long px = long(c.index % nx), py = long(c.index / nx);
      for (int dy = -k.radius; dy <= k.radius; ++dy)
        for (int dx = -k.radius; dx <= k.radius; ++dx) {
          const double v = c.flux * k.at(dx, dy);
          const std::size_t x = std::size_t(px + dx), y = std::size_t(py + dy);
          grid[y * gx + x] += v;
          images_.model[y * nx + x] += v;
        }
    }
    terms_.psf_convolution.convolve(grid, padded_spectrum_, settings_.threads);
    const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(settings_.threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) {
      double* row = images_.residual.data() + std::size_t(y) * nx;
      const double* conv = grid.data() + std::size_t(y) * gx;
      for (std::size_t x = 0; x < nx; ++x) row[x] -= conv[x];
    }
  }

 private:
  void transformResidual() { terms_.image_fft.forward(images_.residual.data(), spectrum_.data(), settings_.threads); }

  /// smoothed_[t] = residual * scale_t (a copy for the delta function), from the spectrum of the
  /// residual. The FFT is circular, but an allowed centre is at least the scale's radius from
  /// every edge, so it is exact there.
  void smooth(std::size_t t) {
    if (terms_.kernels[t].radius == 0) {
      std::copy_n(images_.residual.data(), images_.residual.size(), smoothed_[t].data());
      return;
    }
    std::vector<std::complex<double>>& product = product_;
    product.resize(spectrum_.size());
    const std::vector<double>& kernel = terms_.kernel_spectra[t];
    const std::ptrdiff_t m = std::ptrdiff_t(product.size());
#pragma omp parallel for num_threads(settings_.threads) schedule(static)
    for (std::ptrdiff_t i = 0; i < m; ++i) product[std::size_t(i)] = spectrum_[std::size_t(i)] * kernel[std::size_t(i)];
    terms_.image_fft.backward(product.data(), smoothed_[t].data(), settings_.threads);
  }

  /// Every smoothed residual loses flux x PSF * scale_t * scale_s around the component, on the
  /// window of the cross terms, band by band, each band's tiles measured again at once.
  void subtract(std::size_t scale, std::size_t index, double flux) {
    const long nx = long(images_.nx), ny = long(images_.ny);
    const long px = long(index) % nx, py = long(index) / nx;
    const long wx = terms_.wx, wy = terms_.wy, ww = terms_.windowWidth();
    const long x0 = std::max(0L, px - wx), x1 = std::min(nx, px + wx + 1);
    const long y0 = std::max(0L, py - wy), y1 = std::min(ny, py + wy + 1);
    const long area = (x1 - x0) * (y1 - y0) * long(n_scales_);
    const long band0 = y0 / long(TileMaxima::kTile), band1 = (y1 - 1) / long(TileMaxima::kTile) + 1;
    const long bands = band1 - band0, jobs = bands * long(n_scales_);
    // One job per (scale, band of 32 rows): a single barrier per component.
#pragma omp parallel for num_threads(settings_.threads) schedule(static) if (area > kParallelWork)
    for (long job = 0; job < jobs; ++job) {
      const std::size_t t = std::size_t(job / bands);
      const long band = band0 + job % bands;
      double* image = smoothed_[t].data();
      const double* term = terms_.crossTerm(t, scale);
      const long ya = std::max(y0, band * long(TileMaxima::kTile));
      const long yb = std::min(y1, (band + 1) * long(TileMaxima::kTile));
      for (long y = ya; y < yb; ++y) {
        double* row = image + y * nx + x0;
        const double* c = term + (y - py + wy) * ww + (x0 - px + wx);
        const long width = x1 - x0;
        for (long x = 0; x < width; ++x) row[x] -= flux * c[x];
      }
      tiles_[t].measureBand(image, allowed_[t].data(), std::size_t(band), std::size_t(x0), std::size_t(x1));
    }
  }

  const MultiscalePsfTerms& terms_;
  const std::vector<std::vector<std::uint8_t>>& allowed_;
  const DeconvolutionImages& images_;
  const MinorCycleSettings& settings_;
  std::vector<double> weights_;
  std::size_t n_scales_;
  std::vector<std::vector<double>> smoothed_;
  std::vector<TileMaxima> tiles_;
  std::vector<std::complex<double>> spectrum_;  ///< of the residual, by transformResidual()
  // Scratch kept across passes: the spectrum times a kernel's, and the padded model and spectrum.
  std::vector<std::complex<double>> product_;
  std::vector<double> padded_;
  std::vector<std::complex<double>> padded_spectrum_;
};

}  // namespace

Multiscale::Multiscale(std::vector<double> scales, double smallscalebias)
    : scales_(std::move(scales)), smallscalebias_(smallscalebias) {
  AlgorithmSettings{AlgorithmType::Multiscale, scales_, smallscalebias_}.validate();
}

void Multiscale::prepare(const DeconvolutionImages& images, int threads) {
  if (!terms_ || !terms_->matches(images.psf, images.nx, images.ny)) {
    // No scales given: 0 and multiples of the beam, as WSClean chooses them (see automaticScales).
    const auto scales = scales_.empty() ? automaticScales(images.psf, images.nx, images.ny) : scales_;
    terms_ = std::make_shared<const MultiscalePsfTerms>(buildPsfTerms(images.psf, images.nx, images.ny, scales, threads));
    allowed_.reset();
  }
  const bool same_mask = allowed_ && allowed_mask_.size() == images.mask.size() &&
                         std::equal(images.mask.begin(), images.mask.end(), allowed_mask_.begin());
  if (!same_mask) {
    allowed_ = std::make_shared<const Allowed>(allowedCentres(images.mask, images.nx, images.ny, terms_->kernels, threads));
    allowed_mask_.assign(images.mask.begin(), images.mask.end());
  }
}

MinorCycleResult Multiscale::executeMajorIteration(const DeconvolutionImages& images,
                                                   const MinorCycleSettings& settings) {
  settings.validate();
  const std::size_t n = images.nx * images.ny;
  if (n == 0 || images.residual.size() != n || images.model.size() != n || images.psf.size() != n ||
      !(images.mask.empty() || images.mask.size() == n))
    throw std::invalid_argument("multiscale: residual, model, psf (and a mask) must hold nx*ny values");
  prepare(images, settings.threads);
  const MultiscalePsfTerms& terms = *terms_;
  std::vector<double> scales;
  for (const auto& k : terms.kernels) scales.push_back(k.scale);
  Cycle cycle(terms, *allowed_, images, settings, scaleBiasWeights(scales, smallscalebias_));

  MinorCycleResult result;
  result.start_peak = std::abs(findPeak(images.residual, images.mask, settings.threads).value);
  const bool principal_is_residual = terms.kernels[0].radius == 0;
  double smallest = result.start_peak;
  for (;;) {
    const double principal = cycle.principalPeak();
    if (principal_is_residual) smallest = std::min(smallest, principal);
    if (principal <= settings.threshold) {
      result.reached_threshold = true;
      break;
    }
    if (result.iterations >= settings.max_iterations) break;
    cycle.refresh();
    const auto components = cycle.pass(result.iterations);
    if (components.empty()) break;  // no allowed pixel left
    cycle.apply(components);
  }
  result.final_peak = std::abs(findPeak(images.residual, images.mask, settings.threads).value);
  smallest = std::min(smallest, result.final_peak);
  result.diverging = result.final_peak > 1.5 * smallest && result.final_peak > result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
