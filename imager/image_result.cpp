#include "image_result.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <stdexcept>

#include "ptclean/deconvolution/restore.h"

namespace ptclean::imager {

namespace {
constexpr double kArcsec = 180.0 * 3600.0 / std::numbers::pi;
constexpr double kDegree = 180.0 / std::numbers::pi;
}  // namespace

nlohmann::json ImageResult::toJson() const {
  return {{"peak", peak},
          {"rms", rms},
          {"dynamic_range", rms > 0 ? peak / rms : 0.0},
          {"beam", {{"major_arcsec", beam.major_rad * kArcsec}, {"minor_arcsec", beam.minor_rad * kArcsec},
                    {"pa_deg", beam.pa_rad * kDegree}}},
          {"flux", flux},
          {"iterations", iterations},
          {"major_cycles", major_cycles},
          {"stop_reason", stop_reason},
          {"outputs", outputs},
          {"phases", phases},
          {"wall", wall}};
}

ImageResult ImageResult::fromJson(const nlohmann::json& j) {
  ImageResult r;
  r.peak = j.at("peak");
  r.rms = j.at("rms");
  r.beam = {j.at("beam").at("major_arcsec").get<double>() / kArcsec,
            j.at("beam").at("minor_arcsec").get<double>() / kArcsec, j.at("beam").at("pa_deg").get<double>() / kDegree};
  r.flux = j.at("flux");
  r.iterations = j.at("iterations");
  r.major_cycles = j.at("major_cycles");
  r.stop_reason = j.at("stop_reason");
  r.outputs = j.at("outputs").get<std::vector<std::string>>();
  r.phases = j.value("phases", nlohmann::json::object());
  r.wall = j.value("wall", 0.0);
  return r;
}

ImageResult summariseImages(std::span<const double> restored, std::span<const double> residual,
                            std::span<const double> model, const deconvolution::Beam& beam) {
  ImageResult r;
  for (double v : restored) r.peak = std::max(r.peak, std::abs(v));
  r.rms = deconvolution::robustRms(residual);
  for (double v : model) r.flux += v;
  r.beam = beam;
  return r;
}

void writeImageResult(const ImageResult& result, const std::string& path) {
  const std::string temporary = path + ".ptclean-tmp";
  {
    std::ofstream out(temporary);
    if (!(out << result.toJson().dump(2) << "\n")) throw std::runtime_error("--result: cannot write " + path);
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace ptclean::imager
