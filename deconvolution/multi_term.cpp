#include "ptclean/deconvolution/multi_term.h"

#include <omp.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ptclean::deconvolution {

namespace {

Eigen::MatrixXd hessian(const MultiTermImages& images) {
  const std::size_t n = images.nterms, centre = (images.ny / 2) * images.nx + images.nx / 2;
  Eigen::MatrixXd h(n, n);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t j = 0; j < n; ++j) h(Eigen::Index(t), Eigen::Index(j)) = images.psf[t + j][centre];
  return h;
}

struct Pick {
  double criterion = -1.0, peak = 0.0;
  std::size_t pixel = 0;
};

}  // namespace

std::vector<double> multiTermHessianInverse(const MultiTermImages& images) {
  const Eigen::MatrixXd h = hessian(images);
  Eigen::FullPivLU<Eigen::MatrixXd> lu(h);
  if (!lu.isInvertible() || std::abs(lu.determinant()) < 1e-14 * std::pow(std::abs(h(0, 0)), double(images.nterms)))
    throw std::runtime_error("mtmfs: the Taylor-term Hessian is singular: the bandwidth is too narrow for nterms = " +
                             std::to_string(images.nterms));
  const Eigen::MatrixXd inverse = lu.inverse();
  std::vector<double> out(images.nterms * images.nterms);
  for (std::size_t t = 0; t < images.nterms; ++t)
    for (std::size_t j = 0; j < images.nterms; ++j) out[t * images.nterms + j] = inverse(Eigen::Index(t), Eigen::Index(j));
  return out;
}

std::vector<std::vector<double>> principalSolution(const MultiTermImages& images) {
  const std::vector<double> hinv = multiTermHessianInverse(images);
  const std::size_t n = images.nterms, pixels = images.nx * images.ny;
  std::vector<std::vector<double>> a(n, std::vector<double>(pixels, 0.0));
  for (std::size_t p = 0; p < pixels; ++p)
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t j = 0; j < n; ++j) a[t][p] += hinv[t * n + j] * images.residual[j][p];
  return a;
}

MinorCycleResult multiTermMinorCycle(const MultiTermImages& images, const MinorCycleSettings& settings) {
  settings.validate();
  const std::size_t n = images.nterms, nx = images.nx, ny = images.ny, pixels = nx * ny;
  const std::vector<double> hinv = multiTermHessianInverse(images);
  MinorCycleResult result;
  // The pixel to clean next: the largest chi^2 reduction a . r (ties to the lowest index, so the
  // choice does not depend on the thread count), and the peak |r_0| for the threshold.
  auto pick = [&] {
    const int threads = std::max(1, settings.threads);
    std::vector<Pick> best(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
    {
      Pick mine;
      double r[4], a[4];
#pragma omp for schedule(static)
      for (std::ptrdiff_t p = 0; p < std::ptrdiff_t(pixels); ++p) {
        if (!images.mask.empty() && !images.mask[std::size_t(p)]) continue;
        for (std::size_t t = 0; t < n; ++t) r[t] = images.residual[t][std::size_t(p)];
        double criterion = 0.0;
        for (std::size_t t = 0; t < n; ++t) {
          a[t] = 0.0;
          for (std::size_t j = 0; j < n; ++j) a[t] += hinv[t * n + j] * r[j];
          criterion += a[t] * r[t];
        }
        mine.peak = std::max(mine.peak, std::abs(r[0]));
        if (criterion > mine.criterion) {
          mine.criterion = criterion;
          mine.pixel = std::size_t(p);
        }
      }
      best[std::size_t(omp_get_thread_num())] = mine;
    }
    Pick all;
    for (const auto& b : best) {
      all.peak = std::max(all.peak, b.peak);
      if (b.criterion > all.criterion || (b.criterion == all.criterion && b.pixel < all.pixel)) {
        all.criterion = b.criterion;
        all.pixel = b.pixel;
      }
    }
    return all;
  };

  Pick current = pick();
  result.start_peak = current.peak;
  while (result.iterations < settings.max_iterations && current.criterion > 0.0) {
    if (current.peak <= settings.threshold) {
      result.reached_threshold = true;
      break;
    }
    const std::size_t px = current.pixel % nx, py = current.pixel / nx;
    double a[4];
    for (std::size_t t = 0; t < n; ++t) {
      a[t] = 0.0;
      for (std::size_t j = 0; j < n; ++j) a[t] += hinv[t * n + j] * images.residual[j][current.pixel];
      a[t] *= settings.gain;
      images.model[t][current.pixel] += a[t];
    }
    // r_t -= sum_j a_j psf_{t+j}, the PSFs centred on the component (their centre is (nx/2, ny/2)).
    const long dx = long(px) - long(nx / 2), dy = long(py) - long(ny / 2);
    const long x0 = std::max(0L, dx), x1 = std::min(long(nx), long(nx) + dx);
    const long y0 = std::max(0L, dy), y1 = std::min(long(ny), long(ny) + dy);
#pragma omp parallel for num_threads(std::max(1, settings.threads)) schedule(static)
    for (long y = y0; y < y1; ++y) {
      for (std::size_t t = 0; t < n; ++t) {
        double* r = images.residual[t].data() + std::size_t(y) * nx;
        for (std::size_t j = 0; j < n; ++j) {
          const double* p = images.psf[t + j].data() + std::size_t(y - dy) * nx;
          const double aj = a[j];
          for (long x = x0; x < x1; ++x) r[x] -= aj * p[x - dx];
        }
      }
    }
    ++result.iterations;
    current = pick();
  }
  result.final_peak = current.peak;
  result.diverging = result.final_peak > 1.5 * result.start_peak;
  return result;
}

}  // namespace ptclean::deconvolution
