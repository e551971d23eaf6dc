// Fits an elliptical Gaussian to the main lobe of a PSF: the restoring beam.
//
//   auto beam = ptclean::deconvolution::fitPsfBeam(psf, nx, ny, cell_x_rad, cell_y_rad);
//   // beam.major_rad, beam.minor_rad: FWHM; beam.pa_rad: east of north
//
// The PSF is in FITS order (x fastest), with RA growing towards smaller x, peak at (nx/2, ny/2).
#pragma once

#include <cstddef>
#include <span>

#include "ptclean/deconvolution/beam.h"

namespace ptclean::deconvolution {

/// Least-squares fit of a Gaussian (peak fixed at 1 at the centre) to the PSF pixels above
/// `cutoff` that are connected to the centre (tclean's psfcutoff, default 0.35).
Beam fitPsfBeam(std::span<const double> psf, std::size_t nx, std::size_t ny, double cell_x_rad,
                double cell_y_rad, double cutoff = 0.35);

}  // namespace ptclean::deconvolution
