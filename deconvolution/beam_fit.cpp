// Restoring-beam fit: an elliptical Gaussian with peak 1 fitted to the PSF's main lobe.
//
// The Gaussian is exp(-Q) with Q = a l^2 + 2 b l m + c m^2. Q's matrix is kept positive
// definite by fitting its Cholesky factor, [[e^p0, 0], [p1, e^p2]], instead of (major, minor,
// pa) directly: that has no PA ambiguity for a round beam and no edge in parameter space, so
// Levenberg-Marquardt cannot step into a hyperbola when the lobe is only a few pixels wide.
// The fit runs in pixel units (l / cell_x, m / cell_y) so that it is equally well conditioned
// for any cell size, and is converted to radians at the end.
#include "ptclean/deconvolution/beam_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace ptclean::deconvolution {
namespace {

constexpr double kFourLn2 = 2.772588722239781;  // 4 ln 2: FWHM^2 of exp(-4 ln2 x^2) is 1

struct LobePixel {
  double l, m;  ///< offset from the centre in cells, l positive to the east
  double value;
};

/// The pixels above `cutoff` that are 8-connected to the centre, the centre always included.
/// 8-connectivity keeps a thin lobe at a diagonal PA in one piece; sidelobes are separated from
/// the main lobe by a null, which is wider than one pixel whenever the PSF is sampled at all.
std::vector<LobePixel> mainLobe(std::span<const double> psf, std::size_t nx, std::size_t ny,
                                double cutoff) {
  const std::size_t cx = nx / 2, cy = ny / 2;
  std::vector<unsigned char> seen(nx * ny, 0);
  std::vector<std::size_t> stack{cy * nx + cx};
  seen[cy * nx + cx] = 1;
  std::vector<LobePixel> lobe;
  while (!stack.empty()) {
    const std::size_t index = stack.back();
    stack.pop_back();
    const std::size_t x = index % nx, y = index / nx;
    lobe.push_back({-(static_cast<double>(x) - static_cast<double>(cx)),
                    static_cast<double>(y) - static_cast<double>(cy), psf[index]});
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const auto nxi = static_cast<std::ptrdiff_t>(x) + dx;
        const auto nyi = static_cast<std::ptrdiff_t>(y) + dy;
        if (nxi < 0 || nyi < 0 || nxi >= static_cast<std::ptrdiff_t>(nx) ||
            nyi >= static_cast<std::ptrdiff_t>(ny))
          continue;
        const std::size_t next = static_cast<std::size_t>(nyi) * nx + static_cast<std::size_t>(nxi);
        // `!(v > cutoff)` also rejects NaN pixels.
        if (seen[next] || !(psf[next] > cutoff)) continue;
        seen[next] = 1;
        stack.push_back(next);
      }
    }
  }
  return lobe;
}

/// Q's matrix entries (a, b, c) from the Cholesky parameters.
Eigen::Vector3d quadraticForm(const Eigen::Vector3d& p) {
  const double l00 = std::exp(p[0]), l11 = std::exp(p[2]);
  return {l00 * l00, l00 * p[1], p[1] * p[1] + l11 * l11};
}

/// Starting point from the second moments of the lobe, corrected for the truncation at
/// `cutoff`: for a Gaussian cut where it falls below c = e^-S, the value-weighted second
/// moment is k times its covariance, k = (1 - c (1 + S)) / (1 - c).
Eigen::Vector3d momentStart(const std::vector<LobePixel>& lobe, double cutoff) {
  Eigen::Matrix2d moments = Eigen::Matrix2d::Zero();
  double weight = 0.0;
  for (const auto& p : lobe) {
    const double w = std::max(p.value, 0.0);
    moments(0, 0) += w * p.l * p.l;
    moments(0, 1) += w * p.l * p.m;
    moments(1, 1) += w * p.m * p.m;
    weight += w;
  }
  if (weight > 0.0) moments /= weight;
  moments(1, 0) = moments(0, 1);
  // Each pixel spreads over one cell (variance 1/12 per axis): keeps the matrix invertible when
  // the lobe is a single pixel or a single row.
  moments += Eigen::Matrix2d::Identity() / 12.0;
  const double c = std::clamp(cutoff, 1e-6, 0.99);
  const double s = -std::log(c);
  const double k = (1.0 - c * (1.0 + s)) / (1.0 - c);
  const Eigen::Matrix2d q = (moments / k).inverse() / 2.0;  // exp(-x^T Sigma^-1 x / 2)
  const double l00 = std::sqrt(q(0, 0));
  const double l10 = q(1, 0) / l00;
  const double l11 = std::sqrt(std::max(q(1, 1) - l10 * l10, 1e-12 * q(1, 1)));
  return {std::log(l00), l10, std::log(l11)};
}

