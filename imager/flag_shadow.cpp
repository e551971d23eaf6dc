#include "flag_shadow.h"

#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <cmath>
#include <map>
#include <set>

#include "array_layout.h"
#include "sky_model.h"

namespace ptclean::imager {

std::vector<char> shadowedRows(const casacore::MeasurementSet& ms, const casacore::Table& rows, double tolerance_m) {
  casacore::MSAntennaColumns antennas(ms.antenna());
  std::vector<Vec3> itrf(antennas.nrow());
  std::vector<double> diameter(antennas.nrow());
  for (std::size_t a = 0; a < itrf.size(); ++a) {
    const casacore::Vector<double> xyz = antennas.position()(a);
    itrf[a] = {xyz[0], xyz[1], xyz[2]};
    diameter[a] = antennas.dishDiameter()(a);
  }
  // Antennas without a position (0, 0, 0 in some converted MSs) shadow nothing.
  std::vector<char> on_earth(itrf.size());
  for (std::size_t a = 0; a < itrf.size(); ++a) on_earth[a] = std::hypot(itrf[a][0], itrf[a][1], itrf[a][2]) > 6.0e6;
  casacore::MSFieldColumns fields(ms.field());
  const auto times = casacore::ScalarColumn<casacore::Double>(rows, "TIME").getColumn();
  const auto field_ids = casacore::ScalarColumn<casacore::Int>(rows, "FIELD_ID").getColumn();
  const auto a1 = casacore::ScalarColumn<casacore::Int>(rows, "ANTENNA1").getColumn();
  const auto a2 = casacore::ScalarColumn<casacore::Int>(rows, "ANTENNA2").getColumn();
  std::map<std::pair<double, int>, std::set<int>> shadowed;  // (time, field) -> antennas
  for (std::size_t r = 0; r < times.size(); ++r) {
    auto [it, fresh] = shadowed.emplace(std::pair{times[r], field_ids[r]}, std::set<int>{});
    if (!fresh) continue;
    const casacore::Matrix<double> dir = fields.phaseDir()(std::size_t(field_ids[r]));
    const auto uvw = antennaUvw(itrf, gmstRad(times[r]), Direction{dir(0, 0), dir(1, 0)});
    for (std::size_t p = 0; p < uvw.size(); ++p)
      for (std::size_t q = p + 1; q < uvw.size(); ++q) {
        if (!on_earth[p] || !on_earth[q]) continue;
        const double du = uvw[q][0] - uvw[p][0], dv = uvw[q][1] - uvw[p][1], dw = uvw[q][2] - uvw[p][2];
        if (std::hypot(du, dv) >= (diameter[p] + diameter[q]) / 2 - tolerance_m) continue;
        it->second.insert(int(dw > 0 ? p : q));  // the one farther from the source is behind
      }
  }
  std::vector<char> hit(times.size(), 0);
  for (std::size_t r = 0; r < times.size(); ++r) {
    const auto& set = shadowed[{times[r], field_ids[r]}];
    hit[r] = set.count(a1[r]) || set.count(a2[r]);
  }
  return hit;
}

}  // namespace ptclean::imager
