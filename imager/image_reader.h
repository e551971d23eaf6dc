// C++17-clean (its implementation includes casacore). Reads the first plane of an image on disk
// (a CASA image or FITS), for mask images given to `ptclean image`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ptclean::imager {

/// The first plane (x fastest) of the image at `path`. Throws std::runtime_error naming the path
/// when it cannot be opened or its sky axes are not nx x ny.
std::vector<double> readImagePlane(const std::string& path, std::size_t nx, std::size_t ny);

/// The first plane of an image of any size, with its pixel size (for the weblog's pictures).
struct ImagePlane {
  std::size_t nx = 0, ny = 0;
  double cell_x_rad = 0, cell_y_rad = 0;  ///< |increment| of the first two axes
  std::vector<double> pixels;              ///< x fastest
};
ImagePlane readImagePlane(const std::string& path);

}  // namespace ptclean::imager
