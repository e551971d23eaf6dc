// Chooses kernel support, oversampling, beta and precision from the requested accuracy, and the
// cheapest of those by a cost model (FFT work per w-plane against gridding work per visibility),
// as ducc0's wgridder does.
#pragma once

#include <cstddef>

#include "es_kernel.h"

namespace ptclean::gridding {

struct KernelCandidate {
  EsKernel kernel;
  double oversampling = 0.0;
  double error = 0.0;  ///< aliasingError per dimension
  KernelPolynomial poly;  ///< fitted to a tenth of the per-dimension error
};

/// The smallest-support kernel meeting `per_dimension_error` at this oversampling, whose taps a
/// polynomial also fits to a tenth of it (cached). A kernel with a small beta has a visible
/// step at its edge that no polynomial follows; such a kernel is passed over.
KernelCandidate bestKernelFor(double per_dimension_error, double oversampling);

struct WorkloadShape {
  std::size_t nx = 0, ny = 0;
  std::size_t visibilities = 0;
  double w_range = 0.0;          ///< max |w| - min |w| over the data, wavelengths (after w >= 0)
  double n_half_range = 0.0;     ///< half the range of n - 1 over the image
  bool w_correction = true;
  int threads = 1;
  /// Small inversion: the data's reach as a share of the pixel's Nyquist frequency, max |u| x
  /// 2 cell_x (and v); 0 turns small inversion off. w_abs_max: max |w|, wavelengths.
  double u_reach = 0.0, v_reach = 0.0;
  double w_abs_max = 0.0;
  double cell_x_rad = 0.0, cell_y_rad = 0.0;
};

struct Plan {
  KernelCandidate candidate;
  std::size_t grid_nx = 0, grid_ny = 0;  ///< the grid gridded on (smaller than the period with small inversion)
  std::size_t period_nx = 0, period_ny = 0;  ///< the FFT period in image pixels: sets the uv cell
  bool small_inversion() const { return grid_nx < period_nx; }
  std::size_t w_planes = 1;
  double w_step = 0.0;
  bool double_precision = false;
  double cost = 0.0;
};

/// A size >= n that FFTW transforms fast: even, with factors 2, 3, 5 and 7 only.
std::size_t goodFftSize(std::size_t n);

Plan choosePlan(const WorkloadShape& shape, double accuracy);

/// The grid size along one axis that holds the data and the kernel, and the spectrum of the
/// w-screens sampled over the whole period (see PlaneRole); `period` if no smaller one does.
std::size_t smallGridSize(std::size_t period, std::size_t image, double reach, int support, double w_abs_max,
                          double cell_rad, bool w_correction);

}  // namespace ptclean::gridding
