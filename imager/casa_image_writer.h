// Writes one image as a CASA image (a casacore PagedImage directory), laid out as tclean does.
//
//   writeCasaImage("run1.psf.tmp", meta, pixels);   // pixels: nx*ny per Stokes plane, x fastest
//
// Axes: RA, Dec (J2000, SIN, reference pixel (nx/2, ny/2) 0-based, increments (-cell_x, +cell_y)),
// Stokes, Frequency: shape (nx, ny, planes, 1). Restoring beam, brightness unit, object name,
// telescope, observation date and history go where CASA viewers and imhead look for them.
// casacore stays behind this header; nothing else in ptclean includes it for images. The .cpp
// includes casacore 3.5 and so builds as C++17: keep this header (and what it includes) C++17.
#pragma once

#include <string>

#include "image_writer.h"

namespace ptclean::imager {

/// Creates a new CASA image at `path` and closes it. Throws (std::invalid_argument for bad
/// metadata, std::runtime_error wrapping casacore's message otherwise).
void writeCasaImage(const std::string& path, const ImageMetadata& meta,
                    const std::vector<double>& pixels);

}  // namespace ptclean::imager
