// An elliptical Gaussian beam (restoring beam). C++17-clean: the image writers include it.
#pragma once

namespace ptclean::deconvolution {

struct Beam {
  double major_rad = 0.0;  ///< FWHM of the major axis
  double minor_rad = 0.0;  ///< FWHM of the minor axis
  double pa_rad = 0.0;     ///< position angle of the major axis, east of north, in (-pi/2, pi/2]
};

}  // namespace ptclean::deconvolution
