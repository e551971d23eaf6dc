// C++17-clean (its implementation includes casacore). The checks every MeasurementSet passes
// before it is read: its subtables, the ids its rows refer to, and the shapes of its data
// against DATA_DESCRIPTION, SPECTRAL_WINDOW and POLARIZATION. Each problem is one error that
// names the MS, the table, the row and what is wrong.
#pragma once

#include <string>

namespace casacore {
class MeasurementSet;
}

namespace ptclean::imager {

/// Throws std::runtime_error on the first problem found in `ms` (at `path`), whose data are
/// read from `column`.
void validateMeasurementSet(const casacore::MeasurementSet& ms, const std::string& path, const std::string& column);

/// Problems in the data themselves, flagged (never imaged) and counted while reading.
struct DataProblems {
  double nonfinite_data = 0;      ///< samples whose visibility is NaN or Inf
  double bad_weights = 0;         ///< samples whose weight is NaN, Inf or negative
  double nonfinite_uvw = 0;       ///< rows whose UVW is NaN or Inf
  double zero_baselines = 0;      ///< cross-correlation rows with UVW = (0, 0, 0)
};

}  // namespace ptclean::imager
