// The restored image and the image statistics that steer the cycles.
//   auto image = restore(model, residual, nx, ny, cell_x, cell_y, beam, threads);
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "ptclean/deconvolution/beam.h"

namespace ptclean::deconvolution {

/// model convolved with the beam (peak 1, so Jy/pixel become Jy/beam) plus the residual.
/// Pixel (x, y) is at l = -(x - nx/2) cell_x, m = (y - ny/2) cell_y; pa is east of north.
std::vector<double> restore(std::span<const double> model, std::span<const double> residual, std::size_t nx,
                            std::size_t ny, double cell_x_rad, double cell_y_rad, const Beam& beam, int threads);

/// The largest |psf| outside its main lobe (the positive region around the centre).
double psfSidelobe(std::span<const double> psf, std::size_t nx, std::size_t ny);

/// 1.4826 x the median absolute deviation from the median: the noise, robust to sources.
double robustRms(std::span<const double> image);

}  // namespace ptclean::deconvolution
