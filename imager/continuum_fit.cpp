#include "continuum_fit.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace ptclean::imager {

void ContinuumFit::add(double freq_hz, std::complex<float> value, float weight) {
  if (weight > 0.0f && std::isfinite(value.real()) && std::isfinite(value.imag())) samples_.push_back({freq_hz, value, weight});
}

bool ContinuumFit::solve() {
  const int n = order_ + 1;
  coefficients_.clear();
  if (int(samples_.size()) < n) return false;
  double lo = samples_[0].x, hi = samples_[0].x;
  for (const auto& s : samples_) {
    lo = std::min(lo, s.x);
    hi = std::max(hi, s.x);
  }
  centre_ = (lo + hi) / 2;
  scale_ = hi > lo ? (hi - lo) / 2 : 1.0;
  Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd re = Eigen::VectorXd::Zero(n), im = Eigen::VectorXd::Zero(n);
  std::vector<double> powers(std::size_t(2 * n));
  for (const auto& s : samples_) {
    const double x = (s.x - centre_) / scale_;
    powers[0] = 1.0;
    for (std::size_t k = 1; k < powers.size(); ++k) powers[k] = powers[k - 1] * x;
    for (int i = 0; i < n; ++i) {
      re[i] += s.w * powers[std::size_t(i)] * s.y.real();
      im[i] += s.w * powers[std::size_t(i)] * s.y.imag();
      for (int j = 0; j < n; ++j) normal(i, j) += s.w * powers[std::size_t(i + j)];
    }
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(normal);
  if (qr.rank() < n) return false;
  const Eigen::VectorXd a = qr.solve(re), b = qr.solve(im);
  for (int i = 0; i < n; ++i) coefficients_.emplace_back(a[i], b[i]);
  return true;
}

std::complex<double> ContinuumFit::at(double freq_hz) const {
  const double x = (freq_hz - centre_) / scale_;
  std::complex<double> value = 0.0;
  for (auto c = coefficients_.rbegin(); c != coefficients_.rend(); ++c) value = value * x + *c;
  return value;
}

}  // namespace ptclean::imager
