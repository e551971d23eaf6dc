#include "dft.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>

namespace ptclean::testing {
namespace {
constexpr double kSpeedOfLight = 299792458.0;

void direction(const gridding::ImageGeometry& g, std::size_t x, std::size_t y, double& l, double& m,
               double& n1) {
  l = -(double(x) - double(g.nx / 2)) * g.cell_x_rad;
  m = (double(y) - double(g.ny / 2)) * g.cell_y_rad;
  n1 = std::sqrt(1.0 - l * l - m * m) - 1.0;
}
}  // namespace

std::vector<double> dftDirty(std::span<const gridding::VisibilityView> views,
                             const gridding::ImageGeometry& geometry, std::span<const Pixel> pixels,
                             bool with_w) {
  std::vector<double> out(pixels.size(), 0.0);
  const std::ptrdiff_t count = std::ptrdiff_t(pixels.size());
#pragma omp parallel for schedule(dynamic)
  for (std::ptrdiff_t p = 0; p < count; ++p) {
    double l, m, n1;
    direction(geometry, pixels[p].x, pixels[p].y, l, m, n1);
    if (!with_w) n1 = 0.0;
    double sum = 0.0;
    for (const auto& view : views) {
      for (std::size_t r = 0; r < view.n_rows; ++r) {
        const double* uvw = view.uvw_m + 3 * r;
        const double turns_per_hz = (uvw[0] * l + uvw[1] * m + uvw[2] * n1) / kSpeedOfLight;
        for (std::size_t c = 0; c < view.n_chan; ++c) {
          const float w = view.weight[r * view.n_chan + c];
          if (w == 0.0f) continue;
          const double phase = -2.0 * std::numbers::pi * std::fmod(turns_per_hz * view.freq_hz[c], 1.0);
          const std::complex<double> v(view.vis[r * view.n_chan + c]);
          sum += double(w) * (v.real() * std::cos(phase) - v.imag() * std::sin(phase));
        }
      }
    }
    out[p] = sum;
  }
  return out;
}

std::vector<std::complex<double>> dftPredict(const gridding::VisibilityView& view,
                                             const gridding::ImageGeometry& geometry,
                                             std::span<const double> image, bool with_w) {
  std::vector<std::complex<double>> out(view.n_rows * view.n_chan, 0.0);
  std::vector<std::size_t> nonzero;
  for (std::size_t p = 0; p < image.size(); ++p)
    if (image[p] != 0.0) nonzero.push_back(p);
  const std::ptrdiff_t rows = std::ptrdiff_t(view.n_rows);
#pragma omp parallel for schedule(dynamic)
  for (std::ptrdiff_t r = 0; r < rows; ++r) {
    const double* uvw = view.uvw_m + 3 * r;
    for (std::size_t c = 0; c < view.n_chan; ++c) {
      if (view.weight[r * view.n_chan + c] == 0.0f) continue;
      const double k = view.freq_hz[c] / kSpeedOfLight;
      std::complex<double> sum = 0.0;
      for (std::size_t p : nonzero) {
        double l, m, n1;
        direction(geometry, p % geometry.nx, p / geometry.nx, l, m, n1);
        if (!with_w) n1 = 0.0;
        const double turns = std::fmod((uvw[0] * l + uvw[1] * m + uvw[2] * n1) * k, 1.0);
        sum += image[p] * std::polar(1.0, 2.0 * std::numbers::pi * turns);
      }
      out[r * view.n_chan + c] = sum;
    }
  }
  return out;
}

std::vector<Pixel> brightAndRandomPixels(std::span<const double> image, std::size_t nx,
                                         std::size_t ny, std::size_t count,
                                         std::size_t random_count, unsigned seed) {
  std::vector<std::size_t> order(image.size());
  std::iota(order.begin(), order.end(), 0);
  count = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + count, order.end(),
                    [&](std::size_t a, std::size_t b) { return std::abs(image[a]) > std::abs(image[b]); });
  std::vector<Pixel> pixels;
  for (std::size_t i = 0; i < count; ++i) pixels.push_back({order[i] % nx, order[i] / nx});
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> px(0, nx - 1), py(0, ny - 1);
  for (std::size_t i = 0; i < random_count; ++i) pixels.push_back({px(rng), py(rng)});
  return pixels;
}

}  // namespace ptclean::testing
