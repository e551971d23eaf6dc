// The inner loops with every w-plane's grid in memory at once: each item's x, y and w taps are
// evaluated once and spread onto (or read from) all W planes it touches, instead of once per
// plane. Small inversion's grids are small enough for this; the tap polynomials otherwise cost
// more than the spreading itself.
#pragma once

#include <omp.h>

#include <complex>
#include <cstddef>

#include "plane_kernels.h"

namespace ptclean::gridding {

/// An item's taps along x, y and w, and its first grid cell and plane.
template <int W, typename T>
struct AllPlaneTaps {
  T ku[W], kv[W], kw[W];
  long su = 0, sv = 0, p0 = 0;
  AllPlaneTaps(const Item& item, const KernelPolynomial& poly, const GridLayout& layout) {
    double t;
    su = firstTap(item.u, W, t) + long(layout.grid_nx / 2);
    evaluateTaps<W, T>(poly, t, ku);
    sv = firstTap(item.v, W, t) + long(layout.grid_ny / 2);
    evaluateTaps<W, T>(poly, t, kv);
    p0 = firstTap(item.w, W, t);
    evaluateTaps<W, T>(poly, t, kw);
  }
};

/// planes[p * G + g]: grid g (dirty image, PSF) of w-plane p.
template <int W, typename T, int G>
inline void spreadItemOnPlanes(const Item& item, const KernelPolynomial& poly, const GridLayout& layout,
                               std::complex<T>* const* planes) {
  constexpr int P = paddedRow<W, T>();
  const AllPlaneTaps<W, T> taps(item, poly, layout);
  const std::size_t nx = layout.grid_nx, offset = std::size_t(taps.sv) * nx + std::size_t(taps.su);
  for (int g = 0; g < G; ++g) {
    const std::complex<float> v = itemValue(item, g);
    alignas(32) T row_values[P] = {};
    for (int i = 0; i < W; ++i) {
      row_values[2 * i] = T(v.real()) * taps.ku[i];
      row_values[2 * i + 1] = T(v.imag()) * taps.ku[i];
    }
    for (int p = 0; p < W; ++p) {
      T* row = reinterpret_cast<T*>(planes[std::size_t(taps.p0 + p) * G + g] + offset);
      for (int j = 0; j < W; ++j, row += 2 * nx) {
        const T k = taps.kv[j] * taps.kw[p];
        for (int c = 0; c < P; ++c) row[c] += row_values[c] * k;
      }
    }
  }
}

template <int W, typename T>
inline std::complex<double> readItemOnPlanes(const Item& item, const KernelPolynomial& poly,
                                             const GridLayout& layout, const std::complex<T>* const* planes) {
  constexpr int P = paddedRow<W, T>();
  const AllPlaneTaps<W, T> taps(item, poly, layout);
  const std::size_t nx = layout.grid_nx, offset = std::size_t(taps.sv) * nx + std::size_t(taps.su);
  // The x taps are common to every row: weigh the rows first (one multiply-add per value),
  // then apply them once.
  alignas(32) T sums[P] = {};
  for (int p = 0; p < W; ++p) {
    const T* row = reinterpret_cast<const T*>(planes[std::size_t(taps.p0 + p)] + offset);
    for (int j = 0; j < W; ++j, row += 2 * nx) {
      const T k = taps.kv[j] * taps.kw[p];
      for (int c = 0; c < P; ++c) sums[c] += row[c] * k;
    }
  }
  T re = 0, im = 0;
  for (int i = 0; i < W; ++i) re += sums[2 * i] * taps.ku[i], im += sums[2 * i + 1] * taps.ku[i];
  return {double(re), double(im)};
}

/// The items of a tile: all of its w-plane buckets, which are contiguous.
inline std::pair<std::size_t, std::size_t> tileItems(const BucketedItems& items, const GridLayout& layout,
                                                     std::size_t tile) {
  return {items.bucket_start[tile * layout.plane_buckets], items.bucket_start[(tile + 1) * layout.plane_buckets]};
}

/// body(i, plane) for each item i of the wrap-around bucket and each plane it touches; serial,
/// since wrapped footprints may overlap anything.
template <int W, typename Body>
void forWrappedItemPlanes(const BucketedItems& items, const GridLayout& layout, Body&& body) {
  const std::size_t wrap = layout.wrapBucket();
  for (std::size_t i = items.bucket_start[wrap]; i < items.bucket_start[wrap + 1]; ++i) {
    double t;
    const long p0 = firstTap(items.items[i].w, W, t);
    for (long p = p0; p < p0 + W; ++p) body(i, std::size_t(p));
  }
}

/// Grids every item onto every plane it touches (forTilesByColour).
template <int W, typename T, int G>
void spreadAllPlanes(const BucketedItems& items, const KernelPolynomial& poly, const GridLayout& layout,
                     std::complex<T>* const* planes, int threads) {
  forTilesByColour(layout, threads, [&](std::size_t tile) {
    const auto [begin, end] = tileItems(items, layout, tile);
    for (std::size_t i = begin; i < end; ++i) spreadItemOnPlanes<W, T, G>(items.items[i], poly, layout, planes);
  });
  forWrappedItemPlanes<W>(items, layout, [&](std::size_t i, std::size_t plane) {
    spreadItemWrapped<W, T, G>(items.items[i], poly, layout, plane, planes + plane * G);
  });
}

/// sums[item] += the item's value read from every plane it touches.
template <int W, typename T>
void readAllPlanes(const BucketedItems& items, const KernelPolynomial& poly, const GridLayout& layout,
                   const std::complex<T>* const* planes, std::complex<double>* sums, int threads) {
  const std::ptrdiff_t tiles = std::ptrdiff_t(layout.tiles_x * layout.tiles_y);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4)
  for (std::ptrdiff_t tile = 0; tile < tiles; ++tile) {
    const auto [begin, end] = tileItems(items, layout, std::size_t(tile));
    for (std::size_t i = begin; i < end; ++i) sums[i] += readItemOnPlanes<W, T>(items.items[i], poly, layout, planes);
  }
  forWrappedItemPlanes<W>(items, layout, [&](std::size_t i, std::size_t plane) {
    sums[i] += readItemWrapped<W, T>(items.items[i], poly, layout, plane, planes[plane]);
  });
}

}  // namespace ptclean::gridding
