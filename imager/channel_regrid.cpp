#include "channel_regrid.h"

#include <algorithm>
#include <cmath>

namespace ptclean::imager {

ChannelRegrid::ChannelRegrid(FrameConversion conversion, std::map<int, OutputGrid> grids,
                             std::map<int, std::vector<double>> input_freqs, std::string interpolation)
    : conversion_(std::move(conversion)), grids_(std::move(grids)), input_freqs_(std::move(input_freqs)),
      interpolation_(std::move(interpolation)) {}

ChannelAxis ChannelRegrid::outputAxis(int spw, const ChannelAxis& in) const {
  auto grid = grids_.find(spw);
  if (grid == grids_.end()) return in;
  const std::size_t n = grid->second.freq.size();
  ChannelAxis out{casacore::Vector<double>(n), casacore::Vector<double>(n), casacore::Vector<double>(n), casacore::Vector<double>(n)};
  for (std::size_t j = 0; j < n; ++j) {
    out.freq[j] = grid->second.freq[j];
    out.width[j] = grid->second.width[j];
    out.effective_bw[j] = out.resolution[j] = std::abs(grid->second.width[j]);
  }
  return out;
}

ChannelRegrid::Stencil ChannelRegrid::stencil(const std::vector<double>& x, double f) const {
  Stencil s;
  const long n = long(x.size());
  if (n == 0) return s;
  if (n == 1) {  // one channel covers its own width: regridding only relabels it
    s.count = 1;
    s.coeff[0] = 1.0;
    return s;
  }
  const bool ascending = x[1] > x[0];
  const double lo = ascending ? x.front() : x.back(), hi = ascending ? x.back() : x.front();
  const double tolerance = n > 1 ? 1e-9 * std::abs(x[1] - x[0]) : 0.0;
  if (f < lo - tolerance || f > hi + tolerance) return s;
  // k: the input channel at or just before f along the channel axis.
  long k = 0;
  while (k + 1 < n && (ascending ? x[std::size_t(k + 1)] <= f : x[std::size_t(k + 1)] >= f)) ++k;
  if (interpolation_ == "nearest") {
    const long best = (k + 1 < n && std::abs(x[std::size_t(k + 1)] - f) < std::abs(x[std::size_t(k)] - f)) ? k + 1 : k;
    s.count = 1;
    s.chan[0] = int(best);
    s.coeff[0] = 1.0;
    return s;
  }
  if (k + 1 >= n) k = n - 2;
  if (interpolation_ == "cubic" && n >= 4) {
    // Lagrange through the four channels around f.
    const long first = std::clamp(k - 1, 0L, n - 4);
    s.count = 4;
    for (int i = 0; i < 4; ++i) {
      double c = 1.0;
      for (int m = 0; m < 4; ++m)
        if (m != i) c *= (f - x[std::size_t(first + m)]) / (x[std::size_t(first + i)] - x[std::size_t(first + m)]);
      s.chan[i] = int(first + i);
      s.coeff[i] = c;
    }
    return s;
  }
  const double t = (f - x[std::size_t(k)]) / (x[std::size_t(k + 1)] - x[std::size_t(k)]);
  s.count = 2;
  s.chan[0] = int(k);
  s.chan[1] = int(k + 1);
  s.coeff[0] = 1.0 - t;
  s.coeff[1] = t;
  return s;
}

void ChannelRegrid::begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights, bool) {
  auto grid = grids_.find(spw);
  active_ = grid != grids_.end();
  if (!active_) {
    out_flags_.reference(flags);
    out_weights_.reference(weights);
    weight_ratio_.resize(flags.shape()[0], flags.shape()[2]);
    weight_ratio_ = 1.0f;
    return;
  }
  const std::vector<double>& topo = input_freqs_.at(spw);
  const long ncorr = flags.shape()[0], nrow = flags.shape()[2];
  nout_ = long(grid->second.freq.size());
  stencils_.assign(std::size_t(nrow * nout_), Stencil{});
  out_flags_.resize(ncorr, nout_, nrow);
  out_weights_.resize(ncorr, nout_, nrow);
  std::vector<double> moved(topo.size());
  for (long r = 0; r < nrow; ++r) {
    const double factor = conversion_.factor(times_[r]);
    for (std::size_t c = 0; c < topo.size(); ++c) moved[c] = topo[c] * factor;
    for (long j = 0; j < nout_; ++j) {
      const Stencil s = stencil(moved, grid->second.freq[std::size_t(j)]);
      stencils_[std::size_t(r * nout_ + j)] = s;
      for (long p = 0; p < ncorr; ++p) {
        bool flagged = s.count == 0;
        double variance = 0.0;
        for (int i = 0; i < s.count; ++i) {
          if (s.coeff[i] == 0.0) continue;
          const float w = weights(p, s.chan[i], r);
          flagged = flagged || flags(p, s.chan[i], r);
          variance += w > 0.0f ? s.coeff[i] * s.coeff[i] / w : 0.0;
        }
        out_flags_(p, j, r) = flagged;
        out_weights_(p, j, r) = variance > 0.0 ? float(1.0 / variance) : 0.0f;
      }
    }
  }
  weight_ratio_.reference(medianWeightRatio(weights, out_weights_));
}

template <typename T>
casacore::Cube<T> ChannelRegrid::apply(const casacore::Cube<T>& in) const {
  if (!active_) return in;
  const long ncorr = in.shape()[0], nrow = in.shape()[2];
  casacore::Cube<T> out(ncorr, nout_, nrow);
  for (long r = 0; r < nrow; ++r)
    for (long j = 0; j < nout_; ++j) {
      const Stencil& s = stencils_[std::size_t(r * nout_ + j)];
      for (long p = 0; p < ncorr; ++p) {
        T value{};
        for (int i = 0; i < s.count; ++i) value += in(p, s.chan[i], r) * float(s.coeff[i]);
        out(p, j, r) = value;
      }
    }
  return out;
}

casacore::Cube<casacore::Complex> ChannelRegrid::data(const casacore::Cube<casacore::Complex>& in) const { return apply(in); }
casacore::Cube<float> ChannelRegrid::floatData(const casacore::Cube<float>& in) const { return apply(in); }

}  // namespace ptclean::imager
