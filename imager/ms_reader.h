// The one place that reads MeasurementSets: CASA selection syntax, bulk reads of row ranges,
// Stokes I from the parallel hands, and phase rotation to the imaging phase centre.
//
//   MsReader reader("obs.ms", {.field = "0", .spw = "0:5~60"}, "corrected");
//   auto costs = reader.rowCosts();                 // per selected row, for balancing ranks
//   auto blocks = reader.readStokesI(0, reader.selectedRows(), reader.defaultPhaseCentre());
//
// Stokes I = (pp + qq) / 2 with weight 4 / (1/w_pp + 1/w_qq); a sample is dropped when either
// hand is flagged or has no weight, when its row is flagged, and for autocorrelations.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "ms_validation.h"

namespace ptclean::imager {

struct MsSelectionKeys {
  std::string field, spw, scan, antenna, timerange, uvrange, intent, observation, correlation;
  std::string array;  ///< subarray ids (partition's `array`; the imager has no such key)
};

struct PhaseCentre {
  double ra_rad = 0.0, dec_rad = 0.0;  ///< J2000
};

/// Parses '3' (a field id of `ms`), 'J2000 10h08m00 07d30m00' or '10h08m00 07d30m00'.
PhaseCentre parsePhaseCentre(const std::string& text, const std::string& ms_path);

/// Stokes I samples of one spectral window, rows x channels, ready for the gridder.
struct SpwBlock {
  std::size_t vis_index = 0;                 ///< which of the run's MSes (set by the caller)
  int spw = 0;
  int data_desc = 0;
  std::vector<int> channels;                 ///< the selected channels' indices in the spw
  std::vector<double> freq_hz;               ///< selected channels, in MS order
  std::vector<double> uvw_m;                 ///< rows x 3, rotated to the phase centre
  std::vector<std::complex<float>> vis;      ///< rows x channels
  std::vector<float> weight;                 ///< rows x channels, 0 = flagged
  std::vector<std::uint64_t> ms_row;         ///< each row's number in the MS (for writing back)
  std::vector<double> rotation_w_m;          ///< each row's phase-rotation w shift, undone when writing
  std::vector<double> time_s;                ///< each row's TIME (MJD seconds, UTC), for frame conversion
  std::size_t rows() const { return uvw_m.size() / 3; }
};

struct MsSummary {
  std::string telescope;
  std::string field_name;
  double start_time_mjd_s = 0.0;
  double min_freq_hz = 0.0, max_freq_hz = 0.0;  ///< over the selected channels
  double end_time_mjd_s = 0.0;
  double dish_diameter_m = 0.0;  ///< median DISH_DIAMETER of the ANTENNA table
  /// Per selected spw: the selected channels' frequencies and widths (Hz, as stored).
  std::map<int, std::vector<double>> spw_freq_hz, spw_width_hz;
  std::string feeds;                              ///< "circular", "linear" or "single"
};

class MsReader {
 public:
  /// Throws std::runtime_error naming the path or the selection key that is wrong, or (unless
  /// `allow_empty`, as for one Sub-MS of a Multi-MS) a selection that matches nothing.
  MsReader(const std::string& path, const MsSelectionKeys& selection, const std::string& datacolumn,
           bool allow_empty = false);
  ~MsReader();

  std::size_t selectedRows() const;
  /// Selected channels x unflagged rows (by FLAG_ROW), per selected row.
  std::vector<std::size_t> rowCosts() const;
  PhaseCentre defaultPhaseCentre() const;  ///< the phase centre of the first selected field
  MsSummary summary() const;
  const std::string& path() const;
  /// Which data column is read, after any fallback (e.g. CORRECTED_DATA -> DATA).
  const std::string& dataColumn() const;
  std::vector<std::string> notes() const;  ///< fallbacks and choices worth a log line
  /// Data flagged while reading because they were unusable (NaN, Inf, negative weights, zero
  /// baselines), counted over every read so far.
  const DataProblems& problems() const;

  /// Reads selected rows [begin, end) in bulk, one block per spectral window.
  std::vector<SpwBlock> readStokesI(std::size_t begin, std::size_t end, const PhaseCentre& centre) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptclean::imager
