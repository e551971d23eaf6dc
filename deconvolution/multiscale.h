// Multi-scale CLEAN (Cornwell 2008, as tclean's 'multiscale'): components are tapered paraboloids
// of several sizes, chosen by the peak of the residual smoothed to each scale, with the scale
// bias of tclean's `smallscalebias`.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"

namespace ptclean::deconvolution {

struct MultiscalePsfTerms;

class Multiscale : public Deconvolver {
 public:
  Multiscale(std::vector<double> scales, double smallscalebias);
  MinorCycleResult executeMajorIteration(const DeconvolutionImages& images,
                                         const MinorCycleSettings& settings) override;
  std::unique_ptr<Deconvolver> clone() const override { return std::make_unique<Multiscale>(*this); }

 private:
  using Allowed = std::vector<std::vector<std::uint8_t>>;
  /// Makes the PSF terms and the allowed component centres, unless those of the last call still
  /// hold (same PSF values and size; same mask).
  void prepare(const DeconvolutionImages& images, int threads);

  std::vector<double> scales_;  ///< as given; empty = chosen from the PSF
  double smallscalebias_;
  // Caches, immutable once made, so that clones may share them.
  std::shared_ptr<const MultiscalePsfTerms> terms_;
  std::shared_ptr<const Allowed> allowed_;
  std::vector<std::uint8_t> allowed_mask_;  ///< the mask allowed_ was made for (empty: none)
};

}  // namespace ptclean::deconvolution
