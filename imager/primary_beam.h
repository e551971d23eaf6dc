// Primary-beam models and images. A dish of diameter D with a central blockage of diameter d,
// uniformly illuminated, has the voltage pattern
//   E(theta) = [D^2 jinc(pi D sin(theta) / lambda) - d^2 jinc(pi d sin(theta) / lambda)] / (D^2 - d^2),
// jinc(x) = 2 J1(x) / x, and the power pattern PB = E^2 (1 at the pointing centre).
//   'airy': D from the MS's ANTENNA table (the median DISH_DIAMETER), no blockage;
//   'alma': CASA's ALMA model, D = 10.7 m (the effective diameter of the 12-m dishes) and
//           d = 0.75 m (the subreflector's blockage).
//   'vla':  Perley's published polynomial fits of the VLA's measured beams, as AIPS documents
//           them (PBPARM) and CASA's VLA model uses them:
//             PB = 1 + a X / 10^3 + b X^2 / 10^7 + c X^3 / 10^10, X = (r [arcmin] x f [GHz])^2,
//           with (a, b, c) of the band nearest in frequency, over the main lobe (0 beyond).
#pragma once

#include <string>
#include <vector>

namespace ptclean::imager {

struct PrimaryBeamModel {
  std::string name;             ///< "airy", "alma" or "vla"
  double dish_m = 0.0;          ///< D
  double blockage_m = 0.0;      ///< d
  /// The power pattern at `sin_theta` from the pointing centre, at `freq_hz`.
  double power(double sin_theta, double freq_hz) const;
  /// For the log: "airy (D = 25.00 m, blockage 0.00 m)", "vla (Perley's fit for 1.465 GHz)".
  std::string describe(double freq_hz) const;
  /// The angle (sin theta) where the power falls to `level` (bisection on the main lobe).
  double radiusAt(double level, double freq_hz) const;
};

/// 'auto' picks 'alma' for an ALMA telescope name, 'vla' for VLA or EVLA, else 'airy' with
/// `dish_diameter_m`.
/// Throws ConfigError naming key 'pbmodel' for an unknown model or a missing dish size.
PrimaryBeamModel primaryBeamModel(const std::string& name, const std::string& telescope, double dish_diameter_m);

/// The beam over an nx x ny image (x fastest; pixel (nx/2, ny/2) is the pointing centre,
/// SIN projection, l = -(x - nx/2) cell_x, m = (y - ny/2) cell_y) at `freq_hz`.
std::vector<double> primaryBeamImage(const PrimaryBeamModel& model, std::size_t nx, std::size_t ny, double cell_x_rad,
                                     double cell_y_rad, double freq_hz);

/// image / pb where pb >= pblimit, NaN elsewhere (tclean masks those pixels).
std::vector<double> primaryBeamCorrected(const std::vector<double>& image, const std::vector<double>& pb,
                                         double pblimit);

}  // namespace ptclean::imager
