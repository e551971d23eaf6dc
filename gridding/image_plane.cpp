#include "image_plane.h"

#include <cmath>
#include <numbers>

namespace ptclean::gridding {
namespace {

double nMinusOne(const ImageGeometry& g, double x, double y, bool& on_sky) {
  const double l = -(x - double(g.nx / 2)) * g.cell_x_rad;
  const double m = (y - double(g.ny / 2)) * g.cell_y_rad;
  const double r2 = l * l + m * m;
  on_sky = r2 < 1.0;
  // sqrt(1 - r2) - 1 written without cancellation for small r2
  return on_sky ? -r2 / (std::sqrt(1.0 - r2) + 1.0) : -1.0;
}

/// (-1)^(dx + dy): the grid's centre is at index N/2, the image's at n/2.
inline double checkerSign(long dx, long dy) { return ((dx + dy) & 1) ? -1.0 : 1.0; }

inline std::size_t wrapIndex(long d, std::size_t n) { return std::size_t((d % long(n) + long(n)) % long(n)); }

}  // namespace

double ImagePlane::nMinusOneHalfRange(const ImageGeometry& g) {
  double lowest = 0.0;
  bool on_sky;
  for (double x : {0.0, double(g.nx - 1)})
    for (double y : {0.0, double(g.ny - 1)}) lowest = std::min(lowest, nMinusOne(g, x, y, on_sky));
  return -0.5 * lowest;
}

double ImagePlane::nMinusOneShift(const ImageGeometry& g) { return -nMinusOneHalfRange(g); }

ImagePlane::ImagePlane(const ImageGeometry& geometry, const GridLayout& layout,
                       const EsKernel& kernel, int threads)
    : geometry_(geometry), layout_(layout) {
  const std::size_t nx = geometry.nx, ny = geometry.ny;
  correction_x_.resize(nx);
  correction_y_.resize(ny);
  for (std::size_t x = 0; x < nx; ++x)
    correction_x_[x] = kernel.fourier((double(x) - double(nx / 2)) / double(layout.grid_nx));
  for (std::size_t y = 0; y < ny; ++y)
    correction_y_[y] = kernel.fourier((double(y) - double(ny / 2)) / double(layout.grid_ny));
  n_offset_.resize(nx * ny);
  on_sky_.resize(nx * ny);
  if (layout.w_correction) correction_w_.resize(nx * ny);
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    for (std::size_t x = 0; x < nx; ++x) {
      const std::size_t p = std::size_t(y) * nx + x;
      bool on_sky;
      double n1 = nMinusOne(geometry, double(x), double(y), on_sky);
      on_sky_[p] = on_sky;
      n_offset_[p] = on_sky ? n1 - layout.n_shift : 0.0;
      if (layout.w_correction) correction_w_[p] = kernel.fourier(layout.w_step * n_offset_[p]);
    }
  }
}

double ImagePlane::phaseTurns(std::size_t pixel, std::size_t plane) const {
  return (layout_.w_first + double(plane) * layout_.w_step) * n_offset_[pixel];
}

template <typename T>
void ImagePlane::accumulate(const FftGrid<T>& grid, std::size_t plane, std::vector<double>& acc,
                            int threads) const {
  const std::size_t nx = geometry_.nx, ny = geometry_.ny;
  const std::complex<T>* data = grid.data();
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    const long dy = long(y) - long(ny / 2);
    const std::complex<T>* row = data + wrapIndex(dy, layout_.grid_ny) * layout_.grid_nx;
    for (std::size_t x = 0; x < nx; ++x) {
      const long dx = long(x) - long(nx / 2);
      const std::size_t p = std::size_t(y) * nx + x;
      const std::complex<double> value(row[wrapIndex(dx, layout_.grid_nx)]);
      double contribution = value.real();
      if (layout_.w_correction) {
        const double angle = -2.0 * std::numbers::pi * phaseTurns(p, plane);
        contribution = value.real() * std::cos(angle) - value.imag() * std::sin(angle);
      }
      acc[p] += checkerSign(dx, dy) * contribution;
    }
  }
}

template <typename T>
void ImagePlane::scatter(std::span<const double> corrected, std::size_t plane, FftGrid<T>& grid,
                         int threads) const {
  grid.zero(threads);
  const std::size_t nx = geometry_.nx, ny = geometry_.ny;
  std::complex<T>* data = grid.data();
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    const long dy = long(y) - long(ny / 2);
    std::complex<T>* row = data + wrapIndex(dy, layout_.grid_ny) * layout_.grid_nx;
    for (std::size_t x = 0; x < nx; ++x) {
      const long dx = long(x) - long(nx / 2);
      const std::size_t p = std::size_t(y) * nx + x;
      double value = checkerSign(dx, dy) * corrected[p];
      std::complex<double> out(value, 0.0);
      if (layout_.w_correction) out = std::polar(value, 2.0 * std::numbers::pi * phaseTurns(p, plane));
      row[wrapIndex(dx, layout_.grid_nx)] = std::complex<T>(out);
    }
  }
}

void ImagePlane::applyCorrection(std::span<double> image, int threads) const {
  const std::size_t nx = geometry_.nx, ny = geometry_.ny;
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    for (std::size_t x = 0; x < nx; ++x) {
      const std::size_t p = std::size_t(y) * nx + x;
      double c = correction_x_[x] * correction_y_[std::size_t(y)];
      if (!correction_w_.empty()) c *= correction_w_[p];
      image[p] = on_sky_[p] ? image[p] / c : 0.0;
    }
  }
}

template void ImagePlane::accumulate<float>(const FftGrid<float>&, std::size_t, std::vector<double>&, int) const;
template void ImagePlane::accumulate<double>(const FftGrid<double>&, std::size_t, std::vector<double>&, int) const;
template void ImagePlane::scatter<float>(std::span<const double>, std::size_t, FftGrid<float>&, int) const;
template void ImagePlane::scatter<double>(std::span<const double>, std::size_t, FftGrid<double>&, int) const;

}  // namespace ptclean::gridding
