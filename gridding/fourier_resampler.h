// Small inversion: moving an image between a coarse sampling of the grid's whole period (what an
// FFT of a grid just large enough for the data gives) and the fine image pixels, by Fourier
// interpolation over that period. Exact for images band-limited to the coarse grid (less its
// Nyquist frequency), which the gridder ensures; upsample and downsample are exact adjoints.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace ptclean::gridding {

struct ResampleShape {
  std::size_t coarse_nx = 0, coarse_ny = 0;  ///< samples of the whole period (even)
  std::size_t period_nx = 0, period_ny = 0;  ///< the period in fine pixels (even)
  std::size_t nx = 0, ny = 0;                ///< the fine image: the period's central nx x ny pixels
};

class FourierResampler {
 public:
  FourierResampler(const ResampleShape& shape, int threads);
  ~FourierResampler();
  FourierResampler(const FourierResampler&) = delete;
  FourierResampler& operator=(const FourierResampler&) = delete;

  /// Both images are centred: coarse sample (x, y) lies at (x - coarse_nx/2, y - coarse_ny/2)
  /// coarse steps from the centre, fine pixel (x, y) at (x - nx/2, y - ny/2) fine steps.
  /// fine = the band-limited interpolation of `coarse` at the fine pixels (overwritten).
  void upsample(std::span<const double> coarse, std::span<double> fine);
  /// coarse = upsample's adjoint applied to `fine` (overwritten).
  void downsample(std::span<const double> fine, std::span<double> coarse);

  const ResampleShape& shape() const { return shape_; }

 private:
  struct Plans;
  ResampleShape shape_;
  int threads_;
  std::size_t kx_;  ///< spectral columns kept: 0 .. coarse_nx/2 - 1 (the Nyquist column is dropped)
  std::vector<double> spectrum_;  ///< coarse_ny x (coarse_nx/2 + 1) complex, interleaved
  std::vector<double> padded_;    ///< period_ny x kx_ complex, interleaved
  std::unique_ptr<Plans> plans_;
};

}  // namespace ptclean::gridding
