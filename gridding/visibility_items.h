// Visibilities turned into gridding items: grid coordinates, the value to grid, and where a
// predicted value goes, sorted by (tile, first w-plane) with a counting sort whose order does not
// depend on the thread count (so neither do the images).
#pragma once

#include <array>
#include <complex>
#include <cstring>
#include <cstdint>
#include <span>
#include <vector>

#include "huge_page_allocator.h"
#include "kernel_choice.h"
#include "ptclean/gridding/gridder.h"

namespace ptclean::gridding {

/// Trivial (no member initialisers), so that a resized buffer of them is not written twice.
struct Item {
  double u;  ///< continuous grid coordinate along x, in cells, centred on 0
  double v;  ///< along y
  double w;  ///< continuous w-plane coordinate: (w - w_first) / w_step
  /// The value to grid, weight * V (conjugated when flipped) * e^{-2 pi i w nshift}, and the same
  /// with V = 1: the PSF's value, and the factor that turns new visibilities into values.
  std::array<float, 4> payload;

  std::complex<float> value() const { return {payload[0], payload[1]}; }
  std::complex<float> psfValue() const { return {payload[2], payload[3]}; }
  void setValue(std::complex<float> value) { payload[0] = value.real(), payload[1] = value.imag(); }
  void setPsfValue(std::complex<float> psf) { payload[2] = psf.real(), payload[3] = psf.imag(); }
};

/// Where an item came from: its sample in a view, and whether (u, v, w) were negated.
struct ItemOrigin {
  std::uint32_t index;          ///< row * n_chan + chan in the view
  std::uint32_t view_and_flip;  ///< view; kFlip when flipped
  static constexpr std::uint32_t kFlip = 0x80000000u;
  std::uint32_t view() const { return view_and_flip & ~kFlip; }
  bool flipped() const { return (view_and_flip & kFlip) != 0; }
};

/// Where visibilities fall: the grid, its tiles and the w-planes.
struct GridLayout {
  int support = 0;
  std::size_t grid_nx = 0, grid_ny = 0;
  std::size_t period_nx = 0, period_ny = 0;  ///< the FFT period in image pixels (> grid with small inversion)
  std::size_t tiles_x = 0, tiles_y = 0;
  std::size_t w_planes = 1;
  /// Buckets split by first w-plane only when planes are many more than the kernel support;
  /// otherwise most items touch most planes, and fewer buckets sort faster.
  std::size_t plane_buckets = 1;
  double w_first = 0.0;  ///< wavelengths of plane 0
  double w_step = 1.0;   ///< wavelengths between planes
  double n_shift = 0.0;  ///< the centre of the range of n - 1 over the image
  bool w_correction = true;
  static constexpr int kTile = 32;  ///< > support + padding, so same-colour tiles never touch
  static constexpr int kRowPadding = 4;  ///< cells a vectorised row may run past the last tap
  std::size_t buckets() const { return tiles_x * tiles_y * plane_buckets + 1; }  ///< last: wrap-around
  std::size_t wrapBucket() const { return buckets() - 1; }
};

/// The first tap of a kernel of `support` centred on `coordinate`, and the fractional offset
/// t in [-1, 1) at which the tap polynomials are evaluated.
inline int firstTap(double coordinate, int support, double& t) {
  double start = coordinate - 0.5 * support;
  double first = std::ceil(start);
  t = 2.0 * (first - start) - 1.0;
  return int(first);
}


struct BucketedItems {
  UnzeroedHugeVector<Item> items;
  UnzeroedHugeVector<ItemOrigin> origins;  ///< per item: where predict writes, and where new values come from
  std::vector<std::size_t> bucket_start;  ///< buckets() + 1 offsets into items
  std::size_t row_begin = 0, row_end = 0;  ///< grid rows that the items touch
};

/// Builds the items for `layout` and image `geometry` into `out` (whose storage is reused), with
/// their PSF values and origins; `with_values` also fills Item::value from the views' visibilities.
void bucketItems(std::span<const VisibilityView> views, const GridLayout& layout,
                 const ImageGeometry& geometry, bool with_values, int threads, BucketedItems& out);

/// Item::value from the views' (new) visibilities, for items sorted by an earlier call on the
/// same samples: value = V (conjugated when flipped) x the item's PSF value.
void refreshValues(std::span<const VisibilityView> views, int threads, BucketedItems& items);

}  // namespace ptclean::gridding
