#include "hanning_smooth.h"

#include <cmath>
#include <memory>

#include "ms_transform.h"

namespace ptclean::imager {

void HanningSmooth::begin(int, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights, bool) {
  const long ncorr = flags.shape()[0], nchan = flags.shape()[1], nrow = flags.shape()[2];
  out_flags_.resize(flags.shape());
  out_weights_.resize(weights.shape());
  for (long r = 0; r < nrow; ++r)
    for (long c = 0; c < nchan; ++c)
      for (long p = 0; p < ncorr; ++p) {
        if (c == 0 || c == nchan - 1) {
          out_flags_(p, c, r) = true;
          out_weights_(p, c, r) = weights(p, c, r);
          continue;
        }
        out_flags_(p, c, r) = flags(p, c - 1, r) || flags(p, c, r) || flags(p, c + 1, r);
        const float a = weights(p, c - 1, r), b = weights(p, c, r), d = weights(p, c + 1, r);
        out_weights_(p, c, r) =
            a > 0.0f && b > 0.0f && d > 0.0f ? 1.0f / (1.0f / (16.0f * a) + 1.0f / (4.0f * b) + 1.0f / (16.0f * d)) : 0.0f;
      }
  weight_ratio_.reference(medianWeightRatio(weights, out_weights_));
}

template <typename T>
casacore::Cube<T> HanningSmooth::smooth(const casacore::Cube<T>& in) const {
  const long ncorr = in.shape()[0], nchan = in.shape()[1], nrow = in.shape()[2];
  casacore::Cube<T> out(in.copy());
  for (long r = 0; r < nrow; ++r)
    for (long c = 1; c + 1 < nchan; ++c)
      for (long p = 0; p < ncorr; ++p)
        out(p, c, r) = 0.25f * in(p, c - 1, r) + 0.5f * in(p, c, r) + 0.25f * in(p, c + 1, r);
  return out;
}

casacore::Cube<casacore::Complex> HanningSmooth::data(const casacore::Cube<casacore::Complex>& in) const {
  return smooth(in);
}

casacore::Cube<float> HanningSmooth::floatData(const casacore::Cube<float>& in) const { return smooth(in); }

TransformFactory hanningSmoothing() {
  return [](const casacore::MeasurementSet&) -> std::shared_ptr<SpectralTransform> {
    return std::make_shared<HanningSmooth>();
  };
}

}  // namespace ptclean::imager
