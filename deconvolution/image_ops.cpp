#include "image_ops.h"

#include <omp.h>

#include <cmath>
#include <vector>

namespace ptclean::deconvolution {

Peak findPeak(std::span<const double> image, std::span<const std::uint8_t> mask, int threads) {
  const int n_threads = std::max(1, threads);
  std::vector<Peak> best(n_threads);
  const std::size_t n = image.size();
#pragma omp parallel num_threads(n_threads)
  {
    const int t = omp_get_thread_num();
    const std::size_t begin = n * t / n_threads, end = n * (t + 1) / n_threads;
    Peak mine{begin, 0.0};
    double largest = -1.0;
    for (std::size_t i = begin; i < end; ++i) {
      const double a = (mask.empty() || mask[i]) ? std::abs(image[i]) : 0.0;
      if (a > largest) largest = a, mine = {i, a > 0.0 ? image[i] : 0.0};
    }
    best[t] = mine;
  }
  Peak peak = best[0];
  for (int t = 1; t < n_threads; ++t)
    if (std::abs(best[t].value) > std::abs(peak.value)) peak = best[t];
  return peak;
}

void subtractShiftedPsf(std::span<double> image, std::span<const double> psf, std::size_t nx,
                        std::size_t ny, std::size_t x, std::size_t y, double scale, int threads) {
  // Image pixel (i, j) takes psf pixel (i - x + nx/2, j - y + ny/2) where that exists.
  const long dx = long(nx / 2) - long(x), dy = long(ny / 2) - long(y);
  const long i0 = std::max(0L, -dx), i1 = std::min(long(nx), long(nx) - dx);
  const long j0 = std::max(0L, -dy), j1 = std::min(long(ny), long(ny) - dy);
#pragma omp parallel for num_threads(threads) schedule(static) if ((j1 - j0) * (i1 - i0) > 65536)
  for (long j = j0; j < j1; ++j) {
    double* row = image.data() + std::size_t(j) * nx;
    const double* prow = psf.data() + std::size_t(j + dy) * nx + dx;
    for (long i = i0; i < i1; ++i) row[i] -= scale * prow[i];
  }
}

}  // namespace ptclean::deconvolution
