#include "ms_concat_antennas.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <cmath>
#include <set>
#include <tuple>
#include <vector>

namespace ptclean::imager::concat {

using casacore::Int;
using casacore::rownr_t;
using casacore::String;
using casacore::Table;

constexpr double kAntennaToleranceM = 1.0;  // CASA's concat: the same antenna within 1 m

IdMap mergeAntennas(Table& to, const Table& from, Count& count) {
  casacore::ScalarColumn<String> to_name(to, "NAME"), from_name(from, "NAME"), to_station(to, "STATION"),
      from_station(from, "STATION");
  casacore::ArrayColumn<double> to_pos(to, "POSITION"), from_pos(from, "POSITION");
  auto distance = [&](rownr_t f, rownr_t t) {
    if (from_name(f) != to_name(t) || from_station(f) != to_station(t)) return kDifferent;
    const casacore::Vector<double> a = from_pos(f), b = to_pos(t);
    if (a.size() != 3 || b.size() != 3) return kDifferent;
    const double d = std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    return d <= kAntennaToleranceM ? d : kDifferent;
  };
  return mergeMatching(to, from, distance, {}, count);
}

std::size_t mergeFeeds(Table& to, const Table& from, const IdMap& antennas, const IdMap& spws) {
  casacore::ScalarColumn<Int> to_ant(to, "ANTENNA_ID"), from_ant(from, "ANTENNA_ID"), to_feed(to, "FEED_ID"),
      from_feed(from, "FEED_ID"), to_spw(to, "SPECTRAL_WINDOW_ID"), from_spw(from, "SPECTRAL_WINDOW_ID");
  std::set<std::tuple<int, int, int>> known;
  for (rownr_t t = 0; t < to.nrow(); ++t) known.insert({to_ant(t), to_feed(t), to_spw(t)});
  std::vector<rownr_t> added;
  for (rownr_t f = 0; f < from.nrow(); ++f) {
    const int antenna = antennas(from_ant(f)), feed = from_feed(f), spw = spws(from_spw(f));
    if (known.count({antenna, feed, spw}) || known.count({antenna, feed, -1})) continue;
    added.push_back(f);
  }
  appendRows(to, from, added, {{"ANTENNA_ID", &antennas}, {"SPECTRAL_WINDOW_ID", &spws}});
  return added.size();
}

}  // namespace ptclean::imager::concat
