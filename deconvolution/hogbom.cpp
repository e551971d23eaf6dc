#include "hogbom.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "image_ops.h"

namespace ptclean::deconvolution {
namespace {

double rowPeak(const double* row, std::size_t nx) {
  double largest = 0.0;
  for (std::size_t i = 0; i < nx; ++i) largest = std::max(largest, std::abs(row[i]));
  return largest;
}

double maskedRowPeak(const double* row, const std::uint8_t* mask, std::size_t nx) {
  double largest = 0.0;
  for (std::size_t i = 0; i < nx; ++i) largest = std::max(largest, mask[i] ? std::abs(row[i]) : 0.0);
  return largest;
}

}  // namespace

MinorCycleResult Hogbom::executeMajorIteration(const DeconvolutionImages& images,
                                               const MinorCycleSettings& settings) {
  settings.validate();
  const std::size_t nx = images.nx, ny = images.ny;
  double* residual = images.residual.data();
  // The largest |value| of every row, kept up to date as rows change: the peak search then reads
  // ny numbers and one row instead of the whole image, and the subtraction that changes a row
  // also measures it (one pass over memory instead of two).
  const std::uint8_t* mask = images.mask.empty() ? nullptr : images.mask.data();
  auto measureRow = [&](std::size_t y) {
    return mask ? maskedRowPeak(residual + y * nx, mask + y * nx, nx) : rowPeak(residual + y * nx, nx);
  };
  std::vector<double> row_max(ny);
  for (std::size_t y = 0; y < ny; ++y) row_max[y] = measureRow(y);
  auto findPeakFromRows = [&]() {
    std::size_t best_row = 0;
    for (std::size_t y = 1; y < ny; ++y)
      if (row_max[y] > row_max[best_row]) best_row = y;
    const double* row = residual + best_row * nx;
    const std::uint8_t* row_mask = mask ? mask + best_row * nx : nullptr;
    std::size_t best = 0;
    double best_abs = -1.0;
    for (std::size_t x = 0; x < nx; ++x) {
      const double a = (row_mask && !row_mask[x]) ? 0.0 : std::abs(row[x]);
      if (a > best_abs) best_abs = a, best = x;
    }
    return Peak{best_row * nx + best, best_abs > 0.0 ? row[best] : 0.0};
  };

  MinorCycleResult result;
  Peak peak = findPeakFromRows();
  result.start_peak = std::abs(peak.value);
  double smallest = result.start_peak;
  while (result.iterations < settings.max_iterations) {
    if (std::abs(peak.value) <= settings.threshold) {
      result.reached_threshold = true;
      break;
    }
    const double component = settings.gain * peak.value;
    images.model[peak.index] += component;
    const std::size_t px = peak.index % nx, py = peak.index / nx;
    // Image pixel (i, j) takes psf pixel (i - px + nx/2, j - py + ny/2) where that exists.
    const long dx = long(nx / 2) - long(px), dy = long(ny / 2) - long(py);
    const long i0 = std::max(0L, -dx), i1 = std::min(long(nx), long(nx) - dx);
    const long j0 = std::max(0L, -dy), j1 = std::min(long(ny), long(ny) - dy);
#pragma omp parallel for num_threads(settings.threads) schedule(static) if ((j1 - j0) * (i1 - i0) > 65536)
    for (long j = j0; j < j1; ++j) {
      double* row = residual + std::size_t(j) * nx;
      const double* prow = images.psf.data() + std::size_t(j + dy) * nx + dx;
      for (long i = i0; i < i1; ++i) row[i] -= component * prow[i];
      row_max[std::size_t(j)] = measureRow(std::size_t(j));
    }
    ++result.iterations;
    peak = findPeakFromRows();
    smallest = std::min(smallest, std::abs(peak.value));
  }
  result.final_peak = std::abs(peak.value);
  if (!result.reached_threshold && result.final_peak <= settings.threshold) result.reached_threshold = true;
  result.diverging = result.final_peak > 1.5 * smallest && result.final_peak > result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
