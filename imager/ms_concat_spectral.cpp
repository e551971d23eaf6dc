#include "ms_concat_spectral.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <cmath>

namespace ptclean::imager::concat {

using casacore::Int;
using casacore::rownr_t;
using casacore::Table;

IdMap mergeSpectralWindows(Table& to, const Table& from, double tolerance_hz, Count& count) {
  casacore::ScalarColumn<Int> to_n(to, "NUM_CHAN"), from_n(from, "NUM_CHAN"), to_ref(to, "MEAS_FREQ_REF"),
      from_ref(from, "MEAS_FREQ_REF");
  casacore::ArrayColumn<double> to_freq(to, "CHAN_FREQ"), from_freq(from, "CHAN_FREQ"), to_width(to, "CHAN_WIDTH"),
      from_width(from, "CHAN_WIDTH");
  // The largest difference of the channel frequencies and widths, when all are within tolerance.
  auto largest = [tolerance_hz](const casacore::Vector<double>& a, const casacore::Vector<double>& b) {
    if (a.size() != b.size()) return kDifferent;
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double d = std::abs(a[i] - b[i]);
      if (!(d <= tolerance_hz)) return kDifferent;
      worst = std::max(worst, d);
    }
    return worst;
  };
  auto distance = [&](rownr_t f, rownr_t t) {
    if (from_n(f) != to_n(t) || from_ref(f) != to_ref(t)) return kDifferent;
    const double freq = largest(from_freq(f), to_freq(t)), width = largest(from_width(f), to_width(t));
    return freq < 0 || width < 0 ? kDifferent : std::max(freq, width);
  };
  return mergeMatching(to, from, distance, {}, count);
}

IdMap mergePolarizations(Table& to, const Table& from, Count& count) {
  casacore::ArrayColumn<Int> to_types(to, "CORR_TYPE"), from_types(from, "CORR_TYPE");
  auto distance = [&](rownr_t f, rownr_t t) {
    const casacore::Vector<Int> a = from_types(f), b = to_types(t);
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()) ? 0.0 : kDifferent;
  };
  return mergeMatching(to, from, distance, {}, count);
}

IdMap mergeDataDescriptions(Table& to, const Table& from, const IdMap& spws, const IdMap& pols, Count& count) {
  casacore::ScalarColumn<Int> to_spw(to, "SPECTRAL_WINDOW_ID"), from_spw(from, "SPECTRAL_WINDOW_ID"),
      to_pol(to, "POLARIZATION_ID"), from_pol(from, "POLARIZATION_ID");
  auto distance = [&](rownr_t f, rownr_t t) {
    return spws(from_spw(f)) == to_spw(t) && pols(from_pol(f)) == to_pol(t) ? 0.0 : kDifferent;
  };
  return mergeMatching(to, from, distance, {{"SPECTRAL_WINDOW_ID", &spws}, {"POLARIZATION_ID", &pols}}, count);
}

}  // namespace ptclean::imager::concat
