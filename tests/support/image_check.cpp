#include "image_check.h"

#include <cmath>

namespace ptclean::testing {

DftComparison compareWithDft(const std::vector<double>& image, const std::vector<OracleSpw>& spws,
                             const gridding::ImageGeometry& geometry, bool with_w, bool measure_w_effect) {
  std::vector<gridding::VisibilityView> views;
  double sum_w = 0.0;
  for (const auto& s : spws) {
    views.push_back({s.uvw.size() / 3, s.freq.size(), s.uvw.data(), s.freq.data(), s.vis.data(), s.weight.data()});
    for (float w : s.weight) sum_w += w;
  }
  auto pixels = brightAndRandomPixels(image, geometry.nx, geometry.ny, 25, 300, 42);
  auto exact = dftDirty(views, geometry, pixels, with_w);
  DftComparison result;
  for (double& e : exact) e /= sum_w, result.peak = std::max(result.peak, std::abs(e));
  for (std::size_t i = 0; i < pixels.size(); ++i)
    result.max_error = std::max(result.max_error, std::abs(image[pixels[i].y * geometry.nx + pixels[i].x] - exact[i]));
  result.max_error /= result.peak;
  if (measure_w_effect) {
    auto flat = dftDirty(views, geometry, pixels, false);
    for (std::size_t i = 0; i < pixels.size(); ++i)
      result.w_effect = std::max(result.w_effect, std::abs(exact[i] - flat[i] / sum_w));
    result.w_effect /= result.peak;
  }
  return result;
}

}  // namespace ptclean::testing
