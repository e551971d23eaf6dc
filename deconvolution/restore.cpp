#include "ptclean/deconvolution/restore.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ptclean::deconvolution {

std::vector<double> restore(std::span<const double> model, std::span<const double> residual, std::size_t nx,
                            std::size_t ny, double cell_x_rad, double cell_y_rad, const Beam& beam, int threads) {
  std::vector<double> image(residual.begin(), residual.end());
  const double four_ln2 = 4.0 * std::log(2.0);
  const double s = std::sin(beam.pa_rad), c = std::cos(beam.pa_rad);
  // The Gaussian is negligible (< 1e-12) beyond 3.2 major FWHM.
  const long reach_x = long(std::ceil(3.2 * beam.major_rad / cell_x_rad)) + 1;
  const long reach_y = long(std::ceil(3.2 * beam.major_rad / cell_y_rad)) + 1;
  std::vector<std::size_t> components;
  for (std::size_t p = 0; p < model.size(); ++p)
    if (model[p] != 0.0) components.push_back(p);
  // Rows are independent: each thread adds every component to its own rows.
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    for (std::size_t p : components) {
      const long cy = long(p / nx), cx = long(p % nx);
      const long dy = long(y) - cy;
      if (std::abs(dy) > reach_y) continue;
      const double m = double(dy) * cell_y_rad;
      for (long x = std::max(0L, cx - reach_x); x <= std::min(long(nx) - 1, cx + reach_x); ++x) {
        const double l = -double(x - cx) * cell_x_rad;
        const double along = l * s + m * c, across = l * c - m * s;
        const double q = along * along / (beam.major_rad * beam.major_rad) + across * across / (beam.minor_rad * beam.minor_rad);
        image[std::size_t(y) * nx + std::size_t(x)] += model[p] * std::exp(-four_ln2 * q);
      }
    }
  }
  return image;
}

double psfSidelobe(std::span<const double> psf, std::size_t nx, std::size_t ny) {
  std::vector<unsigned char> lobe(psf.size(), 0);
  std::vector<std::size_t> stack{(ny / 2) * nx + nx / 2};
  lobe[stack[0]] = 1;
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    const long x = long(p % nx), y = long(p / nx);
    for (auto [dx, dy] : {std::pair{1L, 0L}, {-1L, 0L}, {0L, 1L}, {0L, -1L}}) {
      const long qx = x + dx, qy = y + dy;
      if (qx < 0 || qy < 0 || qx >= long(nx) || qy >= long(ny)) continue;
      const std::size_t q = std::size_t(qy) * nx + std::size_t(qx);
      if (!lobe[q] && psf[q] > 0.0 && psf[q] <= psf[p]) lobe[q] = 1, stack.push_back(q);
    }
  }
  double largest = 0.0;
  for (std::size_t p = 0; p < psf.size(); ++p)
    if (!lobe[p]) largest = std::max(largest, std::abs(psf[p]));
  return largest;
}

double robustRms(std::span<const double> image) {
  if (image.empty()) return 0.0;
  std::vector<double> values(image.begin(), image.end());
  auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  const double median = *middle;
  for (double& v : values) v = std::abs(v - median);
  std::nth_element(values.begin(), middle, values.end());
  return 1.4826 * *middle;
}

}  // namespace ptclean::deconvolution
