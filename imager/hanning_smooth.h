// C++17 (includes casacore). hanningsmooth: each channel becomes 0.25, 0.5, 0.25 of itself and
// its neighbours. A smoothed channel is flagged when any channel that went into it was; the
// first and last channels, which lack a neighbour, are flagged and keep their values. Weights
// follow the variance of the weighted sum: 1 / (1/(16 w[c-1]) + 1/(4 w[c]) + 1/(16 w[c+1])).
#pragma once

#include "spectral_transform.h"

namespace ptclean::imager {

class HanningSmooth : public SpectralTransform {
 public:
  void begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights,
             bool has_weight_spectrum) override;
  casacore::Cube<casacore::Complex> data(const casacore::Cube<casacore::Complex>& in) const override;
  casacore::Cube<float> floatData(const casacore::Cube<float>& in) const override;
  casacore::Cube<bool> flags() const override { return out_flags_; }
  casacore::Cube<float> weightSpectrum() const override { return out_weights_; }

 private:
  template <typename T>
  casacore::Cube<T> smooth(const casacore::Cube<T>& in) const;

  casacore::Cube<bool> out_flags_;
  casacore::Cube<float> out_weights_;
};

}  // namespace ptclean::imager
