#include "image_plane.h"

#include <cmath>
#include <numbers>

namespace ptclean::gridding {
namespace {

double nMinusOne(const ImageGeometry& g, double x, double y, bool& on_sky, const PlaneRole& role = {}) {
  double l = -(x - double(g.nx / 2)) * g.cell_x_rad;
  double m = (y - double(g.ny / 2)) * g.cell_y_rad;
  if (std::abs(l) > role.exact_l) l = std::copysign(levelledCoordinate(std::abs(l), role.exact_l, role.half_period_l), l);
  if (std::abs(m) > role.exact_m) m = std::copysign(levelledCoordinate(std::abs(m), role.exact_m, role.half_period_m), m);
  const double r2 = l * l + m * m;
  on_sky = r2 < 1.0;
  // sqrt(1 - r2) - 1 written without cancellation for small r2
  return on_sky ? -r2 / (std::sqrt(1.0 - r2) + 1.0) : -1.0;
}

/// (-1)^(dx + dy): the grid's centre is at index N/2, the image's at n/2.
inline double checkerSign(long dx, long dy) { return ((dx + dy) & 1) ? -1.0 : 1.0; }

inline std::size_t wrapIndex(long d, std::size_t n) { return std::size_t((d % long(n) + long(n)) % long(n)); }

constexpr double kTransitionShare = 0.9;   // of the way from `exact` to the period's edge
constexpr double kStepWidths = 8.0;        // erfc step widths in that transition: 0.5 erfc(4) ~ 1e-8
constexpr double kSpectralDecay = 4.3;     // e^{-4.3^2} ~ 1e-8: where the step's spectrum ends

}  // namespace

double levelledCoordinate(double t, double exact, double half_period) {
  if (t <= exact) return t;
  const double span = kTransitionShare * (half_period - exact);
  const double width = span / kStepWidths, centre = exact + 0.5 * span;
  // The integral of the slope 0.5 erfc((t - centre) / width) from `exact`.
  auto antiderivative = [](double z) { return z * std::erfc(z) - std::exp(-z * z) / std::sqrt(std::numbers::pi); };
  return exact + 0.5 * width * (antiderivative((t - centre) / width) - antiderivative((exact - centre) / width));
}

double transitionCells(double exact, double half_period) {
  const double width = kTransitionShare * (half_period - exact) / kStepWidths;
  return kSpectralDecay / (std::numbers::pi * width) * (2.0 * half_period);
}

double ImagePlane::nMinusOneHalfRange(const ImageGeometry& g) {
  double lowest = 0.0;
  bool on_sky;
  for (double x : {0.0, double(g.nx - 1)})
    for (double y : {0.0, double(g.ny - 1)}) lowest = std::min(lowest, nMinusOne(g, x, y, on_sky));
  return -0.5 * lowest;
}

double ImagePlane::nMinusOneShift(const ImageGeometry& g) { return -nMinusOneHalfRange(g); }

ImagePlane::ImagePlane(const ImageGeometry& geometry, const GridLayout& layout,
                       const EsKernel& kernel, bool double_phases, int threads, const PlaneRole& role)
    : geometry_(geometry), layout_(layout), double_phases_(double_phases),
      screens_(layout.w_correction && role.screens) {
  const bool w_corrections = layout.w_correction && role.corrections;
  const std::size_t nx = geometry.nx, ny = geometry.ny;
  std::vector<double> correction_x(nx), correction_y(ny);
  for (std::size_t x = 0; x < nx; ++x)
    correction_x[x] = kernel.fourier((double(x) - double(nx / 2)) / double(layout.grid_nx));
  for (std::size_t y = 0; y < ny; ++y)
    correction_y[y] = kernel.fourier((double(y) - double(ny / 2)) / double(layout.grid_ny));
  n_offset_.resize(nx * ny);
  inverse_correction_.resize(nx * ny);
  // psi_hat along w is needed at every pixel: tabulate it finely (it is smooth on the scale of
  // 1/W) and interpolate, rather than integrate per pixel.
  std::vector<double> w_table;
  double w_table_step = 0.0;
  if (screens_) {
    if (double_phases) {
      screen_d_.phase.resize(nx * ny);
      screen_d_.step.resize(nx * ny);
    } else {
      screen_f_.phase.resize(nx * ny);
      screen_f_.step.resize(nx * ny);
    }
  }
  if (w_corrections) {
    const std::size_t samples = 4096;
    double widest = 0.0;
    for (double x : {0.0, double(nx - 1)})
      for (double y : {0.0, double(ny - 1)}) {
        bool on_sky;
        widest = std::max(widest, std::abs(nMinusOne(geometry, x, y, on_sky) - layout.n_shift));
      }
    w_table_step = std::max(layout.w_step * widest, 1e-300) / double(samples - 3);
    w_table.resize(samples);
    for (std::size_t i = 0; i < samples; ++i) w_table[i] = kernel.fourier((double(i) - 1.0) * w_table_step);
  }
  auto correctionW = [&](double xi) {
    // Cubic Lagrange interpolation on the table (entry i holds xi = (i - 1) * step).
    const double t = std::abs(xi) / w_table_step + 1.0;
    const std::size_t i = std::min<std::size_t>(std::size_t(t), w_table.size() - 3);
    const double f = t - double(i);
    const double p0 = w_table[i - 1], p1 = w_table[i], p2 = w_table[i + 1], p3 = w_table[i + 2];
    return p1 + 0.5 * f * (p2 - p0 + f * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + f * (3.0 * (p1 - p2) + p3 - p0)));
  };
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    for (std::size_t x = 0; x < nx; ++x) {
      const std::size_t p = std::size_t(y) * nx + x;
      bool on_sky;
      double n1 = nMinusOne(geometry, double(x), double(y), on_sky, role);
      n_offset_[p] = on_sky ? n1 - layout.n_shift : 0.0;
      double correction = 1.0;
      if (role.corrections) correction = correction_x[x] * correction_y[std::size_t(y)];
      if (w_corrections) correction *= correctionW(layout.w_step * n_offset_[p]);
      inverse_correction_[p] = on_sky ? 1.0 / correction : 0.0;
      if (screens_) {
        const std::complex<double> step = std::polar(1.0, -2.0 * std::numbers::pi * layout.w_step * n_offset_[p]);
        if (double_phases) screen_d_.step[p] = step; else screen_f_.step[p] = std::complex<float>(step);
      }
    }
  }
}

