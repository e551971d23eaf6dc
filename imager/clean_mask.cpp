#include "clean_mask.h"

#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "image_reader.h"
#include "log.h"

namespace ptclean::imager {
namespace {

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// One entry of `mask`: region text, a region file, or a mask image (CASA or FITS).
void addMaskEntry(const std::string& entry, const MaskGrid& grid, std::vector<std::uint8_t>& mask) {
  try {
    if (looksLikeRegionText(entry)) {
      paintRegions(entry, grid, mask);
      return;
    }
    if (!std::filesystem::exists(entry))
      throw std::invalid_argument("'" + entry + "' is neither region text (e.g. circle[[50pix,50pix],8pix]) nor an existing file");
    const bool casa_image = std::filesystem::is_directory(entry);
    const std::string text = casa_image ? "" : fileText(entry);
    if (!casa_image && text.rfind("SIMPLE", 0) != 0) {  // not FITS: a region file
      paintRegions(text, grid, mask);
      return;
    }
    auto values = readImagePlane(entry, grid.nx, grid.ny);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] > 0.0) mask[i] = 1;
  } catch (const std::exception& error) {
    std::string what = error.what();
    if (what.rfind("mask: ", 0) == 0) what = what.substr(6);
    throw ConfigError("key 'mask': " + what);
  }
}

}  // namespace

CleanMask CleanMask::fromSettings(const ImagingSettings& settings, const MaskGrid& grid,
                                  const deconvolution::Beam& beam, double psf_sidelobe) {
  CleanMask mask;
  mask.size_ = grid.nx * grid.ny;
  if (settings.usemask == MaskMode::AutoMultiThresh) {
    const double major_px = beam.major_rad / std::sqrt(grid.cell_x_rad * grid.cell_y_rad);
    const double minor_px = beam.minor_rad / std::sqrt(grid.cell_x_rad * grid.cell_y_rad);
    mask.automatic_ = std::make_shared<deconvolution::AutoMasker>(settings.automask, grid.nx, grid.ny, major_px,
                                                                 minor_px, beam.pa_rad, psf_sidelobe);
    spdlog::info("mask: auto-multithresh (beam {:.2f} x {:.2f} pixels, PSF sidelobe {:.3f})", major_px, minor_px,
                 psf_sidelobe);
  } else if (!settings.mask.empty()) {
    mask.user_ = std::make_unique<std::vector<std::uint8_t>>(mask.size_, 0);
    for (const auto& entry : settings.mask) addMaskEntry(entry, grid, *mask.user_);
    spdlog::info("mask: user, {} of {} pixels", mask.maskedPixels(), mask.size_);
    if (mask.maskedPixels() == 0) spdlog::warn("mask: the user mask selects no pixel; nothing will be cleaned");
  }
  return mask;
}

void CleanMask::update(std::span<const double> residual, int threads, bool cycle_threshold_was_global) {
  if (!automatic_) return;
  if (automatic_->stoppedUpdating()) return;
  auto r = automatic_->update(residual, threads, cycle_threshold_was_global);
  spdlog::info("auto-multithresh: rms {:.3g}, thresholds sidelobe {:.3g} noise {:.3g} low-noise {:.3g}{}; "
               "{} regions found, {} pruned; {} pixels in the mask",
               r.rms, r.sidelobe_threshold, r.noise_threshold, r.low_noise_threshold,
               r.negative_threshold > 0.0 ? fmt::format(" negative {:.3g}", r.negative_threshold) : std::string(),
               r.regions_found, r.regions_pruned, r.pixels_in_mask);
  if (r.stopped_updating) spdlog::info("auto-multithresh: the mask will not be updated again (tclean's stop rule)");
}

std::span<const std::uint8_t> CleanMask::pixels() const {
  if (user_) return *user_;
  if (automatic_) return automatic_->mask();
  return {};
}

std::size_t CleanMask::maskedPixels() const {
  auto p = pixels();
  return std::size_t(std::count_if(p.begin(), p.end(), [](std::uint8_t v) { return v != 0; }));
}

std::vector<double> CleanMask::asImage() const {
  auto p = pixels();
  std::vector<double> image(size_, 0.0);
  for (std::size_t i = 0; i < p.size(); ++i) image[i] = p[i] ? 1.0 : 0.0;
  return image;
}

std::optional<deconvolution::AutoMasker::State> CleanMask::automaticState() const {
  if (!automatic_) return std::nullopt;
  return automatic_->state();
}

void CleanMask::restoreAutomatic(deconvolution::AutoMasker::State state) {
  if (!automatic_) throw std::invalid_argument("the checkpoint holds an auto-multithresh mask, but usemask is not 'auto-multithresh'");
  automatic_->restore(std::move(state));
}

}  // namespace ptclean::imager
