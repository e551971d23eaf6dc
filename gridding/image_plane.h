// The image side of w-stacking: per-pixel n - 1, the kernel corrections, and moving one w-plane
// between the FFT grid and the image (with its phase screen e^{-+2 pi i w_p (n - 1 - n_shift)}).
#pragma once

#include <complex>
#include <vector>

#include "es_kernel.h"
#include "fft.h"
#include "visibility_items.h"

namespace ptclean::gridding {

class ImagePlane {
 public:
  ImagePlane(const ImageGeometry& geometry, const GridLayout& layout, const EsKernel& kernel,
             int threads);

  /// acc += Re( grid(x, y) * e^{-2 pi i w_p n''} ) for every image pixel (after a forward FFT).
  template <typename T>
  void accumulate(const FftGrid<T>& grid, std::size_t plane, std::vector<double>& acc, int threads) const;

  /// grid(x, y) = image(x, y) / correction * e^{+2 pi i w_p n''}, the rest of the grid zero.
  template <typename T>
  void scatter(std::span<const double> corrected, std::size_t plane, FftGrid<T>& grid, int threads) const;

  /// image /= kernel corrections (the last step of invert, the first of predict).
  void applyCorrection(std::span<double> image, int threads) const;

  static double nMinusOneShift(const ImageGeometry& geometry);
  static double nMinusOneHalfRange(const ImageGeometry& geometry);

 private:
  double phaseTurns(std::size_t pixel, std::size_t plane) const;
  ImageGeometry geometry_;
  GridLayout layout_;
  std::vector<double> correction_x_, correction_y_;
  std::vector<double> n_offset_;      ///< n - 1 - n_shift per pixel
  std::vector<double> correction_w_;  ///< per pixel; empty without w-correction
  std::vector<unsigned char> on_sky_; ///< 0 where l^2 + m^2 >= 1
};

}  // namespace ptclean::gridding
