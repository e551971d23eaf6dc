#include "ptclean/deconvolution/multi_term_scales.h"

#include <omp.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

#include "multiscale_fft.h"
#include "multiscale_kernels.h"
#include "multiscale_terms.h"

namespace ptclean::deconvolution {

struct MultiTermScales::Terms {
  std::size_t nx = 0, ny = 0, nterms = 1, npsf = 1;
  std::vector<double> scales;
  std::vector<ScaleKernel> kernels;
  std::vector<double> bias;                       ///< tclean's scale bias per scale
  RealFft2d fft;
  std::vector<std::vector<double>> kernel_spectra;  ///< per scale, with the 1/(nx ny) of FFTW
  std::vector<std::vector<double>> psf_scale;       ///< [s * npsf + k]: psf_k * K_s
  std::vector<std::vector<double>> psf_scale_scale; ///< [pair(s, q) * npsf + k]: psf_k * K_s * K_q
  std::vector<std::vector<double>> hessian_inverse; ///< per scale, nterms x nterms row-major
  std::vector<double> normaliser;                   ///< per scale: H_s[0][0] / peak |psf_0 * K_s|
  int threads = 1;

  std::size_t pair(std::size_t s, std::size_t q) const {
    if (s > q) std::swap(s, q);
    return q * (q + 1) / 2 + s;
  }

  /// image * K_s (periodic), into `out`.
  void smooth(std::span<const double> image, std::size_t s, std::vector<double>& out) const {
    std::vector<std::complex<double>> spectrum(fft.spectrumSize());
    fft.forward(image.data(), spectrum.data(), threads);
    for (std::size_t i = 0; i < spectrum.size(); ++i) spectrum[i] *= kernel_spectra[s][i];
    out.resize(nx * ny);
    fft.backward(spectrum.data(), out.data(), threads);
  }
};

namespace {

/// One update of the cycle: target -= amplitude x term, the term's centre (nx/2, ny/2) moved to
/// the component's pixel.
struct ShiftedSubtraction {
  double* target;
  const double* term;
  double amplitude;
};

/// All of a component's subtractions in one parallel pass over rows (one parallel region per
/// component keeps the cost of starting threads small next to the work).
void subtractShifted(const std::vector<ShiftedSubtraction>& updates, std::size_t nx, std::size_t ny, std::size_t px,
                     std::size_t py, int threads) {
  const long dx = long(px) - long(nx / 2), dy = long(py) - long(ny / 2);
  const long x0 = std::max(0L, dx), x1 = std::min(long(nx), long(nx) + dx);
  const long y0 = std::max(0L, dy), y1 = std::min(long(ny), long(ny) + dy);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long y = y0; y < y1; ++y)
    for (const auto& u : updates) {
      double* row = u.target + std::size_t(y) * nx;
      const double* from = u.term + std::size_t(y - dy) * nx;
      for (long x = x0; x < x1; ++x) row[x] -= u.amplitude * from[x - dx];
    }
}

struct Pick {
  double criterion = -1.0;
  std::size_t scale = 0, pixel = 0;
};

}  // namespace

MultiTermScales::MultiTermScales(const std::vector<std::span<const double>>& psfs, std::size_t nx, std::size_t ny,
                                 std::size_t nterms, std::vector<double> scales, double smallscalebias, int threads)
    : terms_(std::make_unique<Terms>()) {
  Terms& t = *terms_;
  t.nx = nx, t.ny = ny, t.nterms = nterms, t.npsf = 2 * nterms - 1, t.threads = std::max(1, threads);
  if (psfs.size() != t.npsf) throw std::invalid_argument("mtmfs scales: need 2 nterms - 1 PSFs");
  std::sort(scales.begin(), scales.end());
  const double largest = 0.25 * double(std::min(nx, ny));
  for (double s : scales)
    if (s <= largest) t.scales.push_back(s);
  if (t.scales.empty()) t.scales.push_back(0.0);
  t.bias = scaleBiasWeights(t.scales, smallscalebias);
  t.fft = RealFft2d(nx, ny);
  for (double s : t.scales) {
    t.kernels.push_back(makeScaleKernel(s));
    t.kernel_spectra.push_back(kernelSpectrum(t.kernels.back(), t.fft, 1.0 / double(nx * ny), t.threads));
  }
  const std::size_t n_scales = t.scales.size(), centre = (ny / 2) * nx + nx / 2;
  t.psf_scale.resize(n_scales * t.npsf);
  t.psf_scale_scale.resize(n_scales * (n_scales + 1) / 2 * t.npsf);
  for (std::size_t s = 0; s < n_scales; ++s)
    for (std::size_t k = 0; k < t.npsf; ++k) {
      t.smooth(psfs[k], s, t.psf_scale[s * t.npsf + k]);
      for (std::size_t q = s; q < n_scales; ++q) t.smooth(t.psf_scale[s * t.npsf + k], q, t.psf_scale_scale[t.pair(s, q) * t.npsf + k]);
    }
  for (std::size_t s = 0; s < n_scales; ++s) {
    Eigen::MatrixXd h(nterms, nterms);
    for (std::size_t a = 0; a < nterms; ++a)
      for (std::size_t b = 0; b < nterms; ++b)
        h(Eigen::Index(a), Eigen::Index(b)) = t.psf_scale_scale[t.pair(s, s) * t.npsf + a + b][centre];
    Eigen::FullPivLU<Eigen::MatrixXd> lu(h);
    if (!lu.isInvertible() || std::abs(lu.determinant()) < 1e-14 * std::pow(std::abs(h(0, 0)), double(nterms)))
      throw std::runtime_error("mtmfs: the Taylor-term Hessian of scale " + std::to_string(t.scales[s]) +
                               " is singular: the bandwidth is too narrow for nterms = " + std::to_string(nterms));
    const Eigen::MatrixXd inverse = lu.inverse();
    std::vector<double> flat(nterms * nterms);
    for (std::size_t a = 0; a < nterms; ++a)
      for (std::size_t b = 0; b < nterms; ++b) flat[a * nterms + b] = inverse(Eigen::Index(a), Eigen::Index(b));
    t.hessian_inverse.push_back(std::move(flat));
    double peak = 0.0;
    for (double v : t.psf_scale[s * t.npsf]) peak = std::max(peak, std::abs(v));
    t.normaliser.push_back(h(0, 0) / peak);
  }
}

