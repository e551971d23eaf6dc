#include "kernel_choice.h"

#include "image_plane.h"

#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>

namespace ptclean::gridding {
namespace {

constexpr int kMinSupport = 4;
constexpr int kMaxSupport = 16;
constexpr double kOversamplings[] = {1.25, 1.4, 1.5, 1.6, 1.75, 2.0, 2.3};

/// The beta minimising the aliasing error for this support and oversampling (golden section;
/// the error is unimodal in beta: too small leaks aliases, too large narrows the main lobe).
KernelCandidate optimiseBeta(int support, double oversampling) {
  double lo = 1.0 * support, hi = 3.2 * support;
  const double golden = 0.5 * (std::sqrt(5.0) - 1.0);
  auto error = [&](double beta) { return aliasingError({support, beta}, oversampling); };
  double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
  double fa = error(a), fb = error(b);
  for (int i = 0; i < 18; ++i) {  // beta to ~1e-4 of its range: plenty for the error
    if (fa < fb) {
      hi = b, b = a, fb = fa;
      a = hi - golden * (hi - lo);
      fa = error(a);
    } else {
      lo = a, a = b, fa = fb;
      b = lo + golden * (hi - lo);
      fb = error(b);
    }
  }
  double beta = fa < fb ? a : b;
  return {{support, beta}, oversampling, std::min(fa, fb)};
}

}  // namespace

KernelCandidate bestKernelFor(double per_dimension_error, double oversampling) {
  static std::mutex mutex;
  static std::map<std::pair<int, double>, KernelCandidate> cache;
  static std::map<std::pair<double, double>, KernelCandidate> chosen;
  std::lock_guard lock(mutex);
  auto done = chosen.find({per_dimension_error, oversampling});
  if (done != chosen.end()) return done->second;
  for (int support = kMinSupport; support <= kMaxSupport; ++support) {
    auto key = std::make_pair(support, oversampling);
    auto found = cache.find(key);
    if (found == cache.end()) found = cache.emplace(key, optimiseBeta(support, oversampling)).first;
    if (found->second.error > per_dimension_error) continue;
    KernelCandidate candidate = found->second;
    try {
      candidate.poly = KernelPolynomial::fit(candidate.kernel, 0.1 * per_dimension_error);
    } catch (const std::runtime_error&) {
      continue;
    }
    chosen.emplace(std::make_pair(per_dimension_error, oversampling), candidate);
    return candidate;
  }
  chosen.emplace(std::make_pair(per_dimension_error, oversampling), KernelCandidate{});
  return {};  // support 0: not reachable at this oversampling
}

std::size_t goodFftSize(std::size_t n) {
  for (std::size_t candidate = n + (n & 1);; candidate += 2) {
    std::size_t rest = candidate;
    for (std::size_t f : {2, 3, 5, 7})
      while (rest % f == 0) rest /= f;
    if (rest == 1) return candidate;
  }
}

std::size_t smallGridSize(std::size_t period, std::size_t image, double reach, int support, double w_abs_max,
                          double cell_rad, bool w_correction) {
  if (!(reach > 0.0)) return period;
  const double half_period = 0.5 * double(period) * cell_rad;
  const double exact = (double(image / 2) + 1.0) * cell_rad;
  if (exact >= half_period || 1.5 * half_period >= 1.0) return period;  // no room to level off; or near the horizon
  double half = reach * 0.5 * double(period) + 0.5 * support + 2.0;
  if (w_correction) {
    // A screen's local frequency is w |grad n|, largest where the levelled coordinates peak
    // (both at once: a corner); and its levelling off widens its spectrum.
    const double r = std::sqrt(2.0) * levelledCoordinate(half_period, exact, half_period);
    const double slope = r / std::sqrt(1.0 - r * r);
    half += 1.5 * w_abs_max * slope * 2.0 * half_period + transitionCells(exact, half_period);
  }
  const std::size_t size = goodFftSize(std::size_t(std::ceil(2.0 * half)));
  return size < period ? size : period;
}

Plan choosePlan(const WorkloadShape& shape, double accuracy) {
  // The error budget is shared by u, v and (with w-correction) w; the kernel is also evaluated
  // by polynomial, and the grid holds float or double.
  const int dims = shape.w_correction ? 3 : 2;
  // Measured against the DFT (tests/gridding), the worst pixel stays ten times or more below the
  // per-dimension aliasing estimate, which assumes that every alias adds in phase at every pixel;
  // so each dimension may use the whole budget.
  const double per_dimension = accuracy;
  Plan best;
  best.cost = std::numeric_limits<double>::infinity();
  for (double sigma : kOversamplings) {
    KernelCandidate candidate = bestKernelFor(per_dimension, sigma);
    if (candidate.kernel.support == 0) continue;
    const int W = candidate.kernel.support;
    // The image is divided by the kernel's transform, which is smallest at the field's corners:
    // rounding errors of the grid grow by that ratio in each dimension. Use float only where
    // its rounding, so amplified, stays well inside the requested accuracy.
    const double amplification = std::pow(
        candidate.kernel.fourier(0.0) / candidate.kernel.fourier(0.5 / sigma), dims);
    const bool use_double = accuracy < 2e-5 || 4.0 * 6e-8 * amplification > 0.5 * accuracy;
    Plan plan;
    plan.candidate = candidate;
    plan.double_precision = use_double;
    plan.period_nx = plan.grid_nx = goodFftSize(std::max<std::size_t>(std::ceil(sigma * shape.nx), 2 * W + 2));
    plan.period_ny = plan.grid_ny = goodFftSize(std::max<std::size_t>(std::ceil(sigma * shape.ny), 2 * W + 2));
    const std::size_t small_nx = smallGridSize(plan.period_nx, shape.nx, shape.u_reach, W, shape.w_abs_max,
                                               shape.cell_x_rad, shape.w_correction);
    const std::size_t small_ny = smallGridSize(plan.period_ny, shape.ny, shape.v_reach, W, shape.w_abs_max,
                                               shape.cell_y_rad, shape.w_correction);
    // Worth it only where both axes shrink clearly: the interpolation costs about one FFT of the period.
    const bool small = small_nx * 5 <= plan.period_nx * 4 && small_ny * 5 <= plan.period_ny * 4;
    if (small) plan.grid_nx = small_nx, plan.grid_ny = small_ny;
    double taps = double(W) * W;
    if (shape.w_correction) {
      // Planes are spaced so that the w-kernel's transform is sampled like the u and v ones:
      // dw * max|n''| = 1 / (2 sigma).
      plan.w_step = shape.n_half_range > 0.0 ? 0.5 / (sigma * shape.n_half_range)
                                              : std::max(1.0, 2.0 * shape.w_range + 1.0);
      plan.w_planes = std::size_t(std::ceil(shape.w_range / plan.w_step - 0.5)) + W;
      taps *= W;
    }
    double grid_points = double(plan.grid_nx) * plan.grid_ny;
    // Per plane: the FFT, zeroing, and the screen over the samples kept (the image, or with small
    // inversion the whole coarse period, which is then interpolated once).
    const double kept = small ? grid_points : double(shape.nx) * shape.ny;
    double fft = grid_points * std::log2(grid_points) * 1.2 + grid_points * 3.0 + kept * 4.0;
    double once = 0.0;
    if (small) {
      const double period_points = double(plan.period_nx) * plan.period_ny;
      once = 0.6 * period_points * std::log2(period_points) * 1.2 + double(shape.nx) * shape.ny * 4.0;
    }
    double precision_factor = use_double ? 1.6 : 1.0;
    plan.cost = precision_factor * (plan.w_planes * fft + double(shape.visibilities) * (taps + 30.0)) + once;
    if (plan.cost < best.cost) best = plan;
  }
  if (!std::isfinite(best.cost))
    throw std::invalid_argument("gridder accuracy " + std::to_string(accuracy) +
                                " cannot be reached (kernel support above 16); use a larger accuracy");
  return best;
}

}  // namespace ptclean::gridding
