// The image side of w-stacking: per-pixel n - 1, the kernel corrections, and moving one w-plane
// between the FFT grid and the image (with its phase screen e^{-+2 pi i w_p (n - 1 - n_shift)}).
#pragma once

#include <complex>
#include <vector>

#include "es_kernel.h"
#include "fft.h"
#include "huge_page_allocator.h"
#include "visibility_items.h"

namespace ptclean::gridding {

class ImagePlane {
 public:
  ImagePlane(const ImageGeometry& geometry, const GridLayout& layout, const EsKernel& kernel,
             int threads);

  /// Planes are visited in order 0, 1, 2, ...: the phase screen advances by one plane per call.
  void restartPlanes(int threads);

  /// acc[g] += Re( grid_g(x, y) * e^{-2 pi i w_p n''} ) for every image pixel (after a forward
  /// FFT), for the current plane; then moves to the next plane.
  template <typename T>
  void accumulate(std::span<FftGrid<T>* const> grids, std::span<std::vector<double>* const> acc, int threads);

  /// grid(x, y) = image(x, y) * e^{+2 pi i w_p n''} for the current plane, the rest of the grid
  /// zero; then moves to the next plane.
  template <typename T>
  void scatter(std::span<const double> corrected, FftGrid<T>& grid, int threads);

  /// The columns and rows of the grid that the image occupies.
  std::size_t imageColumnsLow() const { return geometry_.nx - geometry_.nx / 2; }
  std::size_t imageColumnsHigh() const { return geometry_.nx / 2; }

  /// image /= kernel corrections (the last step of invert, the first of predict).
  void applyCorrection(std::span<double> image, int threads) const;

  static double nMinusOneShift(const ImageGeometry& geometry);
  static double nMinusOneHalfRange(const ImageGeometry& geometry);

 private:
  ImageGeometry geometry_;
  GridLayout layout_;
  std::vector<double> correction_x_, correction_y_;
  HugeVector<double> n_offset_;      ///< n - 1 - n_shift per pixel
  HugeVector<double> correction_w_;  ///< per pixel; empty without w-correction
  std::vector<unsigned char> on_sky_; ///< 0 where l^2 + m^2 >= 1
  /// e^{-2 pi i w_p n''} of the current plane, and the factor to the next: updated by
  /// multiplication, since a sine and cosine per pixel per plane would cost more than the FFT.
  HugeVector<std::complex<double>> phase_, step_;
};

}  // namespace ptclean::gridding
