#include "es_kernel.h"

#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <numbers>
#include <stdexcept>

namespace ptclean::gridding {

double EsKernel::operator()(double z) const {
  double r = 1.0 - z * z;
  return r > 0.0 ? std::exp(beta * (std::sqrt(r) - 1.0)) : 0.0;
}

void gaussLegendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  nodes.assign(n, 0.0);
  weights.assign(n, 0.0);
  // Newton on the Legendre polynomial P_n over [-1, 1], then map to [0, 1].
  for (int i = 0; i < n; ++i) {
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double derivative = 0.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0, p1 = x;
      for (int k = 2; k <= n; ++k) {
        double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1.0);
      double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-15) break;
    }
    nodes[i] = 0.5 * (x + 1.0);
    weights[i] = 1.0 / ((1.0 - x * x) * derivative * derivative);  // 2/(..) on [-1,1], halved
  }
}

double EsKernel::fourier(double xi, int nodes) const {
  if (nodes <= 0) nodes = 2 * support + 24;
  // The quadrature weights times phi at the nodes, kept per thread for the last kernel asked.
  // Nodes per count, and phi times the weights for the last kernel, kept per thread: the kernel
  // search evaluates thousands of transforms of the same few kernels.
  thread_local std::map<int, std::pair<std::vector<double>, std::vector<double>>> rules;
  thread_local std::vector<double> weighted;
  thread_local const std::vector<double>* cached_z = nullptr;
  thread_local int cached_support = -1;
  thread_local double cached_beta = -1.0;
  auto rule = rules.find(nodes);
  if (rule == rules.end()) {
    rule = rules.emplace(nodes, std::pair<std::vector<double>, std::vector<double>>{}).first;
    gaussLegendre(nodes, rule->second.first, rule->second.second);
  }
  const std::vector<double>& z = rule->second.first;
  if (cached_z != &z || cached_support != support || cached_beta != beta) {
    const std::vector<double>& w = rule->second.second;
    weighted.resize(nodes);
    for (int i = 0; i < nodes; ++i) weighted[i] = w[i] * (*this)(z[i]);
    cached_z = &z, cached_support = support, cached_beta = beta;
  }
  // psi(d) = phi(2d/W): int_{-W/2}^{W/2} psi(d) cos(2 pi d xi) dd = W int_0^1 phi(z) cos(pi W z xi) dz
  double sum = 0.0;
  const double k = std::numbers::pi * support * xi;
  for (int i = 0; i < nodes; ++i) sum += weighted[i] * std::cos(k * z[i]);
  return support * sum;
}

double aliasingError(const EsKernel& kernel, double oversampling) {
  const int samples = 12;
  const int nodes = 5 * kernel.support + 40;  // resolves cos(pi W z (xi + m)) for |m| <= 2
  double worst = 0.0;
  for (int s = 0; s <= samples; ++s) {
    double xi = 0.5 / oversampling * s / samples;
    double main = kernel.fourier(xi, nodes);
    double alias = 0.0;
    for (int m = 1; m <= 2; ++m)  // further aliases are orders of magnitude smaller
      alias += std::abs(kernel.fourier(xi + m, nodes)) + std::abs(kernel.fourier(xi - m, nodes));
    worst = std::max(worst, alias / main);
  }
  return worst;
}

KernelPolynomial KernelPolynomial::fit(const EsKernel& kernel, double tolerance) {
  const int W = kernel.support;
  for (int degree = 4; degree <= 24; ++degree) {
    KernelPolynomial poly;
    poly.support = W;
    poly.degree = degree;
    poly.coeff.assign(std::size_t(degree + 1) * W, 0.0);
    const int n = degree + 1;
    Eigen::MatrixXd vandermonde(n, n);
    std::vector<double> t(n);
    for (int i = 0; i < n; ++i) {
      t[i] = std::cos(std::numbers::pi * (i + 0.5) / n);
      for (int d = 0; d < n; ++d) vandermonde(i, d) = std::pow(t[i], d);
    }
    auto solver = vandermonde.colPivHouseholderQr();
    auto tapValue = [&](int j, double tt) {
      double f = 0.5 * (tt + 1.0);
      return kernel((2.0 * (j + f) - W) / W);
    };
    for (int j = 0; j < W; ++j) {
      Eigen::VectorXd values(n);
      for (int i = 0; i < n; ++i) values[i] = tapValue(j, t[i]);
      Eigen::VectorXd c = solver.solve(values);
      for (int d = 0; d < n; ++d) poly.coeff[std::size_t(d) * W + j] = c[d];
    }
    double worst = 0.0;
    for (int j = 0; j < W; ++j) {
      for (int s = 0; s <= 256; ++s) {
        double tt = -1.0 + 2.0 * s / 256.0;
        double value = 0.0;
        for (int d = degree; d >= 0; --d) value = value * tt + poly.coeff[std::size_t(d) * W + j];
        worst = std::max(worst, std::abs(value - tapValue(j, tt)));
      }
    }
    poly.max_fit_error = worst;
    if (worst <= tolerance) return poly;
  }
  throw std::runtime_error("cannot fit a polynomial to the gridding kernel to the requested accuracy");
}

}  // namespace ptclean::gridding
