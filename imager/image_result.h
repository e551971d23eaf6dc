// What one `ptclean image` run made, as a record: `ptclean image --result FILE.json` writes it
// (rank 0, through a temporary name, as the run's last act, so that its presence means the
// outputs are complete), and `ptclean batch` returns it for each job.
//   {"peak": Jy/beam, "rms": Jy/beam, "dynamic_range": peak/rms, "beam": {"major_arcsec",
//    "minor_arcsec", "pa_deg"}, "flux": Jy, "iterations", "major_cycles", "stop_reason",
//    "outputs": [paths], "phases": {"read": s, ...}, "wall": s}
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

#include "ptclean/deconvolution/beam.h"

namespace ptclean::imager {

struct ImageResult {
  double peak = 0;          ///< largest |value| of the restored image, Jy/beam
  double rms = 0;           ///< robust rms of the residual, Jy/beam
  deconvolution::Beam beam;
  double flux = 0;          ///< sum of the model, Jy (the CLEANed flux)
  long iterations = 0, major_cycles = 0;
  std::string stop_reason;
  std::vector<std::string> outputs;
  nlohmann::json phases = nlohmann::json::object();
  double wall = 0;

  nlohmann::json toJson() const;
  static ImageResult fromJson(const nlohmann::json& j);
};

/// The peak, rms and flux of a finished run, from its images.
ImageResult summariseImages(std::span<const double> restored, std::span<const double> residual,
                            std::span<const double> model, const deconvolution::Beam& beam);

/// Writes `result` to `path` through a temporary file and a rename; throws naming the path.
void writeImageResult(const ImageResult& result, const std::string& path);

}  // namespace ptclean::imager
