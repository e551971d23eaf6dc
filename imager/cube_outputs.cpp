#include "cube_outputs.h"

#include <algorithm>
#include <numbers>
#include <optional>
#include <sstream>

#include "image_metadata.h"
#include "log.h"
#include "primary_beam_outputs.h"
#include "ptclean/deconvolution/restore.h"

namespace ptclean::imager {

namespace {

constexpr double kArcsec = 180.0 * 3600.0 / std::numbers::pi;

/// The beam of largest area among the channels' (tclean's 'common' is the smallest beam that
/// encloses them all; the largest one encloses them when they differ little, as over a cube).
deconvolution::Beam largestBeam(const std::vector<deconvolution::Beam>& beams) {
  deconvolution::Beam best;
  for (const auto& b : beams)
    if (b.major_rad * b.minor_rad > best.major_rad * best.minor_rad) best = b;
  return best;
}

}  // namespace

ImageResult addCubeOutputs(OutputSet& outputs, const std::vector<double>& all, const CubeAxis& axis,
                           const ImagingSettings& settings, const PhaseCentre& centre, const MsSummary& summary,
                           const std::string& config_dump, int threads) {
  const std::size_t pixels = settings.nx * settings.ny;
  ImageResult result;
  const std::size_t n = axis.nchan, stride = kPlaneImages * pixels + kPlaneFacts;
  std::vector<double> psf(n * pixels), residual(n * pixels), model(n * pixels), restored(n * pixels), sumwt(n);
  std::vector<deconvolution::Beam> beams(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double* plane = all.data() + k * stride;
    std::copy_n(plane, pixels, psf.begin() + std::ptrdiff_t(k * pixels));
    std::copy_n(plane + pixels, pixels, residual.begin() + std::ptrdiff_t(k * pixels));
    std::copy_n(plane + 2 * pixels, pixels, model.begin() + std::ptrdiff_t(k * pixels));
    std::copy_n(plane + 3 * pixels, pixels, restored.begin() + std::ptrdiff_t(k * pixels));
    const double* facts = plane + kPlaneImages * pixels;
    beams[k] = {facts[0], facts[1], facts[2]};
    sumwt[k] = facts[3];
    result.iterations += long(facts[4]);
    result.major_cycles = std::max(result.major_cycles, long(facts[5]));
  }
  std::optional<deconvolution::Beam> common;
  if (settings.cube.common_beam) {
    common = largestBeam(beams);
    spdlog::info("cube: common restoring beam {:.4g}\" x {:.4g}\" pa {:.2f} deg (the largest channel beam)",
                 common->major_rad * kArcsec, common->minor_rad * kArcsec, common->pa_rad * 180.0 / std::numbers::pi);
    for (std::size_t k = 0; k < n; ++k) {
      if (sumwt[k] <= 0.0) continue;
      const std::span<const double> m(model.data() + k * pixels, pixels), r(residual.data() + k * pixels, pixels);
      auto plane = deconvolution::restore(m, r, settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad,
                                          *common, threads);
      std::copy(plane.begin(), plane.end(), restored.begin() + std::ptrdiff_t(k * pixels));
    }
  }

  ImageMetadata meta = imageMetadata(settings, centre, summary, config_dump);
  meta.nchan = n;
  meta.ref_freq_hz = axis.centre(0);
  meta.channel_width_hz = axis.width_hz;
  meta.spectral_frame = settings.cube.outframe;
  meta.rest_freq_hz = settings.cube.restfreq_hz;
  if (common)
    meta.beam = *common;
  else
    meta.channel_beams = beams;
  ImageMetadata flat = meta;  // the model and sumwt carry no beam
  flat.units = "Jy/pixel";
  flat.beam.reset();
  flat.channel_beams.clear();
  outputs.add("psf", meta, psf);
  outputs.add("residual", meta, residual);
  outputs.add("image", meta, restored);
  std::vector<double> freqs(n);
  for (std::size_t k = 0; k < n; ++k) freqs[k] = axis.centre(k);
  addPrimaryBeamOutputs(outputs, meta, freqs, restored, settings, summary, threads);
  outputs.add("model", flat, model);
  ImageMetadata sumwt_meta = flat;
  sumwt_meta.nx = sumwt_meta.ny = 1;
  sumwt_meta.units = "";
  outputs.add("sumwt", sumwt_meta, sumwt);
  result = summariseImages(restored, residual, model, common ? *common : beams[n / 2]);
  result.stop_reason = settings.niter > 0 ? "per channel (see the log)" : "niter = 0";
  return result;
}

}  // namespace ptclean::imager
