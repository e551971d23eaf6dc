#include "weighting.h"

#include <cmath>
#include <numbers>

namespace ptclean::imager {
namespace {
constexpr double kSpeedOfLight = 299792458.0;

/// Calls visit(u, v, weight&) for every unflagged sample; const blocks give const weights.
template <typename Block, typename Visit>
void forEachSample(std::span<Block> blocks, Visit&& visit) {
  for (auto& block : blocks) {
    const std::size_t nchan = block.freq_hz.size();
    for (std::size_t r = 0; r < block.rows(); ++r)
      for (std::size_t c = 0; c < nchan; ++c) {
        auto& w = block.weight[r * nchan + c];
        if (w == 0.0f) continue;
        const double k = block.freq_hz[c] / kSpeedOfLight;
        visit(block.uvw_m[3 * r] * k, block.uvw_m[3 * r + 1] * k, w);
      }
  }
}
}  // namespace

WeightDensity::WeightDensity(std::size_t nx, std::size_t ny, double cell_x_rad, double cell_y_rad)
    : nx_(nx), ny_(ny), scale_u_(double(nx) * cell_x_rad), scale_v_(double(ny) * cell_y_rad),
      cells_(nx * ny, 0.0) {}

std::size_t WeightDensity::cellOf(double u, double v) const {
  // uv cells of the image's Fourier grid; beyond its edge they wrap, as the gridder does.
  long iu = long(std::lround(u * scale_u_)) + long(nx_ / 2);
  long iv = long(std::lround(v * scale_v_)) + long(ny_ / 2);
  iu = ((iu % long(nx_)) + long(nx_)) % long(nx_);
  iv = ((iv % long(ny_)) + long(ny_)) % long(ny_);
  return std::size_t(iv) * nx_ + std::size_t(iu);
}

void WeightDensity::add(std::span<const SpwBlock> blocks) {
  // Each sample also stands for its Hermitian mirror (-u, -v), which the image contains too.
  forEachSample(blocks, [&](double u, double v, const float& w) {
    cells_[cellOf(u, v)] += w;
    cells_[cellOf(-u, -v)] += w;
  });
}

void WeightDensity::apply(std::span<SpwBlock> blocks, Weighting weighting, double robust) const {
  if (weighting == Weighting::Natural) return;
  double f2 = 0.0;
  if (weighting == Weighting::Briggs) {
    // CASA's Briggs: f^2 = (5 10^-R)^2 / (sum_cells W^2 / sum_samples w)
    double sum_w2 = 0.0, sum_w = 0.0;
    for (double c : cells_) sum_w2 += c * c, sum_w += c;
    f2 = std::pow(5.0 * std::pow(10.0, -robust), 2) / (sum_w2 / sum_w);
  }
  forEachSample(blocks, [&](double u, double v, float& w) {
    const double density = cells_[cellOf(u, v)];
    w = weighting == Weighting::Uniform ? float(w / density) : float(w / (1.0 + density * f2));
  });
}

void applyUvTaper(std::span<SpwBlock> blocks, std::span<const double> taper) {
  if (taper.empty()) return;
  const double major = taper[0], minor = taper.size() > 1 ? taper[1] : taper[0];
  const double pa = taper.size() > 2 ? taper[2] : 0.0;
  // A Gaussian of image FWHM theta is, in the uv-plane, exp(-pi^2 theta^2 q^2 / (4 ln 2)).
  const double c = std::numbers::pi * std::numbers::pi / (4.0 * std::log(2.0));
  const double s = std::sin(pa), co = std::cos(pa);
  forEachSample(blocks, [&](double u, double v, float& w) {
    const double along_major = u * s + v * co, along_minor = u * co - v * s;
    w *= float(std::exp(-c * (major * major * along_major * along_major + minor * minor * along_minor * along_minor)));
  });
}

double sumOfWeights(std::span<const SpwBlock> blocks) {
  double sum = 0.0;
  for (const auto& block : blocks)
    for (float w : block.weight) sum += w;
  return sum;
}

}  // namespace ptclean::imager
