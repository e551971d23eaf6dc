// `ptclean simulate`: writes a complete CASA MeasurementSet of a simulated observation.
//
//   Config cfg = Config::load(simulateKeys(), "configs/simulate_default.toml", {"noise=0.01"});
//   SimulationSettings s = simulationSettingsFrom(cfg);   // parsed and validated
//   SimulationSummary done = simulateMs(s, "demo.ms", 8); // refuses an existing demo.ms
//
// Rows are ordered by time, then spectral window, then baseline (ANTENNA1 < ANTENNA2, or <= with
// autocorrelations). Every spectral window shares one POLARIZATION row and has its own
// DATA_DESCRIPTION row. Scan s observes field s % nfields. DATA follows
// V = sum_k S_k exp(+2 pi i (u l + v m + w (n - 1))) for the stored UVW (see sky_model.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "sky_model.h"

namespace ptclean::imager {

enum class FeedType { Circular, Linear };

struct SimulationSettings {
  // Array. `array_scale` and `max_baseline_m` are exclusive; both act after `antennas`.
  std::string array = "vla";    ///< configs/arrays/<name>.txt or a path
  std::size_t antennas = 0;     ///< 0: as many as the layout has
  double max_baseline_m = 0.0;  ///< 0: as the layout (times array_scale) gives
  double array_scale = 1.0;     ///< multiplies every offset from the array centre
  std::string telescope;        ///< "": the layout's telescope

  // Fields: field 0 is the phase centre, the sources' l/m are relative to it.
  Direction phase_centre{3.0 * 3.141592653589793 / 4.0, 34.0 * 3.141592653589793 / 180.0};
  std::vector<Direction> extra_fields;
  std::vector<std::string> field_names;  ///< one per field, or empty: field0, field1, ...

  // Spectral setup. A negative channel width gives descending frequencies.
  double freq_hz = 1.4e9;  ///< first channel of the first spectral window
  std::size_t nspw = 1;
  std::size_t nchan = 8;
  double chanwidth_hz = 1e6;
  std::optional<double> spw_separation_hz;  ///< start to start; unset: nchan * chanwidth
  int ncorr = 4;                            ///< 1, 2 or 4
  FeedType feeds = FeedType::Circular;

  // Time. Scan s starts at hour angle hourangle_start + s * hourangle_span / nscans.
  double integration_s = 10.0;
  std::size_t nintegrations = 30;  ///< per scan
  std::size_t nscans = 1;
  double hourangle_start_rad = -0.5 * 3.141592653589793 / 12.0;  ///< of field 0
  std::optional<double> hourangle_span_rad;     ///< unset: scans follow each other without gaps
  double start_time_mjd_s = 60310.0 * 86400.0;  ///< 2024-01-01; the first scan starts after it

  // Data.
  double noise_jy = 0.0;  ///< Gaussian sigma of the real and of the imaginary part
  std::string primary_beam;  ///< "": none; "airy" or "alma" (primary_beam.h): sources attenuated per field
  std::uint64_t seed = 1;
  bool autocorrelations = false;
  bool weight_spectrum = true;
  std::vector<SkySource> sources;  ///< empty: noise only

  /// Throws ConfigError naming the key of the first bad value.
  void validate() const;
};

/// The key table of `ptclean simulate`, with defaults and one-line docs.
std::vector<KeySpec> simulateKeys();

/// Reads and validates every key of simulateKeys().
SimulationSettings simulationSettingsFrom(const Config& cfg);

struct SimulationSummary {
  std::size_t antennas = 0, baselines = 0, rows = 0, spws = 0, channels = 0, correlations = 0;
  std::size_t visibilities = 0;  ///< rows * channels * correlations
  double max_baseline_m = 0.0;
};

/// Writes the MeasurementSet at `ms_path` (which must not exist). `threads` <= 0: all cores.
SimulationSummary simulateMs(const SimulationSettings& settings, const std::string& ms_path,
                             int threads);

}  // namespace ptclean::imager
