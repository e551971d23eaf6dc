#include "multiscale_tiles.h"

#include <algorithm>
#include <cmath>

namespace ptclean::deconvolution {

TileMaxima::TileMaxima(std::size_t nx, std::size_t ny, const std::uint8_t* allowed)
    : nx_(nx), ny_(ny), tx_((nx + kTile - 1) / kTile), ty_((ny + kTile - 1) / kTile), max_(tx_ * ty_, 0.0),
      cover_(tx_ * ty_, kNone) {
  for (std::size_t ty = 0; ty < ty_; ++ty)
    for (std::size_t tx = 0; tx < tx_; ++tx) {
      std::size_t count = 0, size = 0;
      for (std::size_t y = ty * kTile; y < std::min(ny_, (ty + 1) * kTile); ++y)
        for (std::size_t x = tx * kTile; x < std::min(nx_, (tx + 1) * kTile); ++x, ++size) count += allowed[y * nx_ + x] != 0;
      cover_[ty * tx_ + tx] = count == 0 ? kNone : count == size ? kAll : kSome;
    }
}

void TileMaxima::rebuild(const double* image, const std::uint8_t* allowed) {
  const std::ptrdiff_t bands = std::ptrdiff_t(ty_);
#pragma omp for schedule(static)
  for (std::ptrdiff_t band = 0; band < bands; ++band) measureBand(image, allowed, std::size_t(band), 0, nx_);
}

void TileMaxima::measureBand(const double* image, const std::uint8_t* allowed, std::size_t band, std::size_t x0,
                             std::size_t x1) {
  if (x0 >= x1) return;
  const std::size_t y0 = band * kTile, y1 = std::min(ny_, y0 + kTile);
  for (std::size_t tx = x0 / kTile; tx <= (x1 - 1) / kTile; ++tx) {
    const std::size_t begin = tx * kTile, end = std::min(nx_, begin + kTile);
    const Cover cover = Cover(cover_[band * tx_ + tx]);
    double largest = 0.0;  // a maximum is exact in any order, so SIMD lanes change nothing
    for (std::size_t y = y0; y < y1 && cover != kNone; ++y) {
      const double* row = image + y * nx_;
      const std::uint8_t* ok = allowed + y * nx_;
      if (cover == kAll) {
#pragma omp simd reduction(max : largest)
        for (std::size_t x = begin; x < end; ++x) largest = std::max(largest, std::abs(row[x]));
      } else {
#pragma omp simd reduction(max : largest)
        for (std::size_t x = begin; x < end; ++x) largest = std::max(largest, ok[x] ? std::abs(row[x]) : 0.0);
      }
    }
    max_[band * tx_ + tx] = largest;
  }
}

TileMaxima::Best TileMaxima::best(const double* image, const std::uint8_t* allowed) const {
  std::size_t tile = 0;
  for (std::size_t k = 1; k < max_.size(); ++k)
    if (max_[k] > max_[tile]) tile = k;
  Best result;
  if (max_.empty() || !(max_[tile] > 0.0)) return result;
  const std::size_t tx = tile % tx_, ty = tile / tx_;
  const std::size_t x0 = tx * kTile, x1 = std::min(nx_, x0 + kTile);
  const std::size_t y0 = ty * kTile, y1 = std::min(ny_, y0 + kTile);
  for (std::size_t y = y0; y < y1; ++y)
    for (std::size_t x = x0; x < x1; ++x) {
      const std::size_t i = y * nx_ + x;
      if (allowed[i] && std::abs(image[i]) == max_[tile]) return {i, max_[tile]};
    }
  return result;  // not reached: the tile's maximum is one of its pixels
}

}  // namespace ptclean::deconvolution
