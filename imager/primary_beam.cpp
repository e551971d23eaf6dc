#include "primary_beam.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "config.h"

namespace ptclean::imager {

namespace {

constexpr double kSpeedOfLight = 299792458.0;

double jinc(double x) { return std::abs(x) < 1e-8 ? 1.0 : 2.0 * std::cyl_bessel_j(1.0, x) / x; }

/// Perley's fits of the VLA's primary beams (AIPS help for PBPARM): band centre and a, b, c.
struct VlaBand {
  double ghz, a, b, c;
};
constexpr VlaBand kVlaBands[] = {{0.0738, -0.897, 2.71, -0.242}, {0.3275, -0.935, 3.23, -0.378},
                                 {1.465, -1.343, 6.579, -1.186},  {4.885, -1.372, 6.940, -1.309},
                                 {8.435, -1.306, 6.253, -1.100},  {14.965, -1.305, 6.155, -1.030},
                                 {22.485, -1.417, 7.332, -1.352}, {43.315, -1.321, 6.185, -0.983}};

/// The band nearest in log frequency: the smallest ratio max(f / f_band, f_band / f).
const VlaBand& vlaBand(double freq_hz) {
  auto distance = [&](const VlaBand& band) {
    const double ratio = band.ghz * 1e9 / freq_hz;
    return std::max(ratio, 1.0 / ratio);
  };
  const VlaBand* best = &kVlaBands[0];
  for (const auto& band : kVlaBands)
    if (distance(band) < distance(*best)) best = &band;
  return *best;
}

// A polynomial fit means nothing past its main lobe: 0 where it falls below 0 or turns upward.
double vlaPower(double sin_theta, double freq_hz) {
  const VlaBand& band = vlaBand(freq_hz);
  const double r_arcmin = std::asin(std::min(1.0, sin_theta)) * 180.0 * 60.0 / std::numbers::pi;
  const double x = std::pow(r_arcmin * freq_hz / 1e9, 2);
  const double a = band.a * 1e-3, b = band.b * 1e-7, c = band.c * 1e-10;
  const double value = 1.0 + x * (a + x * (b + x * c));
  const double slope = a + x * (2.0 * b + x * 3.0 * c);
  return value > 0.0 && slope <= 0.0 ? value : 0.0;
}

constexpr double kArcmin = std::numbers::pi / (180.0 * 60.0);

}  // namespace

double PrimaryBeamModel::power(double sin_theta, double freq_hz) const {
  if (name == "vla") return vlaPower(sin_theta, freq_hz);
  const double k = std::numbers::pi * sin_theta * freq_hz / kSpeedOfLight;
  const double big = dish_m * dish_m, small = blockage_m * blockage_m;
  const double voltage = (big * jinc(k * dish_m) - small * jinc(k * blockage_m)) / (big - small);
  return voltage * voltage;
}

std::string PrimaryBeamModel::describe(double freq_hz) const {
  char text[96];
  if (name == "vla")
    std::snprintf(text, sizeof text, "vla (Perley's fit for %.6g GHz)", vlaBand(freq_hz).ghz);
  else
    std::snprintf(text, sizeof text, "%s (D = %.2f m, blockage %.2f m)", name.c_str(), dish_m, blockage_m);
  return text;
}

double PrimaryBeamModel::radiusAt(double level, double freq_hz) const {
  // The first null of an unblocked dish is at 1.22 lambda / D; the main lobe is inside it. Every
  // VLA fit is 0 by X = 3000 (r x f = 55 arcmin GHz).
  double low = 0.0, high = name == "vla" ? std::sin(std::sqrt(3000.0) / (freq_hz / 1e9) * kArcmin)
                                         : 1.22 * kSpeedOfLight / freq_hz / dish_m;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (low + high);
    (power(mid, freq_hz) > level ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

PrimaryBeamModel primaryBeamModel(const std::string& name, const std::string& telescope, double dish_diameter_m) {
  std::string upper = telescope;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  const bool vla = upper == "VLA" || upper == "EVLA" || upper == "JVLA";
  const std::string chosen = name != "auto"                             ? name
                             : upper.find("ALMA") != std::string::npos ? "alma"
                             : vla                                     ? "vla"
                                                                       : "airy";
  if (chosen == "alma") return {"alma", 10.7, 0.75};
  if (chosen == "vla") return {"vla", 25.0, 0.0};
  if (chosen != "airy") throw ConfigError("key 'pbmodel': '" + name + "' must be auto, airy, alma or vla");
  if (!(dish_diameter_m > 0.0))
    throw ConfigError("key 'pbmodel': 'airy' needs DISH_DIAMETER in the ANTENNA table, and it is " +
                      std::to_string(dish_diameter_m) + " m");
  return {"airy", dish_diameter_m, 0.0};
}

std::vector<double> primaryBeamImage(const PrimaryBeamModel& model, std::size_t nx, std::size_t ny, double cell_x_rad,
                                     double cell_y_rad, double freq_hz) {
  // The beam depends on |x - nx/2| and |y - ny/2| only: one quadrant is evaluated (the models
  // cost a Bessel function or a search per value), the rest mirrored.
  const std::size_t qx = std::max(nx / 2, nx - 1 - nx / 2) + 1, qy = std::max(ny / 2, ny - 1 - ny / 2) + 1;
  std::vector<double> quadrant(qx * qy);
  for (std::size_t dy = 0; dy < qy; ++dy)
    for (std::size_t dx = 0; dx < qx; ++dx) {
      const double l = double(dx) * cell_x_rad, m = double(dy) * cell_y_rad;
      quadrant[dy * qx + dx] = model.power(std::sqrt(std::min(1.0, l * l + m * m)), freq_hz);
    }
  std::vector<double> pb(nx * ny);
  for (std::size_t y = 0; y < ny; ++y) {
    const std::size_t dy = std::size_t(std::abs(long(y) - long(ny / 2)));
    for (std::size_t x = 0; x < nx; ++x) pb[y * nx + x] = quadrant[dy * qx + std::size_t(std::abs(long(x) - long(nx / 2)))];
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
