#include "spectral_transform.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ptclean::imager {
namespace {

float medianOver(const casacore::Cube<float>& cube, long corr, long row) {
  std::vector<float> values(std::size_t(cube.shape()[1]));
  for (std::size_t c = 0; c < values.size(); ++c) values[c] = cube(corr, long(c), row);
  if (values.empty()) return 0.0f;
  auto middle = values.begin() + long(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace

casacore::Matrix<float> medianWeightRatio(const casacore::Cube<float>& in, const casacore::Cube<float>& out) {
  casacore::Matrix<float> ratio(in.shape()[0], in.shape()[2]);
  for (long r = 0; r < in.shape()[2]; ++r)
    for (long p = 0; p < in.shape()[0]; ++p) {
      const float a = medianOver(in, p, r), b = medianOver(out, p, r);
      ratio(p, r) = a > 0.0f && b > 0.0f ? b / a : 1.0f;
    }
  return ratio;
}

casacore::Matrix<float> scaledWeights(const casacore::Matrix<float>& weight, const casacore::Matrix<float>& ratio) {
  casacore::Matrix<float> out(weight.shape());
  for (long r = 0; r < weight.shape()[1]; ++r)
    for (long p = 0; p < weight.shape()[0]; ++p) out(p, r) = weight(p, r) * ratio(p, r);
  return out;
}

casacore::Matrix<float> scaledSigmas(const casacore::Matrix<float>& sigma, const casacore::Matrix<float>& ratio) {
  casacore::Matrix<float> out(sigma.shape());
  for (long r = 0; r < sigma.shape()[1]; ++r)
    for (long p = 0; p < sigma.shape()[0]; ++p) out(p, r) = sigma(p, r) / std::sqrt(ratio(p, r));
  return out;
}

casacore::Matrix<float> SpectralTransform::weight(const casacore::Matrix<float>& in) const {
  return scaledWeights(in, weight_ratio_);
}

casacore::Matrix<float> SpectralTransform::sigma(const casacore::Matrix<float>& in) const {
  return scaledSigmas(in, weight_ratio_);
}

}  // namespace ptclean::imager
