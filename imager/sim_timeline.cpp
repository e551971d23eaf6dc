#include "sim_timeline.h"

#include <cmath>
#include <iostream>
#include <numbers>

namespace ptclean::imager {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kHourAngleRate = kTwoPi * kSiderealPerSolar / 86400.0;  // rad per second

double localHourAngle(double mjd_s, const ArrayLayout& layout, const Direction& d) {
  return gmstRad(mjd_s) + layout.lon_rad - d.ra;
}

}  // namespace

std::vector<TimeStep> simulationTimeline(const SimulationSettings& s, const ArrayLayout& layout,
                                         const std::vector<Direction>& fields) {
  // Wait from start_time until field 0 reaches the requested hour angle (less than a day); two
  // Newton steps absorb the small difference between the assumed and the real sidereal rate.
  double t0 = s.start_time_mjd_s;
  double wait =
      std::remainder(s.hourangle_start_rad - localHourAngle(t0, layout, fields[0]), kTwoPi);
  if (wait < 0) wait += kTwoPi;
  t0 += wait / kHourAngleRate;
  for (int i = 0; i < 2; ++i) {
    t0 += std::remainder(s.hourangle_start_rad - localHourAngle(t0, layout, fields[0]), kTwoPi) /
          kHourAngleRate;
  }
  const double scan_length_s = static_cast<double>(s.nintegrations) * s.integration_s;
  const double scan_spacing_s =
      s.hourangle_span_rad ? *s.hourangle_span_rad / static_cast<double>(s.nscans) / kHourAngleRate
                           : scan_length_s;
  std::vector<TimeStep> steps;
  steps.reserve(s.nscans * s.nintegrations);
  for (std::size_t scan = 0; scan < s.nscans; ++scan) {
    const std::size_t field = scan % fields.size();
    const double scan_start = t0 + static_cast<double>(scan) * scan_spacing_s;
    for (std::size_t i = 0; i < s.nintegrations; ++i) {
      steps.push_back({scan_start + (static_cast<double>(i) + 0.5) * s.integration_s, scan, field});
    }
    const double h = localHourAngle(scan_start + 0.5 * scan_length_s, layout, fields[field]);
    const double sin_el = std::sin(layout.lat_rad) * std::sin(fields[field].dec) +
                          std::cos(layout.lat_rad) * std::cos(fields[field].dec) * std::cos(h);
    if (sin_el < 0) {
      std::cerr << "simulate: warning: field " << field << " is below the horizon during scan "
                << scan + 1 << " (elevation " << std::asin(sin_el) * 180 / std::numbers::pi
                << " deg); the data are computed anyway\n";
    }
  }
  return steps;
}

}  // namespace ptclean::imager
