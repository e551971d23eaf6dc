// A normalised dirty image against an exact DFT of the oracle's samples, at its brightest and at
// random pixels: the check every imaging test makes.
#pragma once

#include <vector>

#include "dft.h"
#include "ms_oracle.h"

namespace ptclean::testing {

struct DftComparison {
  double max_error = 0.0;  ///< max |image - DFT| / peak of the DFT
  double peak = 0.0;
  double w_effect = 0.0;   ///< max |DFT - DFT without w| / peak, when asked for
};

DftComparison compareWithDft(const std::vector<double>& image, const std::vector<OracleSpw>& spws,
                             const gridding::ImageGeometry& geometry, bool with_w,
                             bool measure_w_effect = false);

}  // namespace ptclean::testing
