// The image side of w-stacking: per-pixel n - 1, the kernel corrections, and moving one w-plane
// between the FFT grid and the image (with its phase screen e^{-+2 pi i w_p (n - 1 - n_shift)}).
#pragma once

#include <complex>
#include <type_traits>
#include <vector>

#include "es_kernel.h"
#include "fft.h"
#include "huge_page_allocator.h"
#include "visibility_items.h"

namespace ptclean::gridding {

class ImagePlane {
 public:
  /// `double_phases`: keep the phase screens in double (for double-precision grids).
  ImagePlane(const ImageGeometry& geometry, const GridLayout& layout, const EsKernel& kernel,
             bool double_phases, int threads);

  /// Planes are visited in order 0, 1, 2, ...: the phase screen advances by one plane per call.
  void restartPlanes(int threads);

  /// images[g] += Re( grid_g(x, y) * e^{-2 pi i w_p n''} ) / correction(x, y) for every image
  /// pixel (after a forward FFT), for the current plane; then moves to the next plane.
  template <typename T>
  void accumulate(std::span<FftGrid<T>* const> grids, std::span<const std::span<double>> images, int threads);

  /// grid(x, y) = image(x, y) * e^{+2 pi i w_p n''} for the current plane, the rest of the grid
  /// zero; then moves to the next plane.
  template <typename T>
  void scatter(std::span<const double> corrected, FftGrid<T>& grid, int threads);

  /// The columns and rows of the grid that the image occupies.
  std::size_t imageColumnsLow() const { return geometry_.nx - geometry_.nx / 2; }
  std::size_t imageColumnsHigh() const { return geometry_.nx / 2; }

  /// image /= kernel corrections (the first step of predict); 0 off the sky.
  void applyCorrection(std::span<double> image, int threads) const;

  static double nMinusOneShift(const ImageGeometry& geometry);
  static double nMinusOneHalfRange(const ImageGeometry& geometry);

 private:
  ImageGeometry geometry_;
  GridLayout layout_;
  HugeVector<double> n_offset_;            ///< n - 1 - n_shift per pixel
  HugeVector<double> inverse_correction_;  ///< 1 / (psi_hat along x, y and w); 0 off the sky
  /// e^{-2 pi i w_p n''} of the current plane, and the factor to the next: updated by
  /// multiplication, since a sine and cosine per pixel per plane would cost more than the FFT.
  /// Float for float grids (the drift over hundreds of planes stays below 1e-5), else double.
  template <typename T>
  struct PhaseScreen {
    HugeVector<std::complex<T>> phase, step;
  };
  PhaseScreen<float> screen_f_;
  PhaseScreen<double> screen_d_;
  template <typename T>
  PhaseScreen<T>& screen() {
    if constexpr (std::is_same_v<T, float>) return screen_f_; else return screen_d_;
  }
  bool double_phases_ = false;
};

}  // namespace ptclean::gridding
