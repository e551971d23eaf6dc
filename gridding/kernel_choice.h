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
};

struct Plan {
  KernelCandidate candidate;
  std::size_t grid_nx = 0, grid_ny = 0;
  std::size_t w_planes = 1;
  double w_step = 0.0;
  bool double_precision = false;
  double cost = 0.0;
};

/// A size >= n that FFTW transforms fast: even, with factors 2, 3, 5 and 7 only.
std::size_t goodFftSize(std::size_t n);

Plan choosePlan(const WorkloadShape& shape, double accuracy);

}  // namespace ptclean::gridding
