// Exact direct Fourier transforms in double precision: the oracle every image is checked against.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "ptclean/gridding/gridder.h"

namespace ptclean::testing {

struct Pixel {
  std::size_t x = 0, y = 0;
};

/// Re sum_k w_k V_k exp(-2 pi i (u l + v m + w (n - 1))) at each pixel (no normalisation), with
/// l = -(x - nx/2) cell_x and m = (y - ny/2) cell_y; `with_w` false drops the w term.
std::vector<double> dftDirty(std::span<const gridding::VisibilityView> views,
                             const gridding::ImageGeometry& geometry, std::span<const Pixel> pixels,
                             bool with_w);

/// sum_xy image(x, y) exp(+2 pi i (u l + v m + w (n - 1))) for every visibility of `view`.
std::vector<std::complex<double>> dftPredict(const gridding::VisibilityView& view,
                                             const gridding::ImageGeometry& geometry,
                                             std::span<const double> image, bool with_w);

/// The brightest `count` pixels of `image` plus `random_count` pixels drawn with `seed`.
std::vector<Pixel> brightAndRandomPixels(std::span<const double> image, std::size_t nx,
                                         std::size_t ny, std::size_t count,
                                         std::size_t random_count, unsigned seed);

}  // namespace ptclean::testing
