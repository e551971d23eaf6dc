// The multi-term (Taylor) minor cycle of MT-MFS (Rau & Cornwell 2011), with point components.
// With tau = (f - reffreq) / reffreq, the Taylor-weighted residual images r_t = sum w tau^t V
// and PSFs psf_q = sum w tau^q (q < 2 nterms - 1) relate to the Taylor model images m_j by
// r_t = sum_j psf_{t+j} * m_j. Per pixel the best components solve the small system
// H a = r with the Hessian H_tj = psf_{t+j}(centre); the pixel chosen is the one where the
// fit removes the most (a . r, the chi^2 reduction), and its components a are subtracted with
// the loop gain: r_t -= g sum_j a_j psf_{t+j} shifted there; m_t += g a_t.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"

namespace ptclean::deconvolution {

struct MultiTermImages {
  std::size_t nx = 0, ny = 0, nterms = 1;
  std::vector<std::span<double>> residual;    ///< nterms, normalised by the sum of weights
  std::vector<std::span<double>> model;       ///< nterms, Jy per pixel
  std::vector<std::span<const double>> psf;   ///< 2 nterms - 1, normalised so that psf_0 peaks at 1
  std::span<const std::uint8_t> mask;         ///< empty, or nx*ny bytes
};

/// The inverse of H_tj = psf_{t+j}(nx/2, ny/2), row-major nterms x nterms. Throws
/// std::runtime_error when H is singular (a bandwidth too narrow for nterms).
std::vector<double> multiTermHessianInverse(const MultiTermImages& images);

/// Runs the minor cycle; `threshold` applies to the peak |r_0| in the mask.
MinorCycleResult multiTermMinorCycle(const MultiTermImages& images, const MinorCycleSettings& settings);

/// a = H^-1 r at every pixel: the residuals in the units of the Taylor models, which the
/// restored Taylor images add to their models (so that tt1 / tt0 is the spectral index).
std::vector<std::vector<double>> principalSolution(const MultiTermImages& images);

}  // namespace ptclean::deconvolution
