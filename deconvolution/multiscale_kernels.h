// The scale functions of multi-scale CLEAN and the automatic choice of scales.
//
//   ScaleKernel k = makeScaleKernel(8.0);      // radius 7, weights sum to 1
//   double centre = k.at(0, 0);
//   auto scales = automaticScales(psf, nx, ny);  // {0, 2 FWHM, 4 FWHM, ...}
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ptclean::deconvolution {

/// One scale function, sampled on (2 radius + 1)^2 pixels centred on (radius, radius), x fastest.
struct ScaleKernel {
  double scale = 0.0;  ///< tclean's scale size: the radius (pixels) where the function reaches 0
  int radius = 0;      ///< pixels with non-zero weight lie within this many pixels of the centre
  std::vector<double> weights{1.0};

  int width() const { return 2 * radius + 1; }
  double at(int dx, int dy) const { return weights[std::size_t((dy + radius) * width() + dx + radius)]; }
};

/// The zeroth-order prolate spheroidal function (support 6, alpha 1) for nu in [0, 1], 1 at nu = 0
/// and 0 at nu >= 1: the taper of CASA's scale functions.
double spheroidalTaper(double nu);

/// CASA's scale function of size `scale` pixels: (1 - r^2) * spheroidal(r), r = distance / scale,
/// on the pixels with r < 1, normalised to unit sum; scale < 1 gives the delta function.
ScaleKernel makeScaleKernel(double scale);

/// The scales used when the user gives none: 0, then twice the PSF's main-lobe FWHM, doubling
/// while the scale is at most a quarter of the smaller image side, five scales at most.
std::vector<double> automaticScales(std::span<const double> psf, std::size_t nx, std::size_t ny);

/// tclean's scale weights: 1 - smallscalebias * scale / largest scale (1 for a single scale).
std::vector<double> scaleBiasWeights(const std::vector<double>& scales, double smallscalebias);

}  // namespace ptclean::deconvolution
