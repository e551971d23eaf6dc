// Multi-scale CLEAN: point sources, an extended source, thread independence, masks, cached PSF
// terms across calls, and a residual that is exactly the dirty image minus PSF * model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"
#include "../../deconvolution/multiscale_kernels.h"

using namespace ptclean::deconvolution;

namespace {

/// A Gaussian main lobe (sigma 2 px, FWHM 4.71 px) and a ring of sidelobes (10%, both signs),
/// peak 1 at the centre, as in test_deconvolvers.cpp.
std::vector<double> makePsf(std::size_t nx, std::size_t ny) {
  std::vector<double> psf(nx * ny);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double dx = double(x) - double(nx / 2), dy = double(y) - double(ny / 2), r = std::hypot(dx, dy);
      psf[y * nx + x] = std::exp(-r * r / (2 * 2.0 * 2.0)) +
                        0.1 * std::sin(2 * std::numbers::pi * r / 9.0) * std::exp(-r * r / (2 * 20.0 * 20.0));
    }
  return psf;
}

/// A PSF whose transform is non-negative, as a real one is (the transform of the weights): a
/// Gaussian main lobe and a J0 ring pattern of period 9 px under a Gaussian envelope (the transform
/// of a ring of uv samples), 10% sidelobes, peak 1 at the centre; a wider envelope gives far
/// sidelobes (1% at 128 px for 100 px). CLEAN converges on extended
/// emission with it; with the ring PSF above, whose transform has negative parts, even Hogbom
/// does not.
std::vector<double> makePositivePsf(std::size_t nx, std::size_t ny, double envelope = 15.0) {
  std::vector<double> psf(nx * ny);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double dx = double(x) - double(nx / 2), dy = double(y) - double(ny / 2), r = std::hypot(dx, dy);
      psf[y * nx + x] = 0.7 * std::exp(-r * r / (2 * 2.0 * 2.0)) +
                        0.3 * std::cyl_bessel_j(0.0, 2 * std::numbers::pi * r / 9.0) * std::exp(-r * r / (2 * envelope * envelope));
    }
  return psf;
}

/// PSF * sky, the PSF cut at the image's edges (what the residual update must reproduce).
std::vector<double> convolve(const std::vector<double>& psf, const std::vector<double>& sky, std::size_t nx,
                             std::size_t ny) {
  std::vector<double> out(nx * ny, 0.0);
  for (std::size_t p = 0; p < sky.size(); ++p) {
    if (sky[p] == 0.0) continue;
    const long dx = long(nx / 2) - long(p % nx), dy = long(ny / 2) - long(p / nx);
    for (long y = std::max(0L, -dy); y < std::min(long(ny), long(ny) - dy); ++y)
      for (long x = std::max(0L, -dx); x < std::min(long(nx), long(nx) - dx); ++x)
        out[std::size_t(y) * nx + std::size_t(x)] += sky[p] * psf[std::size_t(y + dy) * nx + std::size_t(x + dx)];
  }
  return out;
}

struct Point {
  std::size_t x, y;
  double flux;
};

void addPoints(std::vector<double>& sky, std::size_t nx, const std::vector<Point>& points) {
  for (const auto& p : points) sky[p.y * nx + p.x] += p.flux;
}

/// A circular Gaussian of total flux `flux` (pixel sum) and FWHM `fwhm` pixels.
void addGaussian(std::vector<double>& sky, std::size_t nx, std::size_t ny, double cx, double cy, double fwhm,
                 double flux) {
  const double sigma = fwhm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
  std::vector<double> g(nx * ny);
  double sum = 0.0;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
      if (r2 < 36 * sigma * sigma) sum += g[y * nx + x] = std::exp(-r2 / (2 * sigma * sigma));
    }
  for (std::size_t i = 0; i < g.size(); ++i) sky[i] += flux * g[i] / sum;
}

double sumWithin(const std::vector<double>& image, std::size_t nx, double cx, double cy, double radius) {
  double sum = 0.0;
  for (std::size_t i = 0; i < image.size(); ++i) {
    const double dx = double(i % nx) - cx, dy = double(i / nx) - cy;
    if (dx * dx + dy * dy <= radius * radius) sum += image[i];
  }
  return sum;
}

