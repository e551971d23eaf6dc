// The inner loops: spread items onto one w-plane of the grid, or read them back from it.
// The support W is a template constant so that the tap loops unroll and vectorise.
#pragma once

#include <omp.h>

#include <complex>
#include <cstddef>

#include "es_kernel.h"
#include "fft.h"
#include "visibility_items.h"

namespace ptclean::gridding {

/// The W tap values of one dimension at fractional offset t (Horner over the tap polynomials).
template <int W, typename T>
inline void evaluateTaps(const KernelPolynomial& poly, double t, T* out) {
  double acc[W];
  const double* c = poly.coeff.data() + std::size_t(poly.degree) * W;
  for (int j = 0; j < W; ++j) acc[j] = c[j];
  for (int d = poly.degree - 1; d >= 0; --d) {
    c -= W;
    for (int j = 0; j < W; ++j) acc[j] = acc[j] * t + c[j];
  }
  for (int j = 0; j < W; ++j) out[j] = T(acc[j]);
}

/// One tap only: the w-direction needs just the tap of the plane being gridded.
template <int W>
inline double evaluateTap(const KernelPolynomial& poly, double t, int j) {
  const double* c = poly.coeff.data() + j;
  double acc = c[std::size_t(poly.degree) * W];
  for (int d = poly.degree - 1; d >= 0; --d) acc = acc * t + c[std::size_t(d) * W];
  return acc;
}

/// Taps of one item on plane `plane`: x and y taps, first grid cells, and the w-tap weight.
template <int W, typename T>
struct ItemTaps {
  T ku[W], kv[W];
  long su = 0, sv = 0;
  T kw = T(1);
  ItemTaps(const Item& item, const KernelPolynomial& poly, const GridLayout& layout,
           std::size_t plane) {
    double t;
    su = firstTap(item.u, W, t) + long(layout.grid_nx / 2);
    evaluateTaps<W, T>(poly, t, ku);
    sv = firstTap(item.v, W, t) + long(layout.grid_ny / 2);
    evaluateTaps<W, T>(poly, t, kv);
    if (layout.w_correction) {
      long p0 = firstTap(item.w, W, t);
      kw = T(evaluateTap<W>(poly, t, int(long(plane) - p0)));
    }
  }
};

/// Items whose w-support includes `plane` lie in buckets p0 = plane-W+1 .. plane of each tile.
template <typename Visit>
inline void forItemsOnPlane(const BucketedItems& items, const GridLayout& layout, std::size_t tile,
                            std::size_t plane, Visit&& visit) {
  const long W = layout.w_correction ? layout.support : 1;
  if (layout.plane_buckets == 1) {
    const std::size_t b = tile;
    for (std::size_t i = items.bucket_start[b]; i < items.bucket_start[b + 1]; ++i) {
      const Item& item = items.items[i];
      double t;
      const long p0 = layout.w_correction ? firstTap(item.w, int(W), t) : 0;
      if (long(plane) >= p0 && long(plane) < p0 + W) visit(item);
    }
    return;
  }
  const long first = std::max(0L, long(plane) - W + 1);
  const std::size_t b0 = tile * layout.plane_buckets + std::size_t(first);
  const std::size_t b1 = tile * layout.plane_buckets + plane + 1;
  for (std::size_t i = items.bucket_start[b0]; i < items.bucket_start[b1]; ++i) visit(items.items[i]);
}

/// The value an item spreads onto grid `g` of a pair: the visibility, or (g = 1) the PSF's.
inline std::complex<float> itemValue(const Item& item, int g) { return g == 0 ? item.value() : item.psfValue(); }

/// Floats (or doubles) of one kernel row, re and im interleaved, padded to whole SIMD registers
/// so that the row update is one short vector loop. The padding taps are zero.
template <int W, typename T>
constexpr int paddedRow() {
  constexpr int lanes = 32 / int(sizeof(T));
  return ((2 * W + lanes - 1) / lanes) * lanes;
}

/// Spreads an item onto G grids at once (the dirty image and the PSF share the taps).
template <int W, typename T, int G>
inline void spreadItem(const Item& item, const KernelPolynomial& poly, const GridLayout& layout,
                       std::size_t plane, std::complex<T>* const* grids) {
  constexpr int P = paddedRow<W, T>();
  ItemTaps<W, T> taps(item, poly, layout, plane);
  const std::size_t nx = layout.grid_nx;
  for (int g = 0; g < G; ++g) {
    const std::complex<float> v = itemValue(item, g);
    const T value_re = T(v.real()) * taps.kw, value_im = T(v.imag()) * taps.kw;
    alignas(32) T row_values[P] = {};
    for (int i = 0; i < W; ++i) {
      row_values[2 * i] = value_re * taps.ku[i];
      row_values[2 * i + 1] = value_im * taps.ku[i];
    }
    T* row = reinterpret_cast<T*>(grids[g] + taps.sv * nx + taps.su);
    for (int j = 0; j < W; ++j, row += 2 * nx) {
      const T kv = taps.kv[j];
      for (int k = 0; k < P; ++k) row[k] += row_values[k] * kv;
    }
  }
}

template <int W, typename T>
inline std::complex<double> readItem(const Item& item, const KernelPolynomial& poly,
                                     const GridLayout& layout, std::size_t plane,
                                     const std::complex<T>* grid) {
  constexpr int P = paddedRow<W, T>();
  ItemTaps<W, T> taps(item, poly, layout, plane);
  const std::size_t nx = layout.grid_nx;
  // Rows weighed first (one multiply-add per value), the x taps applied once at the end.
  alignas(32) T sums[P] = {};
  const T* row = reinterpret_cast<const T*>(grid + taps.sv * nx + taps.su);
  for (int j = 0; j < W; ++j, row += 2 * nx) {
    const T kv = taps.kv[j];
    for (int k = 0; k < P; ++k) sums[k] += row[k] * kv;
  }
  T re = 0, im = 0;
  for (int i = 0; i < W; ++i) re += sums[2 * i] * taps.ku[i], im += sums[2 * i + 1] * taps.ku[i];
  return {double(re * taps.kw), double(im * taps.kw)};
}

/// Wrap-around items (footprint across the grid edge): the slow, modular path.
template <int W, typename T, int G>
inline void spreadItemWrapped(const Item& item, const KernelPolynomial& poly,
                              const GridLayout& layout, std::size_t plane, std::complex<T>* const* grids) {
  ItemTaps<W, T> taps(item, poly, layout, plane);
  const long nx = long(layout.grid_nx), ny = long(layout.grid_ny);
  for (int g = 0; g < G; ++g) {
    const std::complex<T> value = std::complex<T>(itemValue(item, g)) * taps.kw;
    for (int j = 0; j < W; ++j) {
      long y = ((taps.sv + j) % ny + ny) % ny;
      for (int i = 0; i < W; ++i) {
        long x = ((taps.su + i) % nx + nx) % nx;
        grids[g][y * nx + x] += value * (taps.kv[j] * taps.ku[i]);
      }
    }
  }
}

template <int W, typename T>
inline std::complex<double> readItemWrapped(const Item& item, const KernelPolynomial& poly,
                                            const GridLayout& layout, std::size_t plane,
                                            const std::complex<T>* grid) {
  ItemTaps<W, T> taps(item, poly, layout, plane);
  const long nx = long(layout.grid_nx), ny = long(layout.grid_ny);
  std::complex<double> sum = 0.0;
  for (int j = 0; j < W; ++j) {
    long y = ((taps.sv + j) % ny + ny) % ny;
    for (int i = 0; i < W; ++i) {
      long x = ((taps.su + i) % nx + nx) % nx;
      sum += std::complex<double>(grid[y * nx + x]) * double(taps.kv[j] * taps.ku[i]);
    }
  }
  return sum * double(taps.kw);
}

/// body(tile) for every tile, one colour (tile x and y parity) at a time, a colour's tiles in
/// parallel: they are at least one tile apart, so their footprints never overlap: no locks, and
/// a fixed order of additions.
template <typename Body>
void forTilesByColour(const GridLayout& layout, int threads, Body&& body) {
  for (int colour = 0; colour < 4; ++colour) {
    const std::size_t tx0 = colour & 1, ty0 = colour >> 1;
    const std::size_t ntx = (layout.tiles_x - tx0 + 1) / 2, nty = (layout.tiles_y - ty0 + 1) / 2;
    const std::ptrdiff_t count = std::ptrdiff_t(ntx * nty);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
    for (std::ptrdiff_t k = 0; k < count; ++k)
      body((ty0 + 2 * (std::size_t(k) / ntx)) * layout.tiles_x + tx0 + 2 * (std::size_t(k) % ntx));
  }
}

/// Grids every item touching `plane` (forTilesByColour).
template <int W, typename T, int G>
void spreadPlane(const BucketedItems& items, const KernelPolynomial& poly, const GridLayout& layout,
                 std::size_t plane, std::complex<T>* const* data, int threads) {
  forTilesByColour(layout, threads, [&](std::size_t tile) {
    forItemsOnPlane(items, layout, tile, plane,
                    [&](const Item& item) { spreadItem<W, T, G>(item, poly, layout, plane, data); });
  });
  const std::size_t wrap = layout.wrapBucket();
  for (std::size_t i = items.bucket_start[wrap]; i < items.bucket_start[wrap + 1]; ++i) {
    const Item& item = items.items[i];
    double t;
    long p0 = layout.w_correction ? firstTap(item.w, W, t) : 0;
    long W_w = layout.w_correction ? W : 1;
    if (long(plane) >= p0 && long(plane) < p0 + W_w) spreadItemWrapped<W, T, G>(item, poly, layout, plane, data);
  }
}

/// Adds every item's share of `plane` to sums[item position].
template <int W, typename T>
void readPlane(const BucketedItems& items, const KernelPolynomial& poly, const GridLayout& layout,
               std::size_t plane, const FftGrid<T>& grid, std::complex<double>* sums, int threads) {
  const std::complex<T>* data = grid.data();
  const Item* base = items.items.data();
  const std::ptrdiff_t tiles = std::ptrdiff_t(layout.tiles_x * layout.tiles_y);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
  for (std::ptrdiff_t tile = 0; tile < tiles; ++tile) {
    forItemsOnPlane(items, layout, std::size_t(tile), plane, [&](const Item& item) {
      sums[&item - base] += readItem<W, T>(item, poly, layout, plane, data);
    });
  }
  const std::size_t wrap = layout.wrapBucket();
  for (std::size_t i = items.bucket_start[wrap]; i < items.bucket_start[wrap + 1]; ++i) {
    const Item& item = items.items[i];
    double t;
    long p0 = layout.w_correction ? firstTap(item.w, W, t) : 0;
    long W_w = layout.w_correction ? W : 1;
    if (long(plane) >= p0 && long(plane) < p0 + W_w)
      sums[i] += readItemWrapped<W, T>(item, poly, layout, plane, data);
  }
}

}  // namespace ptclean::gridding
