// The mask that limits where the minor cycle acts: none, the user's (regions and mask images,
// built once) or tclean's auto-multithresh (updated before every minor cycle). Rank 0 only.
//
//   CleanMask mask = CleanMask::fromSettings(settings, grid, beam, psf_sidelobe);
//   mask.update(residual, threads);           // auto-multithresh: grows; otherwise nothing
//   clean->executeMajorIteration({..., mask.pixels()}, ...);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "imaging_settings.h"
#include "mask_region.h"
#include "ptclean/deconvolution/auto_mask.h"
#include "ptclean/deconvolution/beam.h"

namespace ptclean::imager {

class CleanMask {
 public:
  /// Throws ConfigError naming key 'mask' and the bad entry.
  static CleanMask fromSettings(const ImagingSettings& settings, const MaskGrid& grid,
                                const deconvolution::Beam& beam, double psf_sidelobe);

  /// Before each minor cycle: auto-multithresh recomputes and logs; a user mask stays.
  /// `cycle_threshold_was_global`: the last minor cycle ran to the global threshold, which tclean
  /// requires before minpercentchange may stop the updates.
  void update(std::span<const double> residual, int threads, bool cycle_threshold_was_global);
  /// Empty when there is no mask (clean everywhere).
  std::span<const std::uint8_t> pixels() const;
  bool active() const { return user_ || automatic_; }
  std::size_t maskedPixels() const;
  /// The mask as 0/1 values for the `.mask` output.
  std::vector<double> asImage() const;
  /// auto-multithresh's state between updates (empty for a user mask or none), for checkpoints.
  std::optional<deconvolution::AutoMasker::State> automaticState() const;
  /// Throws std::invalid_argument when this mask is not automatic or the sizes differ.
  void restoreAutomatic(deconvolution::AutoMasker::State state);

 private:
  std::size_t size_ = 0;
  std::unique_ptr<std::vector<std::uint8_t>> user_;
  std::shared_ptr<deconvolution::AutoMasker> automatic_;
};

}  // namespace ptclean::imager
