// C++17-clean. The Jones terms of one antenna at a data sample, from a calibration table as
// applycal uses it: its solutions for the mapped spw (spwmap) and the allowed fields (gainfield),
// interpolated in time and then in frequency onto the data channels, as CASA's `interp` says:
//   time: nearest | linear   (skipping flagged solutions)   nearestflag | linearflag (flags follow)
//   freq: nearest | linear   (skipping flagged channels)    nearestflag | linearflag (flags follow)
// Complex gains interpolate in amplitude and phase (the phase along the shorter way round);
// delays (K, ns) interpolate linearly and become exp(2 pi i tau (f - f_ref)) at each channel,
// f_ref being the frequency of the caltable spw's middle channel (nchan / 2), as in CASA 5.3 on.
#pragma once

#include <complex>
#include <map>
#include <string>
#include <vector>

#include "cal_table.h"

namespace ptclean::imager {

struct Interpolation {
  bool nearest = false;      ///< nearest (else linear)
  bool flags_follow = false;  ///< the ...flag forms: a flagged neighbour flags the result
};

/// "linear", "nearest,linearflag": throws std::runtime_error naming `what` for anything else.
void parseInterp(const std::string& text, const std::string& what, Interpolation& time, Interpolation& freq);

struct DataField {
  std::string name;
  double ra = 0.0, dec = 0.0;  ///< radians
};

struct CalApplication {
  CalTable table;
  Interpolation time, freq;
  std::vector<int> spwmap;  ///< data spw -> caltable spw; [] maps each spw to itself
  std::string gainfield;    ///< '' (any), 'nearest', or field names/ids separated by commas
  bool calwt = true;
};

/// receptors x data channels: [chan * receptors + receptor].
struct AntennaJones {
  int receptors = 1;
  std::vector<std::complex<float>> gain;
  std::vector<char> flag;
};

class JonesInterpolator {
 public:
  /// `fields`: the data's FIELD table (for gainfield 'nearest' and names). Throws
  /// std::runtime_error naming the table when gainfield names no field of it.
  JonesInterpolator(const CalApplication& application, const std::vector<DataField>& fields);

  /// The caltable spw that data spw `spw` reads; throws std::runtime_error when spwmap is too short.
  int calSpw(int spw) const;

  /// All flagged when no solution exists for the antenna, spw and allowed fields.
  AntennaJones at(double time, int antenna, int spw, int field, const std::vector<double>& chan_freq_hz) const;

 private:
  const std::vector<char>& allowedFields(int data_field) const;
  /// Time interpolation onto the caltable channels: [chan * receptors + receptor].
  void interpolateTime(const std::vector<std::size_t>& candidates, double time, std::vector<std::complex<float>>& value,
                       std::vector<char>& flag) const;

  const CalApplication& app_;
  std::vector<DataField> fields_;
  std::map<std::pair<int, int>, std::vector<std::size_t>> by_spw_antenna_;  ///< solutions in time order
  mutable std::map<int, std::vector<char>> allowed_;                       ///< data field -> caltable fields
};

}  // namespace ptclean::imager