void ImagePlane::restartPlanes(int threads) {
  if (!screens_) return;
  const std::ptrdiff_t n = std::ptrdiff_t(n_offset_.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t p = 0; p < n; ++p) {
    const std::complex<double> phase = std::polar(1.0, -2.0 * std::numbers::pi * layout_.w_first * n_offset_[p]);
    if (double_phases_) screen_d_.phase[p] = phase; else screen_f_.phase[p] = std::complex<float>(phase);
  }
}

template <typename T>
void ImagePlane::accumulate(std::span<FftGrid<T>* const> grids, std::span<const std::span<double>> images,
                            int threads) {
  const std::size_t nx = geometry_.nx, ny = geometry_.ny;
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
  const bool w = screens_;
  auto& phases = screen<T>();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    const long dy = long(y) - long(ny / 2);
    const std::size_t grid_row = wrapIndex(dy, layout_.grid_ny) * layout_.grid_nx;
    for (std::size_t x = 0; x < nx; ++x) {
      const long dx = long(x) - long(nx / 2);
      const std::size_t p = std::size_t(y) * nx + x;
      const std::size_t g = grid_row + wrapIndex(dx, layout_.grid_nx);
      const double scale = checkerSign(dx, dy) * inverse_correction_[p];
      const std::complex<double> phase = w ? std::complex<double>(phases.phase[p]) : std::complex<double>(1.0, 0.0);
      for (std::size_t k = 0; k < grids.size(); ++k) {
        const std::complex<double> value(grids[k]->data()[g]);
        images[k][p] += scale * (value.real() * phase.real() - value.imag() * phase.imag());
      }
      if (w) phases.phase[p] *= phases.step[p];
    }
  }
}

template <typename T>
void ImagePlane::scatter(std::span<const double> corrected, FftGrid<T>& grid, int threads) {
  grid.zero(threads);
  const std::size_t nx = geometry_.nx, ny = geometry_.ny;
  std::complex<T>* data = grid.data();
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
  const bool w = screens_;
  auto& phases = screen<T>();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    const long dy = long(y) - long(ny / 2);
    std::complex<T>* row = data + wrapIndex(dy, layout_.grid_ny) * layout_.grid_nx;
    for (std::size_t x = 0; x < nx; ++x) {
      const long dx = long(x) - long(nx / 2);
      const std::size_t p = std::size_t(y) * nx + x;
      const double value = checkerSign(dx, dy) * corrected[p];
      std::complex<double> out(value, 0.0);
      if (w) {
        out = value * std::conj(std::complex<double>(phases.phase[p]));
        phases.phase[p] *= phases.step[p];
      }
      row[wrapIndex(dx, layout_.grid_nx)] = std::complex<T>(out);
    }
  }
}

void ImagePlane::applyCorrection(std::span<double> image, int threads) const {
  const std::ptrdiff_t n = std::ptrdiff_t(image.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t p = 0; p < n; ++p) image[p] *= inverse_correction_[p];
}

void ImagePlane::addCorrected(std::span<const double> values, std::span<double> image, int threads) const {
  const std::ptrdiff_t n = std::ptrdiff_t(image.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t p = 0; p < n; ++p) image[p] += values[p] * inverse_correction_[p];
}

template void ImagePlane::accumulate<float>(std::span<FftGrid<float>* const>, std::span<const std::span<double>>, int);
template void ImagePlane::accumulate<double>(std::span<FftGrid<double>* const>, std::span<const std::span<double>>, int);
template void ImagePlane::scatter<float>(std::span<const double>, FftGrid<float>&, int);
template void ImagePlane::scatter<double>(std::span<const double>, FftGrid<double>&, int);

}  // namespace ptclean::gridding
