// C++17-clean (its implementation includes casacore, whose 3.5 headers do not build as C++20).
// Writes images as tclean names them, both as CASA images and as FITS, all or nothing.
//
//   OutputSet out("run1");                       // refuses if any run1.* output exists
//   out.add("psf", meta, psf_pixels);            // staged under a temporary name
//   out.add("residual", meta, residual_pixels);
//   out.commit();                                // renames run1.psf, run1.psf.fits, ... into place
//   // If commit() is never reached (exception), the destructor removes every staged file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ptclean/deconvolution/beam.h"

namespace ptclean::imager {

struct ImageMetadata {
  std::size_t nx = 0, ny = 0;
  double cell_x_rad = 0.0, cell_y_rad = 0.0;  ///< both > 0; RA grows towards smaller x
  double ra_rad = 0.0, dec_rad = 0.0;          ///< phase centre, J2000, at pixel (nx/2, ny/2) 0-based
  double ref_freq_hz = 0.0, bandwidth_hz = 0.0;  ///< for a cube: the first channel's centre, unused
  std::size_t nchan = 1;                         ///< channels of a cube (then Stokes I only)
  double channel_width_hz = 0.0;                 ///< a cube's channel increment
  std::string spectral_frame = "TOPO";           ///< TOPO, LSRK or BARY
  double rest_freq_hz = 0.0;                     ///< 0: none
  std::vector<deconvolution::Beam> channel_beams;  ///< one per channel, or empty for `beam`
  std::string stokes = "I";
  std::string units = "Jy/beam";
  std::optional<deconvolution::Beam> beam;
  std::string telescope, object;
  double obs_time_mjd_s = 0.0;                 ///< start of observation, MJD seconds (UTC)
  std::vector<std::string> history;            ///< e.g. the config, one line each
};

class OutputSet {
 public:
  /// Throws std::runtime_error naming the first existing output of `imagename`.
  explicit OutputSet(std::string imagename, std::vector<std::string> suffixes = {
      "psf", "residual", "image", "model", "sumwt", "pb", "mask", "image.pbcor", "psf.tt0", "psf.tt1", "psf.tt2",
      "psf.tt3", "psf.tt4", "residual.tt0", "residual.tt1", "residual.tt2", "model.tt0", "model.tt1", "model.tt2",
      "image.tt0", "image.tt1", "image.tt2", "alpha", "alpha.error"});
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  /// Writes `<imagename>.<suffix>` (CASA image) and `<imagename>.<suffix>.fits`, staged.
  /// pixels: nx*ny values (x fastest) per Stokes plane, or per channel of a cube (nchan planes,
  /// the first channel first). A 1x1 image (sumwt) is fine.
  void add(const std::string& suffix, const ImageMetadata& meta, const std::vector<double>& pixels);
  /// Moves every staged output into place.
  std::vector<std::string> commit();

 private:
  std::string imagename_;
  std::vector<std::pair<std::string, std::string>> staged_;  ///< (temporary, final)
  bool committed_ = false;
};

}  // namespace ptclean::imager
