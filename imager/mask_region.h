// CASA region text (CRTF) painted onto the image grid, for tclean's `mask` key.
//
//   MaskGrid grid{nx, ny, cell_x, cell_y, ra0, dec0};
//   std::vector<std::uint8_t> mask(nx * ny, 0);
//   paintRegions("circle[[19h59m28.5s, +40d44m01.5s], 10arcsec]\nbox[[10pix,10pix],[20pix,30pix]]", grid, mask);
//
// Shapes: box, centerbox, rotbox, circle, ellipse, poly. Positions are pixels ("12pix",
// 0-based as in CASA), sexagesimal ("19h59m28.5s", "+40d44m01.5s", "19:59:28.5", "+40.44.01.5")
// or angles ("299.87deg"); lengths are pixels or angles. A leading '-' removes a region, a
// leading '+' (or none) adds it; "#CRTF" headers, comments and "global" lines are skipped.
// Directions are J2000 (or ICRS). Throws std::invalid_argument naming the text that is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ptclean::imager {

/// The image geometry regions are painted on: SIN projection about (ra, dec) at pixel (nx/2, ny/2).
struct MaskGrid {
  std::size_t nx = 0, ny = 0;
  double cell_x_rad = 0.0, cell_y_rad = 0.0;
  double ra_rad = 0.0, dec_rad = 0.0;
};

void paintRegions(const std::string& text, const MaskGrid& grid, std::vector<std::uint8_t>& mask);

/// True when `text` reads as region text rather than a path ("circle[...", "#CRTF...").
bool looksLikeRegionText(const std::string& text);

}  // namespace ptclean::imager
