// The multi-term minor cycle (deconvolution/multi_term.h) on synthetic Taylor PSFs: with
// psf_q = mu_q g (one beam shape, the moments mu_q = mean of tau^q), a point source with Taylor
// coefficients (s0, s1) has residuals r_t = sum_j mu_{t+j} s_j g(x - x0), and the cycle must
// find both coefficients at x0.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "ptclean/deconvolution/multi_term.h"

namespace {

constexpr std::size_t kN = 64;

std::vector<double> gaussian(double x0, double y0, double scale) {
  std::vector<double> g(kN * kN);
  for (std::size_t y = 0; y < kN; ++y)
    for (std::size_t x = 0; x < kN; ++x)
      g[y * kN + x] = scale * std::exp(-0.5 * ((double(x) - x0) * (double(x) - x0) + (double(y) - y0) * (double(y) - y0)) / 4.0);
  return g;
}

}  // namespace

TEST(MultiTerm, RecoversBothTaylorCoefficientsOfAPointSource) {
  // tau evenly over [-1/3, 1/3]: mu_0 = 1, mu_1 = 0, mu_2 = 1/27 (and mu_3 = 0, mu_4 = 1/405).
  const std::vector<double> mu{1.0, 0.0, 1.0 / 27.0};
  const double s0 = 0.8, s1 = -0.56;  // alpha = -0.7
  std::vector<std::vector<double>> psf, residual(2), model(2, std::vector<double>(kN * kN, 0.0));
  for (double m : mu) psf.push_back(gaussian(kN / 2, kN / 2, m));
  for (std::size_t t = 0; t < 2; ++t) {
    residual[t].assign(kN * kN, 0.0);
    for (std::size_t j = 0; j < 2; ++j) {
      const auto g = gaussian(20, 40, mu[t + j] * (j == 0 ? s0 : s1));
      for (std::size_t i = 0; i < g.size(); ++i) residual[t][i] += g[i];
    }
  }
  ptclean::deconvolution::MultiTermImages images;
  images.nx = images.ny = kN;
  images.nterms = 2;
  for (auto& r : residual) images.residual.push_back(r);
  for (auto& m : model) images.model.push_back(m);
  for (auto& p : psf) images.psf.push_back(p);
  const auto result = ptclean::deconvolution::multiTermMinorCycle(images, {0.1, 300, 1e-6, 2});
  EXPECT_GT(result.iterations, 10);
  EXPECT_LT(result.final_peak, 1e-4);
  double sum0 = 0, sum1 = 0;
  for (std::size_t i = 0; i < kN * kN; ++i) {
    sum0 += model[0][i];
    sum1 += model[1][i];
  }
  EXPECT_NEAR(model[0][40 * kN + 20], s0, 1e-4);  // all of it at the source's pixel
  EXPECT_NEAR(sum0, s0, 1e-4);
  EXPECT_NEAR(sum1, s1, 1e-4);
  // The principal solution of what is left is about nothing.
  const auto solution = ptclean::deconvolution::principalSolution(images);
  EXPECT_LT(std::abs(solution[1][40 * kN + 20]), 1e-3);
}

TEST(MultiTerm, ASingularHessianIsRefused) {
  // No bandwidth: every psf_q for q > 0 is zero, so tt1 cannot be separated.
  std::vector<std::vector<double>> psf{gaussian(kN / 2, kN / 2, 1.0), gaussian(kN / 2, kN / 2, 0.0),
                                       gaussian(kN / 2, kN / 2, 0.0)};
  std::vector<std::vector<double>> residual(2, std::vector<double>(kN * kN, 0.0)), model = residual;
  ptclean::deconvolution::MultiTermImages images;
  images.nx = images.ny = kN;
  images.nterms = 2;
  for (auto& r : residual) images.residual.push_back(r);
  for (auto& m : model) images.model.push_back(m);
  for (auto& p : psf) images.psf.push_back(p);
  EXPECT_THROW(ptclean::deconvolution::multiTermHessianInverse(images), std::runtime_error);
}
