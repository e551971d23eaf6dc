// The multi-scale multi-term minor cycle of MS-MFS (Rau & Cornwell 2011). Components are scale
// functions (CASA's tapered paraboloids, as multiscale uses) with nterms Taylor amplitudes. For
// each scale s, the residuals smoothed by it, r_st = K_s * r_t, relate to a component of scale s
// by the per-scale Hessian H_s[t][j] = (psf_{t+j} * K_s * K_s)(centre); the principal solution
// a = H_s^-1 r_s at each pixel gives the amplitudes. The component chosen is the scale and pixel
// with the largest |a_0| in units of the scale-smoothed PSF's peak, times tclean's scale bias;
// it is subtracted from the raw and every smoothed residual with the PSF terms
// psf_k * K_s and psf_k * K_s * K_q, computed once per PSF.
//
//   MultiTermScales scales(psfs, nx, ny, nterms, {0, 6, 12}, 0.0, threads);   // once per run
//   MinorCycleResult r = scales.minorCycle(images, {gain, iterations, threshold, threads});
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"
#include "ptclean/deconvolution/multi_term.h"

namespace ptclean::deconvolution {

class MultiTermScales {
 public:
  /// `psfs`: the 2 nterms - 1 Taylor PSFs (psf_0 peaks at 1 at (nx/2, ny/2)); `scales` in pixels
  /// (0 = a point); scales too large for the image are dropped. Throws std::runtime_error when a
  /// scale's Hessian is singular (a bandwidth too narrow for nterms).
  MultiTermScales(const std::vector<std::span<const double>>& psfs, std::size_t nx, std::size_t ny,
                  std::size_t nterms, std::vector<double> scales, double smallscalebias, int threads);
  ~MultiTermScales();
  MultiTermScales(MultiTermScales&&) noexcept;

  const std::vector<double>& scales() const;

  /// Runs the minor cycle on `images` (its psf spans are not used: this object's terms are);
  /// `threshold` applies to the peak |r_0| in the mask, as for the point-component cycle.
  MinorCycleResult minorCycle(const MultiTermImages& images, const MinorCycleSettings& settings) const;

 private:
  struct Terms;
  std::unique_ptr<Terms> terms_;
};

}  // namespace ptclean::deconvolution
