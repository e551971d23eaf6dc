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

}  // namespace ptclean::imager
