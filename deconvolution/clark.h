// Clark CLEAN: a Hogbom loop over only the brightest pixels with a PSF patch, then one exact
// subtraction of the new components from the whole residual.
#pragma once

#include "ptclean/deconvolution/deconvolver.h"

namespace ptclean::deconvolution {

class Clark : public Deconvolver {
 public:
  MinorCycleResult executeMajorIteration(const DeconvolutionImages& images,
                                         const MinorCycleSettings& settings) override;
  std::unique_ptr<Deconvolver> clone() const override { return std::make_unique<Clark>(*this); }

  static constexpr long kPatchHalfWidth = 64;  ///< PSF patch: 129 x 129 pixels around the centre
};

}  // namespace ptclean::deconvolution
