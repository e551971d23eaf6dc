// Why a tapered paraboloid and not WSClean's Gaussian: ptclean follows tclean, whose users give
// `scales` as the size where CASA's spheroidal-tapered paraboloid falls to zero; keeping that
// function keeps their scale lists meaning the same thing. Its finite support also helps here: a
// component of scale s touches only pixels within s of its centre, so a mask can be honoured
// exactly (the model stays zero outside it) and its smoothed-PSF updates have a bounded size.
#include "multiscale_kernels.h"

#include <algorithm>
#include <cmath>

#include "ptclean/deconvolution/beam_fit.h"

namespace ptclean::deconvolution {

double spheroidalTaper(double nu) {
  if (nu >= 1.0) return 0.0;
  nu = std::max(nu, 0.0);
  // Schwab's (1984) rational approximation, in two pieces split at nu = 0.75; each is a
  // polynomial of degree 4 over one of degree 2 in d = nu^2 - end^2.
  struct Piece {
    double end;
    double top[5];
    double bottom[3];
  };
  static constexpr Piece kInner{0.75,
                                {8.203343e-2, -3.644705e-1, 6.278660e-1, -5.335581e-1, 2.312756e-1},
                                {1.0, 8.212018e-1, 2.078043e-1}};
  static constexpr Piece kOuter{1.0,
                                {4.028559e-3, -3.697768e-2, 1.021332e-1, -1.201436e-1, 6.412774e-2},
                                {1.0, 9.599102e-1, 2.918724e-1}};
  const Piece& piece = nu < 0.75 ? kInner : kOuter;
  const double d = nu * nu - piece.end * piece.end;
  double top = 0.0, bottom = 0.0;
  for (int k = 4; k >= 0; --k) top = top * d + piece.top[k];
  for (int k = 2; k >= 0; --k) bottom = bottom * d + piece.bottom[k];
  return bottom != 0.0 ? top / bottom : 0.0;
}

ScaleKernel makeScaleKernel(double scale) {
  ScaleKernel kernel;
  kernel.scale = scale;
  if (!(scale > 1.0)) return kernel;  // no pixel other than the centre lies within r < 1
  kernel.radius = int(std::ceil(scale)) - 1;
  const int w = kernel.width();
  kernel.weights.assign(std::size_t(w) * std::size_t(w), 0.0);
  double sum = 0.0;
  for (int dy = -kernel.radius; dy <= kernel.radius; ++dy)
    for (int dx = -kernel.radius; dx <= kernel.radius; ++dx) {
      const double r2 = (double(dx) * dx + double(dy) * dy) / (scale * scale);
      if (r2 >= 1.0) continue;
      const double value = (1.0 - r2) * spheroidalTaper(std::sqrt(r2));
      kernel.weights[std::size_t((dy + kernel.radius) * w + dx + kernel.radius)] = value;
      sum += value;
    }
  // Unit sum: a component of flux F adds F * kernel to the model, whose total is then F.
  for (double& v : kernel.weights) v /= sum;
  return kernel;
}

std::vector<double> automaticScales(std::span<const double> psf, std::size_t nx, std::size_t ny) {
  // As WSClean does: a delta function for the compact emission, then scales that start at about
  // two beams and double. The FWHM comes from the restoring-beam fit in pixel units.
  double fwhm = 1.0;
  try {
    const Beam beam = fitPsfBeam(psf, nx, ny, 1.0, 1.0);
    const double mean = std::sqrt(beam.major_rad * beam.minor_rad);
    if (std::isfinite(mean) && mean > 1.0) fwhm = mean;
  } catch (const std::exception&) {
    // A PSF that cannot be fitted: fall back to one pixel.
  }
  std::vector<double> scales{0.0};
  const double largest = double(std::min(nx, ny)) / 4.0;
  for (double s = 2.0 * fwhm; s <= largest && scales.size() < 5; s *= 2.0) scales.push_back(s);
  return scales;
}

std::vector<double> scaleBiasWeights(const std::vector<double>& scales, double smallscalebias) {
  std::vector<double> weights(scales.size(), 1.0);
  const double largest = scales.empty() ? 0.0 : *std::max_element(scales.begin(), scales.end());
  if (scales.size() < 2 || largest <= 0.0) return weights;
  for (std::size_t i = 0; i < scales.size(); ++i) weights[i] = 1.0 - smallscalebias * scales[i] / largest;
  return weights;
}

}  // namespace ptclean::deconvolution
