// C++17 (includes casacore). split's and mstransform's `width`: every `width` channels of a spw
// become one, weighted by WEIGHT_SPECTRUM (or WEIGHT) over the unflagged channels; a bin with
// every channel flagged keeps the weighted mean of all of them, flagged. A last, partial bin
// averages the channels left. Output weights are the sums of the input weights that went in.
#pragma once

#include <map>

#include "spectral_transform.h"

namespace ptclean::imager {

class ChannelAverage : public SpectralTransform {
 public:
  /// `width_of_spw`: channels per bin for each spw of the output; spws absent keep `default_width`.
  ChannelAverage(std::map<int, int> width_of_spw, int default_width);
  ChannelAxis outputAxis(int spw, const ChannelAxis& in) const override;
  void begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights,
             bool has_weight_spectrum) override;
  casacore::Cube<casacore::Complex> data(const casacore::Cube<casacore::Complex>& in) const override;
  casacore::Cube<float> floatData(const casacore::Cube<float>& in) const override;
  casacore::Cube<bool> flags() const override { return out_flags_; }
  casacore::Cube<float> weightSpectrum() const override { return out_weights_; }

 private:
  template <typename T>
  casacore::Cube<T> average(const casacore::Cube<T>& in) const;
  int widthOf(int spw) const;

  std::map<int, int> width_of_spw_;
  int default_width_;
  int width_ = 1;  ///< of the current chunk's spw
  casacore::Cube<bool> in_flags_, out_flags_;
  casacore::Cube<float> in_weights_, out_weights_;
};

}  // namespace ptclean::imager
