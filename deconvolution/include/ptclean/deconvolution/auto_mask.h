// tclean's usemask='auto-multithresh' (Kepley et al. 2020, PASP 132, 024505): a clean mask made
// from the residual at the start of every minor cycle, and grown from one cycle to the next.
//
//   AutoMasker masker(settings, nx, ny, beam_major_px, beam_minor_px, beam_pa_rad, psfSidelobe(psf, nx, ny));
//   while (...) {                                   // once per major cycle, before the minor cycle
//     AutoMaskUpdate u = masker.update(residual, threads);
//     ... minor cycle with DeconvolutionImages::mask = masker.mask() ...
//   }
//
// Each update: the noise (1.4826 x MAD) and median of the residual set the thresholds; pixels above
// the mask threshold form regions, the regions smaller than minbeamfrac beams are pruned, and the
// rest are smoothed with the beam and cut at cutthreshold of the smoothed peak. From the second
// update on, the previous mask also grows by binary dilation into the pixels above the low-noise
// threshold (then pruned, smoothed and cut the same way). With negativethreshold > 0, pixels where
// -residual exceeds the negative threshold are masked too (smoothed and cut, never pruned or grown).
// The new mask is the union of the previous mask with these. Regions and dilation use
// 4-connectivity, as CASA's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ptclean::deconvolution {

namespace mask_ops {
class GaussianSmoother;
}

/// tclean's auto-multithresh parameters, with tclean's names and defaults.
struct AutoMaskSettings {
  double sidelobethreshold = 3.0;  ///< x PSF sidelobe level x peak |residual|
  double noisethreshold = 5.0;     ///< x rms, + median
  double lownoisethreshold = 1.5;  ///< x rms, + median: where the mask may grow
  double negativethreshold = 0.0;  ///< x rms: mask residual below -this (+ median); 0 = off
  double smoothfactor = 1.0;       ///< smoothing Gaussian, in units of the beam (> 0)
  double minbeamfrac = 0.3;        ///< prune regions smaller than this x beam area; 0 = no pruning
  double cutthreshold = 0.01;      ///< keep smoothed-mask pixels above this x its peak, in [0, 1)
  int growiterations = 75;         ///< binary-dilation steps per cycle; 0 = no growing
  bool dogrowprune = true;         ///< prune the grown mask
  double minpercentchange = -1.0;  ///< stop updating when the mask changes by less (in %); < 0 = off
  bool fastnoise = true;           ///< noise from the whole image; false: outside the mask, or Chauvenet-clipped
  void validate() const;           ///< throws std::invalid_argument naming the bad key
};

/// What one update found, for the log (tclean's verbose automask summary). Thresholds are in the
/// residual's units and include the median, as tclean's do; negative_threshold applies to -residual
/// (tclean masks residual < -max(...) + median) and stays 0 while negativethreshold is 0.
struct AutoMaskUpdate {
  double median = 0.0, rms = 0.0, peak = 0.0;  ///< rms = 1.4826 x MAD; peak = max |residual|
  double sidelobe_threshold = 0.0;             ///< sidelobethreshold x sidelobe level x peak + median
  double noise_threshold = 0.0;                ///< noisethreshold x rms + median
  double low_noise_threshold = 0.0;            ///< lownoisethreshold x rms + median
  double negative_threshold = 0.0;             ///< on -residual: max(sidelobe part, negativethreshold x rms) - median
  bool noise_limited = false;                  ///< the noise threshold, not the sidelobe one, set the mask threshold
  std::size_t regions_found = 0, regions_pruned = 0;            ///< above the mask threshold
  std::size_t grow_regions_found = 0, grow_regions_pruned = 0;  ///< of the grown mask
  std::size_t negative_pixels = 0;                              ///< in the negative mask of this update
  std::size_t pixels_in_mask = 0;                               ///< in the whole mask after the update
  bool stopped_updating = false;  ///< no later update changes the mask (if it had already stopped, only
                                  ///< this and pixels_in_mask are filled in)

  double maskThreshold() const { return noise_limited ? noise_threshold : sidelobe_threshold; }
  double growThreshold() const {
    return low_noise_threshold > sidelobe_threshold ? low_noise_threshold : sidelobe_threshold;
  }
};

class AutoMasker {
 public:
  /// Beam FWHMs in pixels; pa as Beam's (east of north, with x pointing west: restore()'s convention).
  /// psf_sidelobe_level: psfSidelobe() of the PSF (peak 1). Throws std::invalid_argument on bad input.
  AutoMasker(const AutoMaskSettings& settings, std::size_t nx, std::size_t ny, double beam_major_px,
             double beam_minor_px, double beam_pa_rad, double psf_sidelobe_level);
  ~AutoMasker();
  AutoMasker(AutoMasker&&) noexcept;
  AutoMasker& operator=(AutoMasker&&) noexcept;

  /// Updates the mask from this major cycle's residual (nx*ny, FITS order). cycle_threshold_reached:
  /// the last minor cycle's threshold was the global one, which tclean requires before
  /// minpercentchange may stop the updates. The mask is the same for every thread count.
  AutoMaskUpdate update(std::span<const double> residual, int threads, bool cycle_threshold_reached = true);

  /// One byte per pixel, FITS order, 1 = clean here; all zero before the first update.
  std::span<const std::uint8_t> mask() const { return mask_; }
  bool stoppedUpdating() const { return stopped_; }

  /// What the masker carries from one update to the next (a checkpoint saves it).
  struct State {
    std::vector<std::uint8_t> mask;
    long updates = 0;
    bool stopped = false;
  };
  State state() const { return {mask_, updates_, stopped_}; }
  /// Continues from a saved state; throws std::invalid_argument when the mask's size differs.
  void restore(State state);

 private:
  AutoMaskSettings settings_;
  std::size_t nx_, ny_;
  double prune_pixels_;  ///< minbeamfrac x beam area in pixels
  double sidelobe_level_;
  std::unique_ptr<mask_ops::GaussianSmoother> smoother_;
  std::vector<std::uint8_t> mask_;
  long updates_ = 0;
  bool stopped_ = false;
};

}  // namespace ptclean::deconvolution
