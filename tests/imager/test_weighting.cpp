// Uniform and Briggs weights against hand-computed values, and the uv taper.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "weighting.h"

using namespace ptclean::imager;

namespace {

constexpr double kC = 299792458.0;

/// Three samples at 1 Hz-equivalent wavelengths: two in the same uv-cell, one alone.
std::vector<SpwBlock> threeSamples() {
  SpwBlock block;
  block.freq_hz = {kC};  // uvw in metres = wavelengths
  // Image 100 x 1 arcmin-ish cells: uv-cell = 1 / (nx cell); put samples at cell centres.
  block.uvw_m = {10.0, 0.0, 0.0, 10.2, 0.1, 0.0, -40.0, 30.0, 0.0};
  block.vis.assign(3, {1.0f, 0.0f});
  block.weight = {1.0f, 3.0f, 2.0f};
  return {block};
}

}  // namespace

TEST(Weighting, UniformDividesByTheCellDensity) {
  auto blocks = threeSamples();
  WeightDensity density(100, 100, 0.01, 0.01);  // uv-cell = 1 wavelength
  density.add(blocks);
  density.apply(blocks, Weighting::Uniform, 0.0);
  // Samples 0 and 1 share a cell of density 4; sample 2 is alone (density 2).
  EXPECT_FLOAT_EQ(blocks[0].weight[0], 1.0f / 4.0f);
  EXPECT_FLOAT_EQ(blocks[0].weight[1], 3.0f / 4.0f);
  EXPECT_FLOAT_EQ(blocks[0].weight[2], 1.0f);
}

TEST(Weighting, BriggsFollowsCasasFormula) {
  for (double robust : {-1.0, 0.0, 0.5, 2.0}) {
    auto blocks = threeSamples();
    WeightDensity density(100, 100, 0.01, 0.01);
    density.add(blocks);
    density.apply(blocks, Weighting::Briggs, robust);
    // Cells (each sample also counts at -u,-v): two cells of 4, two cells of 2.
    const double sum_w2 = 2 * 16.0 + 2 * 4.0, sum_w = 2 * 6.0;
    const double f2 = std::pow(5.0 * std::pow(10.0, -robust), 2) / (sum_w2 / sum_w);
    EXPECT_NEAR(blocks[0].weight[0], 1.0 / (1.0 + 4.0 * f2), 1e-6) << robust;
    EXPECT_NEAR(blocks[0].weight[1], 3.0 / (1.0 + 4.0 * f2), 1e-6) << robust;
    EXPECT_NEAR(blocks[0].weight[2], 2.0 / (1.0 + 2.0 * f2), 1e-6) << robust;
  }
}

TEST(Weighting, NaturalLeavesWeightsAlone) {
  auto blocks = threeSamples();
  WeightDensity density(100, 100, 0.01, 0.01);
  density.add(blocks);
  density.apply(blocks, Weighting::Natural, 0.0);
  EXPECT_EQ(blocks[0].weight, (std::vector<float>{1.0f, 3.0f, 2.0f}));
  EXPECT_DOUBLE_EQ(sumOfWeights(blocks), 6.0);
}

TEST(Weighting, TaperHalvesTheWeightWhereItsTransformIsAtHalf) {
  auto blocks = threeSamples();
  // A Gaussian of image FWHM theta has uv FWHM 4 ln2 / (pi theta): at half that radius
  // the taper is 1/2.
  const double theta = 0.01;
  const double q_half = 2.0 * std::log(2.0) / (std::numbers::pi * theta);
  blocks[0].uvw_m = {q_half, 0.0, 0.0, 0.0, q_half, 0.0, 0.0, 0.0, 0.0};
  std::vector<double> taper{theta};
  applyUvTaper(blocks, taper);
  EXPECT_NEAR(blocks[0].weight[0], 0.5, 1e-6);
  EXPECT_NEAR(blocks[0].weight[1], 1.5, 1e-6);
  EXPECT_NEAR(blocks[0].weight[2], 2.0, 1e-6);
}
