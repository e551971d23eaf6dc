// The largest |value| of an image on 32 x 32 tiles, among the pixels a selection allows: the peak
// search reads the tile maxima and one tile, and a change to a box of the image re-measures only
// the tiles it touches, band by band (32 rows), right after the band changed, while it is in cache.
// Ties go to the first tile and the first pixel in it, whatever the thread count.
//
//   TileMaxima tiles(nx, ny, allowed);  // `allowed` must stay valid and unchanged
//   tiles.rebuild(image, allowed);
//   tiles.measureBand(image, allowed, y / TileMaxima::kTile, x0, x1);  // after rows changed
//   auto [index, magnitude] = tiles.best(image, allowed);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ptclean::deconvolution {

class TileMaxima {
 public:
  static constexpr std::size_t kTile = 32;
  struct Best {
    std::size_t index = 0;
    double magnitude = 0.0;  ///< 0 when no pixel is allowed
  };

  TileMaxima() = default;
  /// Notes which tiles `allowed` covers wholly or not at all: those skip the per-pixel test.
  TileMaxima(std::size_t nx, std::size_t ny, const std::uint8_t* allowed);

  /// Measures every tile. Its loop is an orphaned `omp for`: in a parallel region, threads share it.
  void rebuild(const double* image, const std::uint8_t* allowed);
  /// Re-measures the tiles of band `band` (rows band * kTile onwards) that meet columns [x0, x1).
  void measureBand(const double* image, const std::uint8_t* allowed, std::size_t band, std::size_t x0,
                   std::size_t x1);
  Best best(const double* image, const std::uint8_t* allowed) const;

 private:
  enum Cover : std::uint8_t { kNone, kAll, kSome };
  std::size_t nx_ = 0, ny_ = 0, tx_ = 0, ty_ = 0;
  std::vector<double> max_;
  std::vector<std::uint8_t> cover_;  ///< per tile: how much of it `allowed` holds
};

}  // namespace ptclean::deconvolution