double peakAbs(const std::vector<double>& image) {
  double peak = 0.0;
  for (double v : image) peak = std::max(peak, std::abs(v));
  return peak;
}

double rms(const std::vector<double>& image) {
  double sum = 0.0;
  for (double v : image) sum += v * v;
  return std::sqrt(sum / double(image.size()));
}

/// max |residual - (dirty - PSF * model)| over the peak of the dirty image, on every
/// `stride`-th pixel (PSF * model summed directly over the model's non-zero pixels).
double residualMismatch(const std::vector<double>& psf, const std::vector<double>& dirty,
                        const std::vector<double>& model, const std::vector<double>& residual, std::size_t nx,
                        std::size_t ny, std::size_t stride = 1) {
  std::vector<std::size_t> nonzero;
  for (std::size_t p = 0; p < model.size(); ++p)
    if (model[p] != 0.0) nonzero.push_back(p);
  double worst = 0.0;
  for (std::size_t i = 0; i < residual.size(); i += stride) {
    const long x = long(i % nx), y = long(i / nx);
    double predicted = 0.0;
    for (std::size_t p : nonzero) {
      const long px = x - long(p % nx) + long(nx / 2), py = y - long(p / nx) + long(ny / 2);
      if (px >= 0 && py >= 0 && px < long(nx) && py < long(ny)) predicted += model[p] * psf[std::size_t(py) * nx + std::size_t(px)];
    }
    worst = std::max(worst, std::abs(residual[i] - (dirty[i] - predicted)));
  }
  return worst / peakAbs(dirty);
}

constexpr std::size_t kN = 128;
constexpr double kBeam = 4.71;  // FWHM of the PSF's main lobe, pixels
const std::vector<Point> kPoints = {{64, 64, 1.0}, {40, 80, 0.5}, {90, 30, -0.2}, {70, 100, 0.8}};

std::unique_ptr<Deconvolver> multiscale(std::vector<double> scales, double bias = 0.0) {
  return makeDeconvolver({AlgorithmType::Multiscale, std::move(scales), bias});
}

}  // namespace

TEST(MultiscaleKernels, UnitSumFiniteSupportAndTcleanBias) {
  for (double s : {0.0, 0.5, 1.0, 2.5, 4.0, 8.0, 16.0}) {
    const ScaleKernel k = makeScaleKernel(s);
    double sum = 0.0;
    for (double w : k.weights) {
      sum += w;
      EXPECT_GE(w, 0.0);
    }
    EXPECT_NEAR(sum, 1.0, 1e-14) << s;
    EXPECT_EQ(k.radius, s > 1.0 ? int(std::ceil(s)) - 1 : 0) << s;
    if (k.radius > 0) {
      EXPECT_GT(k.at(0, 0), k.at(1, 0));  // peaked at the centre
      EXPECT_EQ(k.at(k.radius, k.radius), 0.0) << "the corner is outside the circle r < scale";
    }
  }
  EXPECT_DOUBLE_EQ(spheroidalTaper(0.0), spheroidalTaper(1e-9));
  EXPECT_NEAR(spheroidalTaper(0.0), 1.0, 1e-4);
  EXPECT_EQ(spheroidalTaper(1.0), 0.0);
  const auto w = scaleBiasWeights({0, 4, 8}, 0.6);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[1], 0.7);
  EXPECT_DOUBLE_EQ(w[2], 0.4);
  // Automatic scales: 0, then twice the FWHM, doubling up to a quarter of the image.
  const auto scales = automaticScales(makePsf(kN, kN), kN, kN);
  // (The fitted FWHM, 5.4 px, is wider than the Gaussian's 4.71: the ring lifts the lobe's flanks.)
  ASSERT_EQ(scales.size(), 3u);
  EXPECT_EQ(scales[0], 0.0);
  EXPECT_NEAR(scales[1], 2 * 5.4, 0.2);
  EXPECT_DOUBLE_EQ(scales[2], 2 * scales[1]);
}

