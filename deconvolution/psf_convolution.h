// The PSF's spectrum on a grid where PSF * model has no wrap-around on the image: a whole pass of
// components leaves the residual in one convolution (two FFTs) instead of one PSF subtraction over
// the image per component. Made once per PSF and kept across major cycles.
//
//   PsfConvolution conv(psf, nx, ny, threads);
//   conv.subtractPoints(residual, {{index, flux}, ...}, threads);  // residual -= PSF * components
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "multiscale_fft.h"

namespace ptclean::deconvolution {

struct PointComponent {
  std::size_t index;  ///< pixel, x fastest
  double flux;
};

class PsfConvolution {
 public:
  PsfConvolution() = default;
  /// The grid holds at least nx + the PSF's reach (and min_gx, min_gy where larger, for kernels
  /// that reach further than the PSF).
  PsfConvolution(std::span<const double> psf, std::size_t nx, std::size_t ny, int threads, std::size_t min_gx = 0,
                 std::size_t min_gy = 0);

  bool matches(std::span<const double> psf, std::size_t nx, std::size_t ny) const;
  const RealFft2d& grid() const { return fft_; }
  /// The PSF's spectrum on grid(), centred on pixel 0 and divided by the grid's size.
  const std::vector<std::complex<double>>& spectrum() const { return spectrum_; }

  /// grid (grid().nx() x grid().ny(), the model at image coordinates) := PSF * grid, in place.
  void convolve(std::vector<double>& grid, std::vector<std::complex<double>>& spectrum, int threads) const;
  /// residual -= PSF * the components (points), over the whole image.
  void subtractPoints(std::span<double> residual, std::span<const PointComponent> components, int threads) const;

 private:
  std::size_t nx_ = 0, ny_ = 0;
  std::vector<double> psf_;  ///< a new PSF is spotted by value
  RealFft2d fft_;
  std::vector<std::complex<double>> spectrum_;  ///< PSF centred on pixel 0, divided by the grid size
};

}  // namespace ptclean::deconvolution
