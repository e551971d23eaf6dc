// C++17-clean (its implementation includes casacore measures). Frequencies from the frame an
// MS stores them in (TOPO) to a cube's outframe, with casacore's MFrequency conversion: the
// observatory is the mean of the ANTENNA positions, the direction the image's phase centre,
// the epoch each row's TIME. The conversion is a Doppler factor, f_out = f_topo x factor(t).
#pragma once

#include <map>
#include <memory>
#include <string>

namespace ptclean::imager {

class FrameConversion {
 public:
  /// `outframe`: TOPO, LSRK, BARY (also LSRD, GEO, GALACTO, LGROUP, CMB). Throws naming a bad
  /// frame, or an MS whose ANTENNA table cannot place the observatory.
  FrameConversion(const std::string& ms_path, double ra_rad, double dec_rad, const std::string& outframe);
  ~FrameConversion();
  FrameConversion(FrameConversion&&) noexcept;
  FrameConversion& operator=(FrameConversion&&) noexcept;

  /// f_out / f_topo at `time_s` (MJD seconds, UTC, as the TIME column). Cached per time.
  double factor(double time_s) const;
  bool identity() const { return identity_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool identity_ = false;
  mutable std::map<double, double> cache_;
};

}  // namespace ptclean::imager
