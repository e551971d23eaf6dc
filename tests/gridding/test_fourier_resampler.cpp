// Small inversion's interpolation over the grid's period: exact for band-limited images, and
// downsample is exactly upsample's adjoint.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "../../gridding/fourier_resampler.h"

using ptclean::gridding::FourierResampler;
using ptclean::gridding::ResampleShape;

namespace {

/// A real trigonometric polynomial over the period with frequencies |kx| < coarse_nx/2,
/// |ky| < coarse_ny/2, evaluated at a position given in fine pixels from the centre.
struct BandLimited {
  struct Term { int kx, ky; double amplitude, phase; };
  std::vector<Term> terms;
  double px, py;  // period in fine pixels
  double at(double x, double y) const {
    double sum = 0.0;
    for (const auto& t : terms)
      sum += t.amplitude * std::cos(2.0 * std::numbers::pi * (t.kx * x / px + t.ky * y / py) + t.phase);
    return sum;
  }
};

BandLimited randomBandLimited(const ResampleShape& s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> kx(-int(s.coarse_nx / 2) + 1, int(s.coarse_nx / 2) - 1);
  std::uniform_int_distribution<int> ky(-int(s.coarse_ny / 2) + 1, int(s.coarse_ny / 2) - 1);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  BandLimited f{{}, double(s.period_nx), double(s.period_ny)};
  for (int i = 0; i < 40; ++i) f.terms.push_back({kx(rng), ky(rng), uni(rng), 6.0 * uni(rng)});
  f.terms.push_back({int(s.coarse_nx / 2) - 1, int(s.coarse_ny / 2) - 1, 1.0, 0.3});  // the band's edge
  return f;
}

const ResampleShape kShapes[] = {
    {24, 20, 64, 60, 40, 36},   // even image inside the period
    {30, 16, 90, 48, 45, 31},   // odd image sizes
    {40, 40, 40, 40, 40, 40},   // no interpolation at all
};

}  // namespace

TEST(FourierResampler, UpsampleInterpolatesBandLimitedImagesExactly) {
  for (const auto& s : kShapes) {
    const BandLimited f = randomBandLimited(s, 3);
    std::vector<double> coarse(s.coarse_nx * s.coarse_ny), fine(s.nx * s.ny);
    const double step_x = double(s.period_nx) / double(s.coarse_nx), step_y = double(s.period_ny) / double(s.coarse_ny);
    for (std::size_t y = 0; y < s.coarse_ny; ++y)
      for (std::size_t x = 0; x < s.coarse_nx; ++x)
        coarse[y * s.coarse_nx + x] = f.at((double(x) - double(s.coarse_nx / 2)) * step_x,
                                           (double(y) - double(s.coarse_ny / 2)) * step_y);
    for (int threads : {1, 2}) {
      FourierResampler resampler(s, threads);
      resampler.upsample(coarse, fine);
      double worst = 0.0;
      for (std::size_t y = 0; y < s.ny; ++y)
        for (std::size_t x = 0; x < s.nx; ++x)
          worst = std::max(worst, std::abs(fine[y * s.nx + x] - f.at(double(x) - double(s.nx / 2),
                                                                     double(y) - double(s.ny / 2))));
      EXPECT_LE(worst, 1e-11) << s.coarse_nx << "x" << s.coarse_ny << " -> " << s.nx << "x" << s.ny;
    }
  }
}

TEST(FourierResampler, DownsampleIsTheAdjointOfUpsample) {
  for (const auto& s : kShapes) {
    std::mt19937 rng(5);
    std::normal_distribution<double> normal;
    std::vector<double> coarse(s.coarse_nx * s.coarse_ny), fine(s.nx * s.ny);
    for (double& c : coarse) c = normal(rng);
    for (double& f : fine) f = normal(rng);
    FourierResampler resampler(s, 2);
    std::vector<double> up(fine.size()), down(coarse.size());
    resampler.upsample(coarse, up);
    resampler.downsample(fine, down);
    double lhs = 0.0, rhs = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < fine.size(); ++i) lhs += up[i] * fine[i], scale += std::abs(up[i] * fine[i]);
    for (std::size_t i = 0; i < coarse.size(); ++i) rhs += coarse[i] * down[i];
    EXPECT_LE(std::abs(lhs - rhs), 1e-12 * scale) << s.coarse_nx << "x" << s.coarse_ny;
  }
}

TEST(FourierResampler, InconsistentSizesAreRefused) {
  EXPECT_THROW(FourierResampler({25, 20, 64, 60, 40, 36}, 1), std::logic_error);  // odd coarse size
  EXPECT_THROW(FourierResampler({24, 20, 64, 60, 70, 36}, 1), std::logic_error);  // image beyond the period
}
