#include "channel_average.h"

#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "config.h"
#include "ms_transform.h"

namespace ptclean::imager {

ChannelAverage::ChannelAverage(std::map<int, int> width_of_spw, int default_width)
    : width_of_spw_(std::move(width_of_spw)), default_width_(default_width) {}

int ChannelAverage::widthOf(int spw) const {
  auto found = width_of_spw_.find(spw);
  return std::max(1, found == width_of_spw_.end() ? default_width_ : found->second);
}

ChannelAxis ChannelAverage::outputAxis(int spw, const ChannelAxis& in) const {
  const std::size_t width = std::size_t(widthOf(spw)), n = in.freq.size(), bins = (n + width - 1) / width;
  ChannelAxis out{casacore::Vector<double>(bins, 0.0), casacore::Vector<double>(bins, 0.0),
                  casacore::Vector<double>(bins, 0.0), casacore::Vector<double>(bins, 0.0)};
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t first = b * width, last = std::min(n, first + width);
    for (std::size_t c = first; c < last; ++c) {
      out.freq[b] += in.freq[c] / double(last - first);
      out.width[b] += in.width[c];
      out.effective_bw[b] += in.effective_bw[c];
      out.resolution[b] += in.resolution[c];
    }
  }
  return out;
}

void ChannelAverage::begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights, bool) {
  width_ = widthOf(spw);
  in_flags_.reference(flags);
  in_weights_.reference(weights);
  const long ncorr = flags.shape()[0], nchan = flags.shape()[1], nrow = flags.shape()[2];
  const long bins = (nchan + width_ - 1) / width_;
  out_flags_.resize(ncorr, bins, nrow);
  out_weights_.resize(ncorr, bins, nrow);
  for (long r = 0; r < nrow; ++r)
    for (long b = 0; b < bins; ++b)
      for (long p = 0; p < ncorr; ++p) {
        float unflagged = 0.0f, all = 0.0f;
        bool any = false;
        for (long c = b * width_; c < std::min(nchan, (b + 1) * width_); ++c) {
          all += weights(p, c, r);
          if (!flags(p, c, r)) {
            unflagged += weights(p, c, r);
            any = true;
          }
        }
        out_flags_(p, b, r) = !any;
        out_weights_(p, b, r) = any ? unflagged : all;
      }
  weight_ratio_.reference(medianWeightRatio(weights, out_weights_));
}

template <typename T>
casacore::Cube<T> ChannelAverage::average(const casacore::Cube<T>& in) const {
  const long ncorr = in.shape()[0], nchan = in.shape()[1], nrow = in.shape()[2];
  const long bins = (nchan + width_ - 1) / width_;
  casacore::Cube<T> out(ncorr, bins, nrow);
  for (long r = 0; r < nrow; ++r)
    for (long b = 0; b < bins; ++b)
      for (long p = 0; p < ncorr; ++p) {
        // The unflagged channels when there are any, else all of them; by weight, or plainly
        // where the weights are all 0.
        const bool flagged_bin = out_flags_(p, b, r);
        double sum_w = 0.0;
        T sum{};
        long count = 0;
        T plain{};
        for (long c = b * width_; c < std::min(nchan, (b + 1) * width_); ++c) {
          if (!flagged_bin && in_flags_(p, c, r)) continue;
          const double w = in_weights_(p, c, r);
          sum += in(p, c, r) * float(w);
          sum_w += w;
          plain += in(p, c, r);
          ++count;
        }
        out(p, b, r) = sum_w > 0.0 ? sum / float(sum_w) : (count > 0 ? plain / float(count) : T{});
      }
  return out;
}

casacore::Cube<casacore::Complex> ChannelAverage::data(const casacore::Cube<casacore::Complex>& in) const {
  return average(in);
}

casacore::Cube<float> ChannelAverage::floatData(const casacore::Cube<float>& in) const { return average(in); }

TransformFactory channelAveraging(const std::vector<long>& width, const std::string& spw_expression) {
  if (width.size() == 1 && width[0] == 1) return {};
  return [width, spw_expression](const casacore::MeasurementSet& ms) -> std::shared_ptr<SpectralTransform> {
    std::map<int, int> width_of_spw;
    if (width.size() > 1) {
      const std::vector<int> spws = selectedSpwIds(ms, spw_expression);
      if (spws.size() != width.size())
        throw ConfigError("key 'width': " + std::to_string(width.size()) + " widths for " + std::to_string(spws.size()) +
                          " selected spws; give one width, or one per selected spw");
      for (std::size_t i = 0; i < spws.size(); ++i) width_of_spw[spws[i]] = int(width[i]);
    }
    return std::make_shared<ChannelAverage>(width_of_spw, int(width[0]));
  };
}

}  // namespace ptclean::imager
