// Clark CLEAN, in the form WSClean and CASA use it: a Hogbom loop over only the brightest pixels
// (the PSF read at just their offsets), then one exact subtraction of the pass's components from
// the whole residual (an FFT convolution), repeated until the cycle threshold. A component costs
// the selected pixels, not the image: 5000 components on 2048^2 take seconds instead of minutes.
#pragma once

#include <memory>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"

namespace ptclean::deconvolution {

class PsfConvolution;
struct PointComponent;

class Clark : public Deconvolver {
 public:
  MinorCycleResult executeMajorIteration(const DeconvolutionImages& images,
                                         const MinorCycleSettings& settings) override;
  std::unique_ptr<Deconvolver> clone() const override { return std::make_unique<Clark>(*this); }

 private:
  /// Subtracts a pass's components from the residual: directly for a few, else by convolution.
  void subtractPass(const DeconvolutionImages& images, const std::vector<PointComponent>& components,
                    int threads);
  std::shared_ptr<const PsfConvolution> convolution_;
  std::vector<float> psf_values_;  ///< made on first need; immutable, shared by clones
};

}  // namespace ptclean::deconvolution
