// Clark CLEAN on a large image with a realistic PSF (far sidelobes, noise): it reaches the cycle
// threshold in one call, finds what Hogbom finds, and its exact pass subtraction (an FFT
// convolution) equals the PSF subtracted at every component.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

#include "../../deconvolution/image_ops.h"
#include "../../deconvolution/psf_convolution.h"
#include "ptclean/deconvolution/deconvolver.h"

using namespace ptclean::deconvolution;

namespace {

/// Main lobe (FWHM ~4.7 px) plus rings of +-4% that reach the image's edge, as an interferometer's
/// PSF does: a component's sidelobes touch every pixel.
std::vector<double> farSidelobePsf(std::size_t nx, std::size_t ny) {
  std::vector<double> psf(nx * ny);
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double dx = double(x) - double(nx / 2), dy = double(y) - double(ny / 2), r = std::hypot(dx, dy);
      psf[y * nx + x] = std::exp(-r * r / 8.0) + 0.04 * std::sin(2 * std::numbers::pi * r / 11.0) *
                                                      std::exp(-r / 400.0) * (1.0 - std::exp(-r * r / 50.0));
    }
  return psf;
}

/// 40 point sources from 5 mJy to 1 Jy convolved with the PSF, plus Gaussian noise of 0.5 mJy.
std::vector<double> skyImage(const std::vector<double>& psf, std::size_t n) {
  std::mt19937 random(7);
  std::uniform_int_distribution<long> position(40, long(n) - 40);
  std::vector<double> image(n * n, 0.0);
  for (int s = 0; s < 40; ++s) {
    const long sx = position(random), sy = position(random);
    const double flux = s == 0 ? 1.0 : 0.005 + 0.3 * std::pow(0.9, s);
    for (long y = 0; y < long(n); ++y)
      for (long x = 0; x < long(n); ++x) {
        const long px = x - sx + long(n / 2), py = y - sy + long(n / 2);
        if (px >= 0 && py >= 0 && px < long(n) && py < long(n))
          image[std::size_t(y) * n + std::size_t(x)] += flux * psf[std::size_t(py) * n + std::size_t(px)];
      }
  }
  std::normal_distribution<double> noise(0.0, 5e-4);
  for (double& v : image) v += noise(random);
  return image;
}

struct CleanRun {
  std::vector<double> residual, model;
  MinorCycleResult result;
};

CleanRun clean(const std::string& name, const std::vector<double>& sky, const std::vector<double>& psf, std::size_t n,
          double threshold, int threads) {
  CleanRun run{sky, std::vector<double>(n * n, 0.0), {}};
  run.result = makeDeconvolver({algorithmFromName(name)})
                   ->executeMajorIteration({n, n, run.residual, run.model, psf}, {0.1, 100000, threshold, threads});
  return run;
}

double peakOf(const std::vector<double>& image) {
  double peak = 0.0;
  for (double v : image) peak = std::max(peak, std::abs(v));
  return peak;
}

}  // namespace

TEST(Clark, ReachesTheThresholdOnALargeImageAsHogbomDoes) {
  constexpr std::size_t n = 512;
  const auto psf = farSidelobePsf(n, n);
  const auto sky = skyImage(psf, n);
  const double threshold = 3e-3;  // 6 sigma: components on sources and their sidelobes
  const CleanRun hogbom = clean("hogbom", sky, psf, n, threshold, 2);
  const CleanRun clark = clean("clark", sky, psf, n, threshold, 2);
  ASSERT_TRUE(hogbom.result.reached_threshold);
  // The earlier Clark ended its passes once its PSF patch stopped lowering the peak: a few dozen
  // components, far from the threshold.
  EXPECT_TRUE(clark.result.reached_threshold) << "final peak " << clark.result.final_peak;
  EXPECT_LE(peakOf(clark.residual), threshold + 1e-12) << "the residual is exact after the last pass";
  EXPECT_NEAR(double(clark.result.iterations), double(hogbom.result.iterations), 0.02 * double(hogbom.result.iterations));
  double clark_total = 0.0, hogbom_total = 0.0, difference = 0.0;
  for (std::size_t i = 0; i < n * n; ++i) {
    clark_total += clark.model[i];
    hogbom_total += hogbom.model[i];
    difference = std::max(difference, std::abs(clark.residual[i] - hogbom.residual[i]));
  }
  EXPECT_NEAR(clark_total, hogbom_total, 1e-3 * hogbom_total);
  EXPECT_LT(difference, threshold) << "residuals differ by less than the threshold everywhere";
}

TEST(Clark, GivesTheSameImagesWhateverTheThreadCount) {
  constexpr std::size_t n = 256;
  const auto psf = farSidelobePsf(n, n);
  const auto sky = skyImage(psf, n);
  const CleanRun one = clean("clark", sky, psf, n, 2e-3, 1);
  const CleanRun two = clean("clark", sky, psf, n, 2e-3, 2);
  EXPECT_EQ(one.result.iterations, two.result.iterations);
  EXPECT_EQ(one.model, two.model);
  const double peak = peakOf(sky);
  for (std::size_t i = 0; i < n * n; ++i) ASSERT_NEAR(one.residual[i], two.residual[i], 1e-12 * peak) << i;
}

TEST(PsfConvolution, EqualsTheShiftedPsfsAtEveryComponentWithoutWrapAround) {
  // Odd and even sizes, components at the edges: the convolution grid must hold the PSF's whole
  // reach from any pixel.
  for (auto [nx, ny] : {std::pair<std::size_t, std::size_t>{97, 64}, {64, 81}}) {
    std::vector<double> psf(nx * ny);
    std::mt19937 random(3);
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    for (double& v : psf) v = value(random);
    const std::vector<PointComponent> components = {
        {0, 0.7}, {nx - 1, -0.3}, {(ny - 1) * nx, 0.25}, {nx * ny - 1, 1.1}, {(ny / 2) * nx + nx / 3, -0.9}};
    std::vector<double> direct(nx * ny, 0.5), convolved(nx * ny, 0.5);
    for (const auto& c : components)
      subtractShiftedPsf(direct, psf, nx, ny, c.index % nx, c.index / nx, c.flux, 1);
    PsfConvolution(psf, nx, ny, 2).subtractPoints(convolved, components, 2);
    for (std::size_t i = 0; i < nx * ny; ++i) ASSERT_NEAR(convolved[i], direct[i], 1e-12) << nx << "x" << ny << " pixel " << i;
  }
}
