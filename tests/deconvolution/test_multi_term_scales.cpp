// The multi-scale multi-term minor cycle (deconvolution/multi_term_scales.h) on synthetic Taylor
// PSFs psf_q = mu_q g (one beam shape g, the moments mu_q of tau): an extended source whose
// Taylor images are m_1 = alpha m_0 gives residuals r_t = sum_j mu_{t+j} g * m_j, and the cycle
// must recover its total flux and spectral index with few components, where point components
// need many more.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ptclean/deconvolution/multi_term.h"
#include "ptclean/deconvolution/multi_term_scales.h"

namespace {

constexpr std::size_t kN = 128;
constexpr double kBeamSigma = 1.5;   // pixels
constexpr double kBlobSigma = 6.0;   // pixels
constexpr double kAlpha = -0.7;
const std::vector<double> kMu{1.0, 0.0, 1.0 / 27.0};  // tau evenly over [-1/3, 1/3]

double gauss(double dx, double dy, double sigma) { return std::exp(-0.5 * (dx * dx + dy * dy) / (sigma * sigma)); }

struct Problem {
  std::vector<std::vector<double>> psf, residual, model;
  ptclean::deconvolution::MultiTermImages images;
  double flux = 0.0;  ///< the blob's tt0 total
};

/// A Gaussian blob of tt0 peak 1 at (50, 70) (tt1 = alpha tt0), seen through the PSFs.
void makeProblem(Problem& p) {
  for (double m : kMu) {
    std::vector<double> psf(kN * kN);
    for (std::size_t y = 0; y < kN; ++y)
      for (std::size_t x = 0; x < kN; ++x) psf[y * kN + x] = m * gauss(double(x) - kN / 2, double(y) - kN / 2, kBeamSigma);
    p.psf.push_back(psf);
  }
  // g * m_0 for a Gaussian blob is a Gaussian of sigma^2 = beam^2 + blob^2 whose peak is the
  // integral of g m_0: 2 pi beam^2 blob^2 / sigma^2 (g and m_0 peak at 1).
  const double sigma = std::hypot(kBeamSigma, kBlobSigma);
  const double scale = 2.0 * M_PI * kBeamSigma * kBeamSigma * kBlobSigma * kBlobSigma / (sigma * sigma);
  p.flux = 2.0 * M_PI * kBlobSigma * kBlobSigma;
  p.residual.assign(2, std::vector<double>(kN * kN, 0.0));
  for (std::size_t t = 0; t < 2; ++t)
    for (std::size_t y = 0; y < kN; ++y)
      for (std::size_t x = 0; x < kN; ++x) {
        const double smoothed = scale * gauss(double(x) - 50.0, double(y) - 70.0, sigma);
        p.residual[t][y * kN + x] = (kMu[t] + kMu[t + 1] * kAlpha) * smoothed;
      }
  p.model.assign(2, std::vector<double>(kN * kN, 0.0));
  p.images.nx = p.images.ny = kN;
  p.images.nterms = 2;
  for (auto& r : p.residual) p.images.residual.push_back(r);
  for (auto& m : p.model) p.images.model.push_back(m);
  for (auto& q : p.psf) p.images.psf.push_back(q);
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

TEST(MultiTermScales, RecoversTheFluxAndSpectralIndexOfAnExtendedSource) {
  Problem p;
  makeProblem(p);
  const double start = *std::max_element(p.residual[0].begin(), p.residual[0].end());
  ptclean::deconvolution::MultiTermScales scales(p.images.psf, kN, kN, 2, {0, 4, 8, 16}, 0.0, 2);
  const auto result = scales.minorCycle(p.images, {0.2, 400, 1e-3 * start, 2});
  std::printf("%ld components, peak %.3g -> %.3g; tt0 flux %.4f of %.4f, alpha %.4f\n", result.iterations, start,
              result.final_peak, sum(p.model[0]), p.flux, sum(p.model[1]) / sum(p.model[0]));
  EXPECT_LT(result.final_peak, 0.01 * start);
  EXPECT_NEAR(sum(p.model[0]) / p.flux, 1.0, 0.02);
  EXPECT_NEAR(sum(p.model[1]) / sum(p.model[0]), kAlpha, 0.02);

  // Point components with the same budget leave much more behind.
  Problem q;
  makeProblem(q);
  const auto points = ptclean::deconvolution::multiTermMinorCycle(q.images, {0.2, result.iterations, 1e-3 * start, 2});
  std::printf("points: %ld components, peak -> %.3g\n", points.iterations, points.final_peak);
  EXPECT_GT(points.final_peak, 5.0 * result.final_peak);
}

TEST(MultiTermScales, TheSameComponentsForAnyThreadCount) {
  Problem a, b;
  makeProblem(a);
  makeProblem(b);
  ptclean::deconvolution::MultiTermScales one(a.images.psf, kN, kN, 2, {0, 4, 8}, 0.6, 1);
  ptclean::deconvolution::MultiTermScales two(b.images.psf, kN, kN, 2, {0, 4, 8}, 0.6, 2);
  one.minorCycle(a.images, {0.1, 50, 0.0, 1});
  two.minorCycle(b.images, {0.1, 50, 0.0, 2});
  for (std::size_t t = 0; t < 2; ++t)
    for (std::size_t i = 0; i < kN * kN; ++i) EXPECT_NEAR(a.model[t][i], b.model[t][i], 1e-12) << t << " " << i;
}

TEST(MultiTermScales, ScalesTooLargeForTheImageAreDropped) {
  Problem p;
  makeProblem(p);
  ptclean::deconvolution::MultiTermScales scales(p.images.psf, kN, kN, 2, {64, 0, 8}, 0.0, 1);
  EXPECT_EQ(scales.scales(), (std::vector<double>{0, 8}));
}
