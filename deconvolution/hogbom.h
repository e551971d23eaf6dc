// Hogbom CLEAN: subtract a scaled, shifted PSF at the peak of the residual, again and again.
#pragma once

#include "ptclean/deconvolution/deconvolver.h"

namespace ptclean::deconvolution {

class Hogbom : public Deconvolver {
 public:
  MinorCycleResult executeMajorIteration(const DeconvolutionImages& images,
                                         const MinorCycleSettings& settings) override;
  std::unique_ptr<Deconvolver> clone() const override { return std::make_unique<Hogbom>(*this); }
};

}  // namespace ptclean::deconvolution
