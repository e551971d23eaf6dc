// Every CLEAN algorithm on the same point sources: the model recovers them and the residual
// falls to the threshold.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>

#include "ptclean/deconvolution/deconvolver.h"

using namespace ptclean::deconvolution;

namespace {

constexpr std::size_t kN = 128;

/// A PSF with a Gaussian main lobe and a ring of sidelobes (10%, both signs), peak 1 at the centre.
std::vector<double> makePsf(double sidelobes = 0.1) {
  std::vector<double> psf(kN * kN);
  for (std::size_t y = 0; y < kN; ++y)
    for (std::size_t x = 0; x < kN; ++x) {
      const double dx = double(x) - kN / 2, dy = double(y) - kN / 2, r = std::hypot(dx, dy);
      psf[y * kN + x] = std::exp(-r * r / (2 * 2.0 * 2.0)) +
                        sidelobes * std::sin(2 * std::numbers::pi * r / 9.0) * std::exp(-r * r / (2 * 20.0 * 20.0));
    }
  return psf;
}

struct Source {
  std::size_t x, y;
  double flux;
};

const std::vector<Source> kSources = {{64, 64, 1.0}, {40, 80, 0.5}, {90, 30, -0.2}, {70, 100, 0.8}};

std::vector<double> dirtyImage(const std::vector<double>& psf) {
  std::vector<double> dirty(kN * kN, 0.0);
  for (const auto& s : kSources)
    for (std::size_t y = 0; y < kN; ++y)
      for (std::size_t x = 0; x < kN; ++x) {
        const long px = long(x) - long(s.x) + kN / 2, py = long(y) - long(s.y) + kN / 2;
        if (px >= 0 && py >= 0 && px < long(kN) && py < long(kN)) dirty[y * kN + x] += s.flux * psf[py * kN + px];
      }
  return dirty;
}

}  // namespace

class EveryAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryAlgorithm, RecoversPointSourcesAndReachesTheThreshold) {
  const auto psf = makePsf();
  for (int threads : {1, 2}) {
    auto residual = dirtyImage(psf);
    std::vector<double> model(kN * kN, 0.0);
    auto clean = makeDeconvolver({algorithmFromName(GetParam())});
    MinorCycleResult result =
        clean->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 5000, 1e-3, threads});
    EXPECT_TRUE(result.reached_threshold) << GetParam();
    EXPECT_FALSE(result.diverging);
    EXPECT_NEAR(result.start_peak, 1.0, 0.1);
    EXPECT_LE(result.final_peak, 1e-3 + 1e-12);
    double peak = 0;
    for (double r : residual) peak = std::max(peak, std::abs(r));
    EXPECT_LE(peak, 1e-3 + 1e-12);
    double total = 0;
    for (double m : model) total += m;
    double expected_total = 0;
    for (const auto& s : kSources) {
      expected_total += s.flux;
      double near = 0;  // model flux within 1 pixel of the source
      for (long dy = -1; dy <= 1; ++dy)
        for (long dx = -1; dx <= 1; ++dx) near += model[(s.y + dy) * kN + s.x + dx];
      EXPECT_NEAR(near, s.flux, 0.01 * std::abs(s.flux) + 2e-3) << GetParam() << " source at " << s.x << "," << s.y;
      EXPECT_NEAR(model[s.y * kN + s.x], s.flux, 0.02 * std::abs(s.flux) + 2e-3) << "flux should sit on the pixel";
    }
    EXPECT_NEAR(total, expected_total, 0.01);
  }
}

TEST_P(EveryAlgorithm, StopsAtTheIterationBudget) {
  const auto psf = makePsf();
  auto residual = dirtyImage(psf);
  std::vector<double> model(kN * kN, 0.0);
  auto clean = makeDeconvolver({algorithmFromName(GetParam())});
  auto result = clean->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 7, 0.0, 1});
  EXPECT_EQ(result.iterations, 7);
  EXPECT_FALSE(result.reached_threshold);
  auto copy = clean->clone();
  EXPECT_NE(copy, nullptr);
}

TEST_P(EveryAlgorithm, CleansOnlyInsideTheMask) {
  // A Gaussian PSF: the ring's transform has negative parts, and with sources left outside the
  // mask (whose sidelobes inside it are not point-like) CLEAN with such a PSF diverges.
  const auto psf = makePsf(0.0);
  auto residual = dirtyImage(psf);
  std::vector<double> model(kN * kN, 0.0);
  // A box around the source at (40, 80) only: the others (brighter) stay in the residual.
  std::vector<std::uint8_t> mask(kN * kN, 0);
  for (std::size_t y = 74; y <= 86; ++y)
    for (std::size_t x = 34; x <= 46; ++x) mask[y * kN + x] = 1;
  auto clean = makeDeconvolver({algorithmFromName(GetParam())});
  DeconvolutionImages images{kN, kN, residual, model, psf, mask};
  auto result = clean->executeMajorIteration(images, {0.1, 5000, 1e-3, 2});
  EXPECT_TRUE(result.reached_threshold) << GetParam();
  double inside = 0.0, outside = 0.0;
  for (std::size_t i = 0; i < model.size(); ++i) (mask[i] ? inside : outside) += std::abs(model[i]);
  EXPECT_EQ(outside, 0.0);
  EXPECT_NEAR(inside, 0.5, 0.03) << "the masked source's flux (plus the others' sidelobes there)";
  EXPECT_GT(std::abs(residual[64 * kN + 64]), 0.9) << "the source outside the mask is untouched";
  for (std::size_t i = 0; i < residual.size(); ++i)
    if (mask[i]) EXPECT_LE(std::abs(residual[i]), 1e-3 + 1e-12);
}

TEST(Deconvolution, AnEmptyMaskCleansNothing) {
  const auto psf = makePsf();
  auto residual = dirtyImage(psf);
  const auto dirty = residual;
  std::vector<double> model(kN * kN, 0.0);
  std::vector<std::uint8_t> mask(kN * kN, 0);
  for (const char* name : {"hogbom", "clark"}) {
    auto result = makeDeconvolver({algorithmFromName(name)})
                      ->executeMajorIteration({kN, kN, residual, model, psf, mask}, {0.1, 100, 1e-3, 1});
    EXPECT_EQ(result.iterations, 0) << name;
    EXPECT_TRUE(result.reached_threshold) << name << ": nothing left to clean inside the mask";
    EXPECT_EQ(residual, dirty);
  }
}

INSTANTIATE_TEST_SUITE_P(Deconvolution, EveryAlgorithm, ::testing::Values("hogbom", "clark"));

TEST(Deconvolution, UnknownAlgorithmIsNamed) {
  try {
    algorithmFromName("mem");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'mem'"), std::string::npos);
  }
}
