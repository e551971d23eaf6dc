#include "ms_concat_fields.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace ptclean::imager::concat {

using casacore::Int;
using casacore::rownr_t;
using casacore::String;
using casacore::Table;

namespace {

double separation(double ra1, double dec1, double ra2, double dec2) {
  const double a = std::sin(0.5 * (dec2 - dec1)), b = std::sin(0.5 * (ra2 - ra1));
  return 2.0 * std::asin(std::min(1.0, std::sqrt(a * a + std::cos(dec1) * std::cos(dec2) * b * b)));
}

/// The separation of two directions (their first two values, as the first term of a FIELD
/// polynomial), or kDifferent beyond `tolerance`.
double directionDistance(const casacore::Array<double>& a, const casacore::Array<double>& b, double tolerance) {
  if (a.nelements() < 2 || b.nelements() < 2) return a.nelements() == b.nelements() ? 0.0 : kDifferent;
  const double* x = a.data();
  const double* y = b.data();
  const double d = separation(x[0], x[1], y[0], y[1]);
  return d <= tolerance ? d : kDifferent;
}

}  // namespace

IdMap mergeSources(Table& to, const Table& from, const IdMap& spws, double tolerance, Count& count) {
  casacore::ScalarColumn<Int> to_id(to, "SOURCE_ID"), from_id(from, "SOURCE_ID"), to_spw(to, "SPECTRAL_WINDOW_ID"),
      from_spw(from, "SPECTRAL_WINDOW_ID");
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME");
  casacore::ArrayColumn<double> to_dir(to, "DIRECTION"), from_dir(from, "DIRECTION");
  IdMap map;
  int next = 0;
  for (rownr_t t = 0; t < to.nrow(); ++t) next = std::max(next, to_id(t) + 1);
  std::map<int, rownr_t> first_row;
  for (rownr_t f = 0; f < from.nrow(); ++f) first_row.emplace(from_id(f), f);
  for (const auto& [id, f] : first_row) {
    if (id < 0) continue;
    if (map.to.size() <= std::size_t(id)) map.to.resize(id + 1, -1);
    for (rownr_t t = 0; t < to.nrow() && map.to[id] < 0; ++t)
      if (from_name(f) == to_name(t) && directionDistance(from_dir(f), to_dir(t), tolerance) >= 0)
        map.to[id] = to_id(t);
    if (map.to[id] >= 0) {
      ++count.matched;
    } else {
      map.to[id] = next++;
      ++count.added;
    }
  }
  std::set<std::pair<int, int>> known;
  for (rownr_t t = 0; t < to.nrow(); ++t) known.insert({to_id(t), to_spw(t)});
  std::vector<rownr_t> added;
  for (rownr_t f = 0; f < from.nrow(); ++f) {
    const int id = map(from_id(f)), spw = spws(from_spw(f));
    if (known.count({id, spw}) || known.count({id, -1})) continue;
    added.push_back(f);
  }
  appendRows(to, from, added, {{"SOURCE_ID", &map}, {"SPECTRAL_WINDOW_ID", &spws}});
  return map;
}

IdMap mergeFields(Table& to, const Table& from, const IdMap& sources, const ConcatTolerances& tolerances,
                  Count& count) {
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME");
  std::vector<std::pair<casacore::ArrayColumn<double>, casacore::ArrayColumn<double>>> directions;
  for (const char* column : {"PHASE_DIR", "DELAY_DIR", "REFERENCE_DIR"})
    if (hasColumn(to, column) && hasColumn(from, column))
      directions.emplace_back(casacore::ArrayColumn<double>(from, column), casacore::ArrayColumn<double>(to, column));
  auto distance = [&](rownr_t f, rownr_t t) {
    if (tolerances.respect_name && from_name(f) != to_name(t)) return kDifferent;
    double worst = 0.0;
    for (const auto& [from_dir, to_dir] : directions) {
      const double d = directionDistance(from_dir(f), to_dir(t), tolerances.dir_rad);
      if (d < 0) return kDifferent;
      worst = std::max(worst, d);
    }
    return worst;
  };
  return mergeMatching(to, from, distance, {{"SOURCE_ID", &sources}}, count);
}

}  // namespace ptclean::imager::concat
