#include "psf_convolution.h"

#include <algorithm>
#include <cstring>

namespace ptclean::deconvolution {
PsfConvolution::PsfConvolution(std::span<const double> psf, std::size_t nx, std::size_t ny, int threads,
                               std::size_t min_gx, std::size_t min_gy)
    : nx_(nx), ny_(ny), psf_(psf.begin(), psf.end()) {
  // The PSF reaches `reach` pixels from its centre: a grid of nx + reach has no wrap-around on
  // the image.
  const long cx = long(nx / 2), cy = long(ny / 2);
  const std::size_t reach_x = std::size_t(std::max(cx, long(nx) - 1 - cx));
  const std::size_t reach_y = std::size_t(std::max(cy, long(ny) - 1 - cy));
  const std::size_t gx = fastFftSize(std::max(nx + reach_x, min_gx));
  const std::size_t gy = fastFftSize(std::max(ny + reach_y, min_gy));
  fft_ = RealFft2d(gx, gy);
  std::vector<double> grid(gx * gy, 0.0);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) grid[wrappedIndex(long(y) - cy, gy) * gx + wrappedIndex(long(x) - cx, gx)] = psf[y * nx + x];
  spectrum_.resize(fft_.spectrumSize());
  fft_.forward(grid.data(), spectrum_.data(), threads);
  const double norm = 1.0 / double(gx * gy);
  for (auto& v : spectrum_) v *= norm;
}

bool PsfConvolution::matches(std::span<const double> psf, std::size_t nx, std::size_t ny) const {
  return nx == nx_ && ny == ny_ && psf.size() == psf_.size() &&
         std::memcmp(psf.data(), psf_.data(), psf_.size() * sizeof(double)) == 0;
}

void PsfConvolution::convolve(std::vector<double>& grid, std::vector<std::complex<double>>& spectrum,
                              int threads) const {
  spectrum.resize(fft_.spectrumSize());
  fft_.forward(grid.data(), spectrum.data(), threads);
  const std::ptrdiff_t n = std::ptrdiff_t(spectrum.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) spectrum[std::size_t(i)] *= spectrum_[std::size_t(i)];
  fft_.backward(spectrum.data(), grid.data(), threads);
}

void PsfConvolution::subtractPoints(std::span<double> residual, std::span<const PointComponent> components,
                                    int threads) const {
  const std::size_t gx = fft_.nx();
  std::vector<double> grid(gx * fft_.ny(), 0.0);
  for (const auto& c : components) grid[(c.index / nx_) * gx + c.index % nx_] += c.flux;
  std::vector<std::complex<double>> spectrum;
  convolve(grid, spectrum, threads);
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    double* row = residual.data() + std::size_t(y) * nx_;
    const double* conv = grid.data() + std::size_t(y) * gx;
    for (std::size_t x = 0; x < nx_; ++x) row[x] -= conv[x];
  }
}

}  // namespace ptclean::deconvolution