double cost(const std::vector<LobePixel>& lobe, const Eigen::Vector3d& p) {
  const Eigen::Vector3d f = quadraticForm(p);
  double sum = 0.0;
  for (const auto& px : lobe) {
    const double q = f[0] * px.l * px.l + 2.0 * f[1] * px.l * px.m + f[2] * px.m * px.m;
    const double r = std::exp(-q) - px.value;
    sum += r * r;
  }
  return sum;
}

/// Levenberg-Marquardt on the Cholesky parameters; 3 unknowns, so the normal equations are
/// formed explicitly.
Eigen::Vector3d levenbergMarquardt(const std::vector<LobePixel>& lobe, Eigen::Vector3d p) {
  double lambda = 1e-3;
  double current = cost(lobe, p);
  for (int iteration = 0; iteration < 500; ++iteration) {
    const Eigen::Vector3d f = quadraticForm(p);
    const double l00 = std::exp(p[0]), l11 = std::exp(p[2]);
    // d(a, b, c) / d(p0, p1, p2), one column per parameter.
    const std::array<Eigen::Vector3d, 3> dform{Eigen::Vector3d{2.0 * f[0], f[1], 0.0},
                                               Eigen::Vector3d{0.0, l00, 2.0 * p[1]},
                                               Eigen::Vector3d{0.0, 0.0, 2.0 * l11 * l11}};
    Eigen::Matrix3d normal = Eigen::Matrix3d::Zero();
    Eigen::Vector3d gradient = Eigen::Vector3d::Zero();
    for (const auto& px : lobe) {
      const Eigen::Vector3d basis{px.l * px.l, 2.0 * px.l * px.m, px.m * px.m};
      const double g = std::exp(-basis.dot(f));
      Eigen::Vector3d jac;
      for (int k = 0; k < 3; ++k) jac[k] = -g * basis.dot(dform[k]);
      normal += jac * jac.transpose();
      gradient += jac * (g - px.value);
    }
    const double scale = std::max(normal.diagonal().maxCoeff(), 1e-300);
    bool accepted = false;
    while (lambda < 1e16) {
      Eigen::Matrix3d damped = normal;
      for (int k = 0; k < 3; ++k) damped(k, k) += lambda * std::max(normal(k, k), 1e-9 * scale);
      const Eigen::Vector3d step = damped.ldlt().solve(-gradient);
      const Eigen::Vector3d trial = p + step;
      const double trial_cost = step.allFinite() ? cost(lobe, trial) : HUGE_VAL;
      if (trial_cost < current) {
        const bool converged =
            current - trial_cost <= 1e-14 * current || step.cwiseAbs().maxCoeff() < 1e-12;
        p = trial;
        current = trial_cost;
        lambda = std::max(lambda / 10.0, 1e-12);
        accepted = true;
        if (converged) return p;
        break;
      }
      lambda *= 10.0;
    }
    if (!accepted) break;  // no step lowers the cost: at the minimum to rounding
  }
  return p;
}

}  // namespace

Beam fitPsfBeam(std::span<const double> psf, std::size_t nx, std::size_t ny, double cell_x_rad,
                double cell_y_rad, double cutoff) {
  if (nx == 0 || ny == 0 || psf.size() != nx * ny)
    throw std::invalid_argument("fitPsfBeam: psf must hold nx*ny > 0 values");
  if (!(cell_x_rad > 0.0) || !(cell_y_rad > 0.0))
    throw std::invalid_argument("fitPsfBeam: cell sizes must be positive");

  const auto lobe = mainLobe(psf, nx, ny, cutoff);
  const Eigen::Vector3d start = momentStart(lobe, cutoff);
  Eigen::Vector3d p = levenbergMarquardt(lobe, start);
  if (!p.allFinite()) p = start;

  // Back from cells to radians: Q = a (l/cx)^2 + 2b (l/cx)(m/cy) + c (m/cy)^2.
  const Eigen::Vector3d f = quadraticForm(p);
  const double a = f[0] / (cell_x_rad * cell_x_rad);
  const double b = f[1] / (cell_x_rad * cell_y_rad);
  const double c = f[2] / (cell_y_rad * cell_y_rad);
  // With u along the major axis (sin pa, cos pa): Q = 4 ln2 (u^2/major^2 + v^2/minor^2); the
  // smaller eigenvalue belongs to the major axis, and 2 pa = atan2(-2b, a - c).
  const double mean = 0.5 * (a + c);
  const double radius = std::hypot(0.5 * (a - c), b);
  const double small = std::max(mean - radius, 1e-300), large = mean + radius;
  Beam beam;
  beam.major_rad = std::sqrt(kFourLn2 / small);
  beam.minor_rad = std::sqrt(kFourLn2 / large);
  beam.pa_rad = 0.5 * std::atan2(-2.0 * b, a - c);
  if (beam.pa_rad <= -std::numbers::pi / 2) beam.pa_rad += std::numbers::pi;
  return beam;
}

}  // namespace ptclean::deconvolution
