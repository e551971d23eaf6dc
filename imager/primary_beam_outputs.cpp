#include "primary_beam_outputs.h"

#include <algorithm>
#include <numbers>

#include "log.h"
#include "primary_beam.h"

namespace ptclean::imager {

void addPrimaryBeamOutputs(OutputSet& outputs, const ImageMetadata& meta, const std::vector<double>& freqs_hz,
                           const std::vector<double>& restored, const ImagingSettings& settings,
                           const MsSummary& summary, int threads) {
  const PrimaryBeamModel model = primaryBeamModel(settings.pbmodel, summary.telescope, summary.dish_diameter_m);
  constexpr double kArcmin = 180.0 * 60.0 / std::numbers::pi;
  spdlog::info("primary beam: {}, half power at {:.3f}' at {:.6g} GHz{}; pblimit {}",
               model.describe(freqs_hz.front()), model.radiusAt(0.5, freqs_hz.front()) * kArcmin,
               freqs_hz.front() / 1e9, freqs_hz.size() == 1 ? " (the reference frequency)" : " (channel 0)",
               settings.pblimit);
  const std::size_t pixels = meta.nx * meta.ny;
  std::vector<double> pb(pixels * freqs_hz.size());
  const std::ptrdiff_t planes = std::ptrdiff_t(freqs_hz.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (std::ptrdiff_t k = 0; k < planes; ++k) {
    const auto plane = primaryBeamImage(model, meta.nx, meta.ny, meta.cell_x_rad, meta.cell_y_rad, freqs_hz[std::size_t(k)]);
    std::copy(plane.begin(), plane.end(), pb.begin() + k * std::ptrdiff_t(pixels));
  }
  ImageMetadata pb_meta = meta;
  pb_meta.units = "";
  pb_meta.beam.reset();
  pb_meta.channel_beams.clear();
  outputs.add("pb", pb_meta, pb);
  if (settings.pbcor) outputs.add("image.pbcor", meta, primaryBeamCorrected(restored, pb, settings.pblimit));
}

}  // namespace ptclean::imager
