// C++17-clean (its implementation includes casacore). CASA calibration tables in the NewCalTable
// layout, as gaincal, bandpass and gencal write them: one row per (time, field, spw, antenna),
// with CPARAM (complex gains: G, T, B Jones) or FPARAM (delays in ns: K Jones) cells of
// [receptors, channels], FLAG of the same shape, and the SPECTRAL_WINDOW, FIELD and ANTENNA
// subtables. A table is read whole: every rank of applycal holds every table it applies.
//
//   CalTable g = readCalTable("cal.G");           // throws naming the table when it is not one
//   writeCalTable("cal.G", "obs.ms", table);      // subtables copied from the MS
#pragma once

#include <complex>
#include <string>
#include <vector>

namespace ptclean::imager {

enum class JonesType { G, T, B, K };

struct CalSolution {
  double time = 0.0;  ///< MJD seconds (UTC)
  int field = 0, spw = 0, antenna = 0;
  /// [chan * receptors + receptor]: gains (G, T, B) or delays in ns in the real part (K).
  std::vector<std::complex<float>> values;
  std::vector<char> flags;  ///< as `values`
};

struct CalSpw {
  std::vector<double> chan_freq_hz;
  double ref_freq_hz = 0.0;
};

struct CalField {
  std::string name;
  double ra = 0.0, dec = 0.0;  ///< radians
};

struct CalTable {
  std::string path;
  JonesType type = JonesType::G;
  int receptors = 1;  ///< the first axis of CPARAM/FPARAM cells, in every row
  int channels = 1;   ///< the most channels of a cell (a bandpass's cells have their spw's count)
  std::vector<CalSolution> solutions;
  std::vector<CalSpw> spws;      ///< the SPECTRAL_WINDOW subtable, by spw id
  std::vector<CalField> fields;  ///< the FIELD subtable, by field id
};

/// "G Jones" -> G; throws std::runtime_error naming the table for a type applycal cannot apply.
JonesType jonesTypeOf(const std::string& vis_cal, const std::string& path);
std::string visCalName(JonesType type);  ///< G -> "G Jones"

/// Throws std::runtime_error naming `path` when it is missing, is not a calibration table, or is
/// of a type other than G, T, B or K Jones.
CalTable readCalTable(const std::string& path);

/// Writes `table` (its solutions; receptors x channels per cell) as a new NewCalTable at `path`,
/// with the ANTENNA, FIELD, SPECTRAL_WINDOW and OBSERVATION subtables copied from `ms_path`.
/// Refuses an existing `path`; a failed write leaves nothing behind.
void writeCalTable(const std::string& path, const std::string& ms_path, const CalTable& table);

}  // namespace ptclean::imager
