// Antenna layouts for `ptclean simulate`: read from configs/arrays/*.txt, resized and scaled,
// and projected to UVW.
//
//   ArrayLayout vla = loadArrayLayout("vla");        // configs/arrays/vla.txt, or a path
//   vla = resizeLayout(vla, 40);                      // thin or densify to 40 antennas
//   scaleLayout(vla, 5000.0 / maxBaseline(vla));      // longest baseline 5 km
//   auto itrf = itrfPositions(vla);                   // for ANTENNA::POSITION
//   auto uvw = antennaUvw(itrf, gmst, field);         // per antenna; UVW(p,q) = uvw[q] - uvw[p]
//
// The file format is described at the top of configs/arrays/vla.txt.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "sky_model.h"

namespace ptclean::imager {

using Vec3 = std::array<double, 3>;

struct Antenna {
  std::string name, station;
  Vec3 enu{};  ///< east, north, up in metres from the layout's location
  double dish_diameter_m = 25.0;
  std::string mount = "ALT-AZ";
};

struct ArrayLayout {
  std::string telescope;  ///< "VLA", "ALMA", ...: OBSERVATION::TELESCOPE_NAME
  double lon_rad = 0.0, lat_rad = 0.0, height_m = 0.0;  ///< WGS84 position of the ENU origin
  std::vector<Antenna> antennas;
};

/// `name_or_path`: an existing file, or a name in configs/arrays ("vla" -> vla.txt).
/// Throws std::runtime_error naming the file and line on bad input.
ArrayLayout loadArrayLayout(const std::string& name_or_path);
ArrayLayout parseArrayLayout(const std::string& text, const std::string& source_name);

/// Longest distance between two antennas, metres.
double maxBaseline(const ArrayLayout& layout);
/// Multiplies every ENU offset by `factor` (the array keeps its centre and shape).
void scaleLayout(ArrayLayout& layout, double factor);

/// Exactly `n` antennas with the layout's shape. Fewer: repeatedly drops one antenna of the
/// closest pair, so dense parts thin out and the longest baselines stay. More: repeatedly puts
/// a new antenna half-way along the longest edge of the minimum spanning tree, which fills in
/// the arms of a Y array and the gaps of a compact one. Deterministic.
ArrayLayout resizeLayout(const ArrayLayout& layout, std::size_t n);

/// ITRF (geocentric, metres) of every antenna.
std::vector<Vec3> itrfPositions(const ArrayLayout& layout);
Vec3 geodeticToItrf(double lon_rad, double lat_rad, double height_m);
/// Inverse of geodeticToItrf: {lon, lat, height}.
Vec3 itrfToGeodetic(const Vec3& xyz);

/// Greenwich mean sidereal time (IAU 1982) in radians for a UTC time in MJD seconds. Ignores
/// UT1 - UTC and nutation: simulation only needs a consistent clock.
double gmstRad(double mjd_seconds);

/// Projection of every ITRF position on (u east, v north, w towards `field`) at Greenwich hour
/// angle gmst - ra (J2000 used as the apparent frame). The UVW of baseline (p, q) is
/// out[q] - out[p]; the common origin cancels.
std::vector<Vec3> antennaUvw(const std::vector<Vec3>& itrf, double gmst_rad,
                             const Direction& field);

}  // namespace ptclean::imager
