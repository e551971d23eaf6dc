// The integration times of `ptclean simulate`: when each scan starts and which field it observes.
//
//   auto steps = simulationTimeline(settings, layout, fields);  // time-ordered
//   for (const TimeStep& t : steps) { ... t.time_mjd_s, t.scan, t.field ... }
//
// The first scan starts at the first moment after settings.start_time_mjd_s when field 0 is at
// hour angle settings.hourangle_start_rad (as seen from the layout's location); scan s starts
// hourangle_span / nscans later in hour angle than scan s - 1 (back to back when span is unset).
#pragma once

#include <cstddef>
#include <vector>

#include "array_layout.h"
#include "ms_simulator.h"

namespace ptclean::imager {

struct TimeStep {
  double time_mjd_s = 0.0;  ///< centre of the integration, UTC MJD seconds
  std::size_t scan = 0;     ///< 0-based; SCAN_NUMBER is scan + 1
  std::size_t field = 0;    ///< scan % fields.size()
};

/// Also warns on stderr when a field is below the horizon during a scan.
std::vector<TimeStep> simulationTimeline(const SimulationSettings& settings,
                                         const ArrayLayout& layout,
                                         const std::vector<Direction>& fields);

/// Sidereal seconds per solar second: hour angle grows by 2 pi * this / 86400 rad each second.
inline constexpr double kSiderealPerSolar = 1.002737909350795;

}  // namespace ptclean::imager
