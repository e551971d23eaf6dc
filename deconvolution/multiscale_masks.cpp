#include "multiscale_masks.h"

#include <algorithm>

namespace ptclean::deconvolution {

std::vector<std::vector<std::uint8_t>> allowedCentres(std::span<const std::uint8_t> mask, std::size_t nx,
                                                      std::size_t ny, const std::vector<ScaleKernel>& kernels,
                                                      int threads) {
  // run[y * nx + x]: the largest k such that pixels x - k + 1 .. x + k - 1 of row y are all in the
  // mask (0 when x itself is not). A support row of half-width w fits at x when run > w.
  std::vector<int> run(nx * ny, 0);
  const std::ptrdiff_t rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    int* r = run.data() + std::size_t(y) * nx;
    const std::uint8_t* m = mask.empty() ? nullptr : mask.data() + std::size_t(y) * nx;
    int left = 0;
    for (std::size_t x = 0; x < nx; ++x) r[x] = left = (!m || m[x]) ? left + 1 : 0;
    int right = 0;
    for (std::size_t x = nx; x-- > 0;) r[x] = std::min(r[x], right = (!m || m[x]) ? right + 1 : 0);
  }
  std::vector<std::vector<std::uint8_t>> allowed;
  for (const auto& kernel : kernels) {
    const int radius = kernel.radius;
    // Half-width of each support row: the largest |dx| with a non-zero weight.
    std::vector<int> half(std::size_t(2 * radius + 1), -1);
    for (int dy = -radius; dy <= radius; ++dy)
      for (int dx = -radius; dx <= radius; ++dx)
        if (kernel.at(dx, dy) > 0.0) half[std::size_t(dy + radius)] = std::max(half[std::size_t(dy + radius)], std::abs(dx));
    std::vector<std::uint8_t> ok(nx * ny, 0);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) {
      if (y < radius || y + radius >= rows) continue;  // the support would leave the image
      std::uint8_t* o = ok.data() + std::size_t(y) * nx;
      std::fill(o, o + nx, std::uint8_t(1));
      for (int dy = -radius; dy <= radius; ++dy) {
        const int w = half[std::size_t(dy + radius)];
        if (w < 0) continue;
        const int* r = run.data() + std::size_t(y + dy) * nx;
        for (std::size_t x = 0; x < nx; ++x) o[x] &= std::uint8_t(r[x] > w);
      }
    }
    allowed.push_back(std::move(ok));
  }
  return allowed;
}

}  // namespace ptclean::deconvolution