MultiTermScales::~MultiTermScales() = default;
MultiTermScales::MultiTermScales(MultiTermScales&&) noexcept = default;

const std::vector<double>& MultiTermScales::scales() const { return terms_->scales; }

MinorCycleResult MultiTermScales::minorCycle(const MultiTermImages& images, const MinorCycleSettings& settings) const {
  settings.validate();
  const Terms& t = *terms_;
  const std::size_t n = t.nterms, nx = t.nx, ny = t.ny, pixels = nx * ny, n_scales = t.scales.size();
  if (images.nx != nx || images.ny != ny || images.nterms != n)
    throw std::invalid_argument("mtmfs scales: images of another size or number of terms");
  const int threads = std::max(1, settings.threads);
  // smoothed[s * n + t]: the residual of term t smoothed by scale s, kept up to date below.
  std::vector<std::vector<double>> smoothed(n_scales * n);
  for (std::size_t s = 0; s < n_scales; ++s)
    for (std::size_t term = 0; term < n; ++term) t.smooth(images.residual[term], s, smoothed[s * n + term]);

  auto peakResidual = [&] {
    double peak = 0.0;
    for (std::size_t p = 0; p < pixels; ++p)
      if (images.mask.empty() || images.mask[p]) peak = std::max(peak, std::abs(images.residual[0][p]));
    return peak;
  };
  // The scale and pixel with the largest |a_0| (in units of the smoothed PSF's peak) x bias;
  // ties to the lowest scale and pixel, so the choice does not depend on the thread count.
  auto pick = [&] {
    std::vector<Pick> best(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
    {
      Pick mine;
      for (std::size_t s = 0; s < n_scales; ++s) {
        const double* hinv = t.hessian_inverse[s].data();
        const double weight = t.bias[s] * t.normaliser[s];
#pragma omp for schedule(static) nowait
        for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(pixels); ++p) {
          if (!images.mask.empty() && !images.mask[std::size_t(p)]) continue;
          double a0 = 0.0;
          for (std::size_t j = 0; j < n; ++j) a0 += hinv[j] * smoothed[s * n + j][std::size_t(p)];
          const double criterion = std::abs(a0) * weight;
          if (criterion > mine.criterion) mine = {criterion, s, std::size_t(p)};  // visited in (s, p) order
        }
      }
      best[std::size_t(omp_get_thread_num())] = mine;
    }
    Pick all;
    for (const auto& b : best)
      if (b.criterion > all.criterion ||
          (b.criterion == all.criterion && (b.scale < all.scale || (b.scale == all.scale && b.pixel < all.pixel))))
        all = b;
    return all;
  };

  MinorCycleResult result;
  result.start_peak = peakResidual();
  double peak = result.start_peak;
  while (result.iterations < settings.max_iterations) {
    if (peak <= settings.threshold) {
      result.reached_threshold = true;
      break;
    }
    const Pick chosen = pick();
    if (chosen.criterion <= 0.0) break;
    const std::size_t s = chosen.scale, px = chosen.pixel % nx, py = chosen.pixel / nx;
    double a[4] = {0, 0, 0, 0};
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) a[i] += t.hessian_inverse[s][i * n + j] * smoothed[s * n + j][chosen.pixel];
      a[i] *= settings.gain;
    }
    // The component: a_t times the scale function, centred on the pixel.
    const ScaleKernel& kernel = t.kernels[s];
    for (int dy = -kernel.radius; dy <= kernel.radius; ++dy)
      for (int dx = -kernel.radius; dx <= kernel.radius; ++dx) {
        const long x = long(px) + dx, y = long(py) + dy;
        if (x < 0 || y < 0 || x >= long(nx) || y >= long(ny)) continue;
        for (std::size_t term = 0; term < n; ++term) images.model[term][std::size_t(y) * nx + std::size_t(x)] += a[term] * kernel.at(dx, dy);
      }
    // r_t -= sum_j a_j psf_{t+j} * K_s, and likewise every smoothed residual with * K_q.
    std::vector<ShiftedSubtraction> updates;
    for (std::size_t term = 0; term < n; ++term)
      for (std::size_t j = 0; j < n; ++j) {
        updates.push_back({images.residual[term].data(), t.psf_scale[s * t.npsf + term + j].data(), a[j]});
        for (std::size_t q = 0; q < n_scales; ++q)
          updates.push_back({smoothed[q * n + term].data(), t.psf_scale_scale[t.pair(s, q) * t.npsf + term + j].data(), a[j]});
      }
    subtractShifted(updates, nx, ny, px, py, threads);
    ++result.iterations;
    peak = peakResidual();
  }
  result.final_peak = peak;
  result.diverging = result.final_peak > 1.5 * result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
