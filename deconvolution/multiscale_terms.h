// What multi-scale CLEAN derives from the PSF, once per PSF: the scale functions, the PSF
// smoothed once and twice by them (their peaks normalise the search and the component flux), the
// cross terms PSF * scale_t * scale_s on a window around the centre, and the spectra that smooth
// the residual and subtract a model exactly.
//
//   auto terms = buildPsfTerms(psf, nx, ny, {0, 4, 8}, threads);
//   const double* c = terms.crossTerm(t, s);  // (2 wx + 1) x (2 wy + 1), offset 0 at (wx, wy)
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "multiscale_fft.h"
#include "multiscale_kernels.h"
#include "psf_convolution.h"

namespace ptclean::deconvolution {

struct MultiscalePsfTerms {
  std::size_t nx = 0, ny = 0;
  std::vector<ScaleKernel> kernels;  ///< ascending scale; kernels[0] is the principal scale
  std::vector<double> smoothed_peak;  ///< peak |PSF * scale_t|: divides the search values (tclean)
  std::vector<double> twice_peak;     ///< peak |PSF * scale_t * scale_t|: flux = value / this

  /// Cross terms are kept for offsets |dx| <= wx, |dy| <= wy; `exact` when that holds every offset
  /// a pixel pair of the image can have where the term is not zero.
  long wx = 0, wy = 0;
  bool exact = true;
  std::vector<std::vector<double>> cross;  ///< one per pair t <= s
  std::vector<double> outside;             ///< per pair: largest |term| beyond the window

  RealFft2d image_fft;                               ///< nx x ny: smooths the residual
  std::vector<std::vector<double>> kernel_spectra;  ///< per scale, on image_fft, over nx * ny
  /// The PSF these terms come from (a new one is spotted by value), on a grid where PSF * model
  /// and the cross terms have no wrap-around.
  PsfConvolution psf_convolution;

  std::size_t pair(std::size_t t, std::size_t s) const {
    if (t > s) std::swap(t, s);
    return s * (s + 1) / 2 + t;
  }
  const double* crossTerm(std::size_t t, std::size_t s) const { return cross[pair(t, s)].data(); }
  long windowWidth() const { return 2 * wx + 1; }
  bool matches(std::span<const double> other, std::size_t other_nx, std::size_t other_ny) const;
};

/// Half-width of the stored cross-term window: at least kMinCrossWindow, and 4 x the largest
/// scale's radius + 32 so that the main lobe of the widest cross term fits. Beyond it, a
/// component's update of the smoothed residuals is left to the exact refresh at the end of a pass.
/// Measured on 1024^2 with a PSF whose far sidelobes are 2.4%: passes as long with 128 as with
/// 256 (the bound is set by the far sidelobes), at half the time per component.
constexpr long kMinCrossWindow = 128;

/// The spectrum of `kernel` centred on pixel 0 of `fft`'s grid, times `factor`. The kernels are
/// point-symmetric, so the spectrum is real.
std::vector<double> kernelSpectrum(const ScaleKernel& kernel, const RealFft2d& fft, double factor, int threads);

/// `scales` in pixels, any order (0 = delta); those too large for the image are dropped.
MultiscalePsfTerms buildPsfTerms(std::span<const double> psf, std::size_t nx, std::size_t ny,
                                 std::vector<double> scales, int threads);

}  // namespace ptclean::deconvolution
