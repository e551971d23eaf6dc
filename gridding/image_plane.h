// The image side of w-stacking: per-pixel n - 1, the kernel corrections, and moving one w-plane
// between the FFT grid and the image (with its phase screen e^{-+2 pi i w_p (n - 1 - n_shift)}).
#pragma once

#include <complex>
#include <limits>
#include <type_traits>
#include <vector>

#include "es_kernel.h"
#include "fft.h"
#include "huge_page_allocator.h"
#include "visibility_items.h"

namespace ptclean::gridding {

/// What an ImagePlane holds. The defaults serve an image cut from the grid's FFT. Small
/// inversion uses two: one over the coarse samples of the whole period (screens only), one over
/// the fine image (corrections only).
struct PlaneRole {
  bool corrections = true;  ///< divide by the kernel's transforms along x, y (and w)
  bool screens = true;      ///< keep w-plane phase screens (with w-correction)
  /// |l| and |m| (radians) up to which n - 1 is exact; beyond, the coordinates entering it level
  /// off smoothly before the period's edge at half_period_l, half_period_m, so that the screens
  /// are periodic and band-limited over the period (what the coarse samples must hold).
  double exact_l = std::numeric_limits<double>::infinity();
  double exact_m = std::numeric_limits<double>::infinity();
  double half_period_l = 0.0, half_period_m = 0.0;
};

/// The smooth levelling-off of a coordinate beyond `exact` (identity below it), over 0.9 of the
/// way to `half_period`: its slope falls from 1 to 0 as an erfc step of width 1/8 of that way,
/// so that a screen through it has no spectral content beyond ~transitionCells.
double levelledCoordinate(double t, double exact, double half_period);

/// Cells of the period, either side, by which a screen's spectrum widens in that levelling off.
double transitionCells(double exact, double half_period);

class ImagePlane {
 public:
  /// `double_phases`: keep the phase screens in double (for double-precision grids).
  ImagePlane(const ImageGeometry& geometry, const GridLayout& layout, const EsKernel& kernel,
             bool double_phases, int threads, const PlaneRole& role = {});

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
  /// image += values / kernel corrections.
  void addCorrected(std::span<const double> values, std::span<double> image, int threads) const;

  static double nMinusOneShift(const ImageGeometry& geometry);
  static double nMinusOneHalfRange(const ImageGeometry& geometry);

 private:
  ImageGeometry geometry_;
  GridLayout layout_;
  // Unzeroed: the constructor's parallel loop writes every pixel (and takes the page faults).
  UnzeroedHugeVector<double> n_offset_;            ///< n - 1 - n_shift per pixel
  UnzeroedHugeVector<double> inverse_correction_;  ///< 1 / (psi_hat along x, y and w); 0 off the sky
  /// e^{-2 pi i w_p n''} of the current plane, and the factor to the next: updated by
  /// multiplication, since a sine and cosine per pixel per plane would cost more than the FFT.
  /// Float for float grids (the drift over hundreds of planes stays below 1e-5), else double.
  template <typename T>
  struct PhaseScreen {
    UnzeroedHugeVector<std::complex<T>> phase, step;  ///< written whole by the constructor, restartPlanes
  };
  PhaseScreen<float> screen_f_;
  PhaseScreen<double> screen_d_;
  template <typename T>
  PhaseScreen<T>& screen() {
    if constexpr (std::is_same_v<T, float>) return screen_f_; else return screen_d_;
  }
  bool double_phases_ = false;
  bool screens_ = false;
};

}  // namespace ptclean::gridding
