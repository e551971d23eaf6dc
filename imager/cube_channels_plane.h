// planeBlock (cube_channels.h): a template, so that the frame conversion is inlined per row.
#pragma once

#include <cmath>

namespace ptclean::imager {

template <typename Factor>
ChannelIndex indexChannels(const std::vector<SpwBlock>& blocks, const CubeAxis& axis, std::size_t first,
                           std::size_t end, Factor&& factor) {
  ChannelIndex index;
  index.first = first;
  std::vector<std::uint32_t> channel_of;  // k - first of each usable sample, in data order
  std::vector<std::size_t> count(end - first + 1, 0);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto& block = blocks[b];
    const std::size_t nchan = block.freq_hz.size();
    for (std::size_t r = 0; r < block.rows(); ++r) {
      const double f = factor(block.time_s[r]);
      for (std::size_t c = 0; c < nchan; ++c) {
        if (!(block.weight[r * nchan + c] > 0.0f)) continue;
        const long k = axis.channelOf(block.freq_hz[c] * f);
        if (k < long(first) || k >= long(end)) continue;
        channel_of.push_back(std::uint32_t(k - long(first)));
        index.entries.push_back({std::uint32_t(b), std::uint32_t(r), std::uint32_t(c)});
        ++count[std::size_t(k) - first + 1];
      }
    }
  }
  index.start.assign(count.size(), 0);
  for (std::size_t i = 1; i < count.size(); ++i) index.start[i] = index.start[i - 1] + count[i];
  std::vector<ChannelIndex::Entry> sorted(index.entries.size());
  std::vector<std::size_t> next(index.start.begin(), index.start.end() - 1);
  for (std::size_t i = 0; i < index.entries.size(); ++i) sorted[next[channel_of[i]]++] = index.entries[i];
  index.entries = std::move(sorted);
  return index;
}

template <typename Factor>
SpwBlock planeBlock(const std::vector<SpwBlock>& blocks, const CubeAxis& axis, std::size_t k, bool linear,
                    Factor&& factor, const ChannelIndex* index) {
  SpwBlock out;
  const double centre = axis.centre(k);
  out.freq_hz = {centre};
  auto add = [&](const SpwBlock& block, std::size_t r, double observed_hz, std::complex<float> value, float weight) {
    const double scale = observed_hz / centre;
    out.uvw_m.insert(out.uvw_m.end(), {block.uvw_m[3 * r] * scale, block.uvw_m[3 * r + 1] * scale,
                                       block.uvw_m[3 * r + 2] * scale});
    out.vis.push_back(value);
    out.weight.push_back(weight);
    out.time_s.push_back(block.time_s[r]);
  };
  if (index && !linear) {
    const std::size_t i = k - index->first;
    for (std::size_t e = index->start[i]; e < index->start[i + 1]; ++e) {
      const auto& entry = index->entries[e];
      const SpwBlock& block = blocks[entry.block];
      const std::size_t at = std::size_t(entry.row) * block.freq_hz.size() + entry.chan;
      out.spw = block.spw;
      add(block, entry.row, block.freq_hz[entry.chan], block.vis[at], block.weight[at]);
    }
    return out;
  }
  for (const auto& block : blocks) {
    const std::size_t nchan = block.freq_hz.size();
    if (nchan == 0) continue;
    out.spw = block.spw;
    for (std::size_t r = 0; r < block.rows(); ++r) {
      const double f = factor(block.time_s[r]);
      const std::size_t base = r * nchan;
      if (!linear) {
        for (std::size_t c = 0; c < nchan; ++c)
          if (block.weight[base + c] > 0.0f && axis.channelOf(block.freq_hz[c] * f) == long(k))
            add(block, r, block.freq_hz[c], block.vis[base + c], block.weight[base + c]);
        continue;
      }
      // The two data channels around the centre, in the outframe, whichever way the spw runs.
      for (std::size_t c = 0; c + 1 < nchan; ++c) {
        const double a = block.freq_hz[c] * f, b = block.freq_hz[c + 1] * f;
        if (!((a <= centre && centre <= b) || (b <= centre && centre <= a)) || a == b) continue;
        const float wa = block.weight[base + c], wb = block.weight[base + c + 1];
        if (wa > 0.0f && wb > 0.0f) {
          const double t = (centre - a) / (b - a);
          const std::complex<float> value = float(1.0 - t) * block.vis[base + c] + float(t) * block.vis[base + c + 1];
          // The variance of the interpolated value: (1-t)^2 / wa + t^2 / wb.
          const float weight = float(1.0 / ((1.0 - t) * (1.0 - t) / wa + t * t / wb));
          add(block, r, centre / f, value, weight);
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace ptclean::imager
