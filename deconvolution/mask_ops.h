// Binary-mask operations behind auto-multithresh (auto_mask.cpp): pruning of small 4-connected
// regions, constrained binary dilation with the 3x3 cross, and smoothing with an elliptical
// Gaussian followed by a cut. Masks hold one byte per pixel (0 or 1), FITS order (x fastest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ptclean::deconvolution::mask_ops {

struct RegionCount {
  std::size_t regions = 0;  ///< 4-connected regions before pruning
  std::size_t removed = 0;  ///< of them, removed
};

/// Removes the 4-connected regions of fewer than `min_pixels` pixels (none when min_pixels <= 1).
RegionCount pruneSmallRegions(std::span<std::uint8_t> mask, std::size_t nx, std::size_t ny, double min_pixels);

/// CASA's constrained binary dilation: keeps the pixels of `mask` inside `constraint`, then adds,
/// up to `iterations` times, the 4-neighbours inside `constraint` (stopping early when nothing is
/// added). The result lies inside `constraint`.
void growWithin(std::span<std::uint8_t> mask, std::span<const std::uint8_t> constraint, std::size_t nx, std::size_t ny,
                int iterations);

std::size_t countPixels(std::span<const std::uint8_t> mask, int threads);

/// Linear (not circular) convolution of a mask with an elliptical Gaussian of peak 1, truncated
/// 8 sigma from its centre: summed directly over the mask's pixels when they are few, else through
/// FFTs of a zero-padded grid. Either way each output value is computed in the same order whatever
/// the thread count, so the result does not depend on it.
class GaussianSmoother {
 public:
  enum class Method { Automatic, Direct, Fft };

  /// FWHMs in pixels; pa east of north with x pointing west (the major axis runs along
  /// (-sin pa, cos pa) in (x, y)), as restore() draws the beam.
  GaussianSmoother(std::size_t nx, std::size_t ny, double major_px, double minor_px, double pa_rad);
  ~GaussianSmoother();
  GaussianSmoother(const GaussianSmoother&) = delete;
  GaussianSmoother& operator=(const GaussianSmoother&) = delete;

  /// mask := (mask convolved with the Gaussian) > cut x its peak, where values below 1e-9 of the
  /// peak count as zero (the FFT's rounding). An empty mask stays empty.
  void smoothAndCut(std::span<std::uint8_t> mask, double cut, int threads);

  /// The convolution itself (nx*ny values).
  std::vector<double> smooth(std::span<const std::uint8_t> mask, int threads, Method method = Method::Automatic);

 private:
  struct Fft;  ///< plans, padded grid and the kernel's transform: made on first use
  void convolve(std::span<const std::uint8_t> mask, int threads, Method method);  ///< into smoothed_
  void convolveDirect(std::span<const std::uint8_t> mask, int threads);

  std::size_t nx_, ny_, rx_, ry_;  ///< image; the kernel's reach in x and y
  std::vector<double> taps_;       ///< the kernel: 2 ry + 1 rows (dy = -ry...) of 2 rx + 1 (dx = -rx...)
  std::unique_ptr<Fft> fft_;
  std::vector<double> smoothed_;  ///< nx*ny
};

}  // namespace ptclean::deconvolution::mask_ops