TEST(Multiscale, RecoversPointSources) {
  const auto psf = makePsf(kN, kN);
  std::vector<double> sky(kN * kN, 0.0);
  addPoints(sky, kN, kPoints);
  const auto dirty = convolve(psf, sky, kN, kN);
  auto residual = dirty;
  std::vector<double> model(kN * kN, 0.0);
  auto result = multiscale({0, 4, 8})->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 5000, 1e-3, 1});
  EXPECT_TRUE(result.reached_threshold);
  EXPECT_FALSE(result.diverging);
  EXPECT_NEAR(result.start_peak, 1.0, 0.1);
  EXPECT_LE(result.final_peak, 1e-3);
  EXPECT_LE(peakAbs(residual), 1e-3);
  for (const auto& p : kPoints) {
    const double near = sumWithin(model, kN, double(p.x), double(p.y), kBeam);
    EXPECT_NEAR(near, p.flux, 0.01 * std::abs(p.flux)) << "source at " << p.x << "," << p.y;
  }
  EXPECT_LT(residualMismatch(psf, dirty, model, residual, kN, kN), 1e-9);
}

TEST(Multiscale, RecoversAnExtendedSourceInFarFewerIterationsThanPointComponents) {
  const auto psf = makePositivePsf(kN, kN);
  for (double fwhm : {10.0, 20.0}) {
    // A Gaussian of 2 Jy and a point source of 0.5 Jy, cleaned to 2 mJy/beam with tclean's
    // default bias (0) and with the delta function only (Hogbom).
    std::vector<double> sky(kN * kN, 0.0);
    addGaussian(sky, kN, kN, 60.0, 64.0, fwhm, 2.0);
    addPoints(sky, kN, {{100, 40, 0.5}});
    const auto dirty = convolve(psf, sky, kN, kN);
    const double truth = sumWithin(sky, kN, 60.0, 64.0, 2 * fwhm);
    long iterations[2] = {0, 0};
    const std::vector<double> scale_sets[2] = {{0, 4, 8, 16}, {0}};
    for (int k = 0; k < 2; ++k) {
      auto residual = dirty;
      std::vector<double> model(kN * kN, 0.0);
      auto result =
          multiscale(scale_sets[k])->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 100000, 2e-3, 2});
      EXPECT_TRUE(result.reached_threshold) << k;
      EXPECT_FALSE(result.diverging) << k;
      iterations[k] = result.iterations;
      const double recovered = sumWithin(model, kN, 60.0, 64.0, 2 * fwhm);
      const double point = sumWithin(model, kN, 100.0, 40.0, kBeam);
      if (k == 0) {
        EXPECT_NEAR(recovered, truth, 0.03 * truth) << fwhm;
        EXPECT_NEAR(point, 0.5, 0.01 * 0.5) << fwhm;
        EXPECT_LT(rms(residual), 0.25 * 2e-3) << fwhm;
      }
      EXPECT_LT(residualMismatch(psf, dirty, model, residual, kN, kN), 1e-9);
    }
    // Measured: 512 against 887 for FWHM 10, 414 against 1758 for FWHM 20.
    if (fwhm == 10.0) {
      EXPECT_LT(3 * iterations[0], 2 * iterations[1]);
    } else {
      EXPECT_LT(3 * iterations[0], iterations[1]) << "far fewer components for a source of 4 beams";
    }
  }
}

TEST(Multiscale, SameResultForOneAndTwoThreads) {
  // Large enough for the threads to share the component updates, with cut cross terms and far
  // sidelobes (several passes).
  const std::size_t nx = 640, ny = 560;
  const auto psf = makePositivePsf(nx, ny, 100.0);
  std::vector<double> sky(nx * ny, 0.0);
  addPoints(sky, nx, {{100, 100, 1.0}, {500, 400, 0.7}, {320, 280, -0.3}});
  addGaussian(sky, nx, ny, 200.0, 400.0, 12.0, 3.0);
  const auto dirty = convolve(psf, sky, nx, ny);
  std::vector<double> residuals[2], models[2];
  long iterations[2];
  for (int threads : {1, 2}) {
    auto& residual = residuals[threads - 1] = dirty;
    auto& model = models[threads - 1] = std::vector<double>(nx * ny, 0.0);
    iterations[threads - 1] = multiscale({0, 4, 8, 16}, 0.2)
                                  ->executeMajorIteration({nx, ny, residual, model, psf}, {0.1, 300, 1e-3, threads})
                                  .iterations;
  }
  EXPECT_EQ(iterations[0], iterations[1]);
  const double peak = peakAbs(dirty);
  for (std::size_t i = 0; i < dirty.size(); ++i) {
    ASSERT_LE(std::abs(residuals[0][i] - residuals[1][i]), 1e-9 * peak) << i;
    ASSERT_LE(std::abs(models[0][i] - models[1][i]), 1e-9 * peak) << i;
  }
}

