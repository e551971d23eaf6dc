// An independent reading of a MeasurementSet into Stokes I (cell by cell, no selection), used
// as the oracle for the imager's MS reader: I = (pp + qq) / 2, weight 4 / (1/w_pp + 1/w_qq),
// dropped if either hand or the row is flagged, and for autocorrelations. C++17-clean.
#pragma once

#include <complex>
#include <string>
#include <vector>

namespace ptclean::testing {

struct OracleSpw {
  std::vector<double> uvw;  ///< rows x 3
  std::vector<double> freq;
  std::vector<std::complex<float>> vis;  ///< rows x chans
  std::vector<float> weight;
};

std::vector<OracleSpw> readStokesIOracle(const std::string& ms_path, const std::string& column);

/// A FITS image's pixels (every plane: the channels of a cube) and the WCS keys the tests need.
struct FitsImage {
  long nx = 0, ny = 0;
  long planes = 1;             ///< NAXIS3 x NAXIS4
  std::vector<double> pixels;  ///< FITS order, plane after plane
  double crval1 = 0, crval2 = 0, cdelt1 = 0, cdelt2 = 0, crpix1 = 0, crpix2 = 0;
  std::string ctype1, ctype2, bunit;
  double bmaj = 0, bmin = 0, bpa = 0;
};

FitsImage readFits(const std::string& path);

}  // namespace ptclean::testing
