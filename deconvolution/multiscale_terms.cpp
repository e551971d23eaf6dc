#include "multiscale_terms.h"

#include <algorithm>
#include <cmath>

namespace ptclean::deconvolution {
std::vector<double> kernelSpectrum(const ScaleKernel& kernel, const RealFft2d& fft, double factor, int threads) {
  std::vector<double> grid(fft.nx() * fft.ny(), 0.0);
  for (int dy = -kernel.radius; dy <= kernel.radius; ++dy)
    for (int dx = -kernel.radius; dx <= kernel.radius; ++dx)
      grid[wrappedIndex(dy, fft.ny()) * fft.nx() + wrappedIndex(dx, fft.nx())] = kernel.at(dx, dy);
  std::vector<std::complex<double>> spectrum(fft.spectrumSize());
  fft.forward(grid.data(), spectrum.data(), threads);
  std::vector<double> real(spectrum.size());
  for (std::size_t i = 0; i < real.size(); ++i) real[i] = spectrum[i].real() * factor;
  return real;
}

bool MultiscalePsfTerms::matches(std::span<const double> other, std::size_t other_nx, std::size_t other_ny) const {
  return psf_convolution.matches(other, other_nx, other_ny);
}

MultiscalePsfTerms buildPsfTerms(std::span<const double> psf, std::size_t nx, std::size_t ny,
                                 std::vector<double> scales, int threads) {
  MultiscalePsfTerms terms;
  terms.nx = nx;
  terms.ny = ny;
  std::sort(scales.begin(), scales.end());
  scales.erase(std::unique(scales.begin(), scales.end()), scales.end());
  for (double s : scales) {
    ScaleKernel kernel = makeScaleKernel(s);
    if (std::size_t(kernel.width()) <= std::min(nx, ny)) terms.kernels.push_back(std::move(kernel));
  }
  if (terms.kernels.empty()) terms.kernels.push_back(makeScaleKernel(0.0));
  const std::size_t n_scales = terms.kernels.size();
  const long r2 = 2L * terms.kernels.back().radius;  // reach of a cross term beyond the PSF's

  // The PSF reaches `reach` pixels from its centre; a cross term r2 further. On a grid of at
  // least nx + reach pixels, PSF * model has no wrap-around on the image; with nx + 2 r2 + 1, the
  // cross terms have none either.
  const long cx = long(nx / 2), cy = long(ny / 2);
  const long reach_x = std::max(cx, long(nx) - 1 - cx), reach_y = std::max(cy, long(ny) - 1 - cy);
  terms.psf_convolution = PsfConvolution(psf, nx, ny, threads, nx + std::size_t(2 * r2 + 1), ny + std::size_t(2 * r2 + 1));
  const RealFft2d& padded_fft = terms.psf_convolution.grid();
  const std::size_t gx = padded_fft.nx(), gy = padded_fft.ny();
  terms.image_fft = RealFft2d(nx, ny);
  std::vector<std::vector<double>> padded_spectra;
  for (const auto& kernel : terms.kernels) {
    padded_spectra.push_back(kernelSpectrum(kernel, padded_fft, 1.0, threads));
    terms.kernel_spectra.push_back(kernelSpectrum(kernel, terms.image_fft, 1.0 / double(nx * ny), threads));
  }

  // Offsets between two image pixels reach nx - 1; the terms are zero beyond reach + r2.
  const long full_x = std::min(long(nx) - 1, reach_x + r2), full_y = std::min(long(ny) - 1, reach_y + r2);
  const long half_width = std::max(kMinCrossWindow, 2 * r2 + 32);
  terms.wx = std::min(full_x, half_width);
  terms.wy = std::min(full_y, half_width);
  terms.exact = terms.wx == full_x && terms.wy == full_y;

  std::vector<std::complex<double>> spectrum(padded_fft.spectrumSize());
  const auto& psf_spectrum = terms.psf_convolution.spectrum();
  std::vector<double> out(gx * gy);
  // PSF * kernel_a * kernel_b (a or b < 0: left out) on the padded grid; returns its peak |value|.
  auto convolve = [&](long a, long b) {
    const std::ptrdiff_t n = std::ptrdiff_t(spectrum.size());
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      double f = 1.0;
      if (a >= 0) f *= padded_spectra[std::size_t(a)][std::size_t(i)];
      if (b >= 0) f *= padded_spectra[std::size_t(b)][std::size_t(i)];
      spectrum[std::size_t(i)] = psf_spectrum[std::size_t(i)] * f;
    }
    padded_fft.backward(spectrum.data(), out.data(), threads);
    double peak = 0.0;
    for (double v : out) peak = std::max(peak, std::abs(v));
    return peak;
  };
  // Grid index -> offset from the centre, given the term's support [-reach - r2, reach + r2].
  auto offset = [](std::size_t i, std::size_t g, long reach_up) { return long(i) > reach_up ? long(i) - long(g) : long(i); };

  terms.smoothed_peak.assign(n_scales, 0.0);
  terms.twice_peak.assign(n_scales, 0.0);
  terms.cross.resize(n_scales * (n_scales + 1) / 2);
  terms.outside.assign(terms.cross.size(), 0.0);
  const long ww = terms.windowWidth(), wh = 2 * terms.wy + 1;
  const bool delta_first = terms.kernels[0].radius == 0;
  for (std::size_t s = 0; s < n_scales; ++s)
    for (std::size_t t = 0; t <= s; ++t) {
      const double peak = convolve(long(t), long(s));
      if (t == s) terms.twice_peak[s] = peak;
      if (t == 0 && delta_first) terms.smoothed_peak[s] = peak;  // PSF * delta * scale_s
      std::vector<double>& window = terms.cross[terms.pair(t, s)];
      window.assign(std::size_t(ww * wh), 0.0);
      double beyond = 0.0;
      for (std::size_t iy = 0; iy < gy; ++iy) {
        const long oy = offset(iy, gy, long(ny) - 1 - cy + r2);
        for (std::size_t ix = 0; ix < gx; ++ix) {
          const long ox = offset(ix, gx, long(nx) - 1 - cx + r2);
          const double v = out[iy * gx + ix];
          if (std::abs(ox) <= terms.wx && std::abs(oy) <= terms.wy)
            window[std::size_t((oy + terms.wy) * ww + ox + terms.wx)] = v;
          else if (std::abs(ox) < long(nx) && std::abs(oy) < long(ny))
            beyond = std::max(beyond, std::abs(v));
        }
      }
      terms.outside[terms.pair(t, s)] = terms.exact ? 0.0 : beyond;
    }
  if (!delta_first)
    for (std::size_t t = 0; t < n_scales; ++t) terms.smoothed_peak[t] = convolve(long(t), -1);
  return terms;
}

}  // namespace ptclean::deconvolution