TEST(Multiscale, CleansOnlyInsideTheMask) {
  const auto psf = makePositivePsf(kN, kN);
  std::vector<double> sky(kN * kN, 0.0);
  addPoints(sky, kN, kPoints);
  addGaussian(sky, kN, kN, 40.0, 80.0, 8.0, 1.0);  // extended emission around the masked source
  const auto dirty = convolve(psf, sky, kN, kN);
  auto residual = dirty;
  std::vector<double> model(kN * kN, 0.0);
  std::vector<std::uint8_t> mask(kN * kN, 0);
  for (std::size_t y = 64; y <= 96; ++y)
    for (std::size_t x = 24; x <= 56; ++x) mask[y * kN + x] = 1;
  auto result = multiscale({0, 4, 8})->executeMajorIteration({kN, kN, residual, model, psf, mask},
                                                             {0.1, 20000, 1e-3, 2});
  EXPECT_TRUE(result.reached_threshold);
  double outside = 0.0;
  for (std::size_t i = 0; i < model.size(); ++i)
    if (!mask[i]) outside += std::abs(model[i]);
  EXPECT_EQ(outside, 0.0) << "no component may spread flux outside the mask";
  EXPECT_GT(std::abs(residual[64 * kN + 64]), 0.9) << "the source outside the mask stays";
  for (std::size_t i = 0; i < residual.size(); ++i) {
    if (mask[i]) {
      ASSERT_LE(std::abs(residual[i]), 1e-3 + 1e-12) << i;
    }
  }
  EXPECT_LE(result.final_peak, 1e-3 + 1e-12) << "the peak reported is the one inside the mask";
  EXPECT_LT(residualMismatch(psf, dirty, model, residual, kN, kN), 1e-9);
}

TEST(Multiscale, WithoutTheDeltaFunctionTheSmallestScaleSetsTheThreshold) {
  const auto psf = makePositivePsf(kN, kN);
  std::vector<double> sky(kN * kN, 0.0);
  addGaussian(sky, kN, kN, 60.0, 64.0, 20.0, 2.0);
  const auto dirty = convolve(psf, sky, kN, kN);
  auto residual = dirty;
  std::vector<double> model(kN * kN, 0.0);
  const auto result = multiscale({8, 16})->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 5000, 2e-3, 1});
  EXPECT_TRUE(result.reached_threshold) << "on the residual smoothed to 8 px";
  EXPECT_NEAR(sumWithin(model, kN, 60.0, 64.0, 40.0), sumWithin(sky, kN, 60.0, 64.0, 40.0), 0.03 * 2.0);
  EXPECT_LT(residualMismatch(psf, dirty, model, residual, kN, kN), 1e-9);
}

TEST(Multiscale, AnEmptyMaskCleansNothing) {
  const auto psf = makePsf(kN, kN);
  std::vector<double> sky(kN * kN, 0.0);
  addPoints(sky, kN, kPoints);
  auto residual = convolve(psf, sky, kN, kN);
  const auto dirty = residual;
  std::vector<double> model(kN * kN, 0.0);
  std::vector<std::uint8_t> mask(kN * kN, 0);
  auto result = multiscale({0, 4})->executeMajorIteration({kN, kN, residual, model, psf, mask}, {0.1, 100, 1e-3, 1});
  EXPECT_EQ(result.iterations, 0);
  EXPECT_TRUE(result.reached_threshold);
  EXPECT_EQ(residual, dirty);
}

