#include "primary_beam.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numbers>

#include "config.h"

namespace ptclean::imager {

namespace {

constexpr double kSpeedOfLight = 299792458.0;

double jinc(double x) { return std::abs(x) < 1e-8 ? 1.0 : 2.0 * std::cyl_bessel_j(1.0, x) / x; }

}  // namespace

double PrimaryBeamModel::power(double sin_theta, double freq_hz) const {
  const double k = std::numbers::pi * sin_theta * freq_hz / kSpeedOfLight;
  const double big = dish_m * dish_m, small = blockage_m * blockage_m;
  const double voltage = (big * jinc(k * dish_m) - small * jinc(k * blockage_m)) / (big - small);
  return voltage * voltage;
}

double PrimaryBeamModel::radiusAt(double level, double freq_hz) const {
  // The first null of an unblocked dish is at 1.22 lambda / D; the main lobe is inside it.
  double low = 0.0, high = 1.22 * kSpeedOfLight / freq_hz / dish_m;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (low + high);
    (power(mid, freq_hz) > level ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

PrimaryBeamModel primaryBeamModel(const std::string& name, const std::string& telescope, double dish_diameter_m) {
  std::string upper = telescope;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  const std::string chosen = name == "auto" ? (upper.find("ALMA") != std::string::npos ? "alma" : "airy") : name;
  if (chosen == "alma") return {"alma", 10.7, 0.75};
  if (chosen != "airy") throw ConfigError("key 'pbmodel': '" + name + "' must be auto, airy or alma");
  if (!(dish_diameter_m > 0.0))
    throw ConfigError("key 'pbmodel': 'airy' needs DISH_DIAMETER in the ANTENNA table, and it is " +
                      std::to_string(dish_diameter_m) + " m");
  return {"airy", dish_diameter_m, 0.0};
}

std::vector<double> primaryBeamImage(const PrimaryBeamModel& model, std::size_t nx, std::size_t ny, double cell_x_rad,
                                     double cell_y_rad, double freq_hz) {
  std::vector<double> pb(nx * ny);
  for (std::size_t y = 0; y < ny; ++y) {
    const double m = (double(y) - double(ny / 2)) * cell_y_rad;
    for (std::size_t x = 0; x < nx; ++x) {
      const double l = -(double(x) - double(nx / 2)) * cell_x_rad;
      pb[y * nx + x] = model.power(std::sqrt(std::min(1.0, l * l + m * m)), freq_hz);
    }
  }
  return pb;
}

std::vector<double> primaryBeamCorrected(const std::vector<double>& image, const std::vector<double>& pb,
                                         double pblimit) {
  std::vector<double> out(image.size());
  for (std::size_t i = 0; i < image.size(); ++i)
    out[i] = pb[i % pb.size()] >= pblimit ? image[i] / pb[i % pb.size()] : std::numeric_limits<double>::quiet_NaN();
  return out;
}

}  // namespace ptclean::imager
