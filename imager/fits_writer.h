// Writes one image as a FITS file (cfitsio), with the axes and keywords that DS9, CARTA and
// astropy expect from a WSClean or exportfits image.
//
//   writeFitsImage("run1.psf.fits.tmp", meta, pixels);   // pixels: nx*ny per Stokes plane
//
// Axes: RA---SIN, DEC--SIN, FREQ, STOKES (NAXIS3 = 1 channel, NAXIS4 = Stokes planes), reference
// pixel (nx/2, ny/2) 0-based, CDELT1 = -cell_x: RA grows towards smaller x.
// C++17-clean: the CASA writer and the writer tests, which include casacore, include it too.
#pragma once

#include <string>
#include <vector>

#include "image_writer.h"

namespace ptclean::imager {

/// FITS STOKES axis codes of each product of a string such as "I", "IQUV", "RRLL" or "XXYY":
/// I..V = 1..4, RR LL RL LR = -1..-4, XX YY XY YX = -5..-8. Throws std::invalid_argument for an
/// unknown product, or when the codes do not step by +1 or -1 (a FITS axis must be linear).
std::vector<int> stokesFitsCodes(const std::string& stokes);

/// Checks what both writers need (nx, ny, cells > 0; finite coordinates and beam;
/// pixels.size() == nx*ny*planes) and returns the Stokes codes of the planes.
/// Throws std::invalid_argument naming the problem.
std::vector<int> checkImage(const ImageMetadata& meta, const std::vector<double>& pixels);

/// "YYYY-MM-DDThh:mm:ss.sss" (UTC) from MJD seconds, as DATE-OBS wants it.
std::string isoDateFromMjdSeconds(double mjd_s);

/// Writes a new FITS file at `path` (which must not exist; no cfitsio "extended filename"
/// parsing is applied to it). Throws std::runtime_error with cfitsio's message on failure.
void writeFitsImage(const std::string& path, const ImageMetadata& meta,
                    const std::vector<double>& pixels);

}  // namespace ptclean::imager