TEST(Multiscale, ASecondCallContinuesWithTheCachedPsfTerms) {
  const auto psf = makePositivePsf(kN, kN);
  std::vector<double> sky(kN * kN, 0.0);
  addGaussian(sky, kN, kN, 60.0, 64.0, 10.0, 2.0);
  addPoints(sky, kN, kPoints);
  const auto dirty = convolve(psf, sky, kN, kN);

  // One call with the whole budget.
  auto residual_one = dirty;
  std::vector<double> model_one(kN * kN, 0.0);
  auto one = multiscale({0, 4, 8, 16});
  const auto r_one = one->executeMajorIteration({kN, kN, residual_one, model_one, psf}, {0.1, 100000, 1e-3, 1});
  ASSERT_TRUE(r_one.reached_threshold);

  // The same object twice: 40% of those iterations, then the rest.
  auto residual = dirty;
  std::vector<double> model(kN * kN, 0.0);
  auto clean = multiscale({0, 4, 8, 16});
  const long first_budget = r_one.iterations * 2 / 5;
  const auto first = clean->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, first_budget, 1e-3, 1});
  EXPECT_EQ(first.iterations, first_budget);
  EXPECT_FALSE(first.reached_threshold);
  const auto second = clean->executeMajorIteration({kN, kN, residual, model, psf}, {0.1, 100000, 1e-3, 1});
  EXPECT_DOUBLE_EQ(second.start_peak, first.final_peak);
  EXPECT_TRUE(second.reached_threshold);
  EXPECT_LT(residualMismatch(psf, dirty, model, residual, kN, kN), 1e-9);
  // The sequence of components is the same as in one call: each pass starts from the exact residual.
  double worst = 0.0;
  for (std::size_t i = 0; i < model.size(); ++i) worst = std::max(worst, std::abs(model[i] - model_one[i]));
  EXPECT_LT(worst, 1e-9);
  EXPECT_EQ(first.iterations + second.iterations, r_one.iterations);
  // A clone shares the cached terms and gives the same result.
  auto residual_clone = dirty;
  std::vector<double> model_clone(kN * kN, 0.0);
  auto copy = clean->clone();
  copy->executeMajorIteration({kN, kN, residual_clone, model_clone, psf}, {0.1, 100000, 1e-3, 1});
  for (std::size_t i = 0; i < model.size(); ++i) ASSERT_NEAR(model_clone[i], model_one[i], 1e-9);
}

TEST(Multiscale, LargeImageWithCutCrossTermsIsExactAndReachesTheThreshold) {
  // 640 x 560: the cross terms are cut to their window, and with far sidelobes passes end on the
  // error bound, each starting again from the exact residual.
  const std::size_t nx = 640, ny = 560;
  const auto psf = makePositivePsf(nx, ny, 100.0);
  std::vector<double> sky(nx * ny, 0.0);
  addPoints(sky, nx, {{100, 100, 1.0}, {500, 400, 0.7}, {320, 280, -0.3}, {600, 60, 0.4}});
  addGaussian(sky, nx, ny, 200.0, 400.0, 12.0, 3.0);
  const auto dirty = convolve(psf, sky, nx, ny);
  auto residual = dirty;
  std::vector<double> model(nx * ny, 0.0);
  const auto result =
      multiscale({0, 4, 8, 16}, 0.3)->executeMajorIteration({nx, ny, residual, model, psf}, {0.1, 20000, 2e-3, 2});
  EXPECT_TRUE(result.reached_threshold);
  EXPECT_LE(peakAbs(residual), 2e-3 + 1e-12);
  EXPECT_NEAR(sumWithin(model, nx, 200.0, 400.0, 24.0), sumWithin(sky, nx, 200.0, 400.0, 24.0), 0.03 * 3.0);
  EXPECT_NEAR(sumWithin(model, nx, 500.0, 400.0, kBeam), 0.7, 0.01 * 0.7);
  EXPECT_LT(residualMismatch(psf, dirty, model, residual, nx, ny, 7), 1e-9);
}
