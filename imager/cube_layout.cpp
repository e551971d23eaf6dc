#include "cube_layout.h"

#include <algorithm>
#include <cmath>

#include "ptclean/partition/row_shares.h"
#include "visibility_source.h"

namespace ptclean::imager {

CubeLayout layCube(const std::vector<std::unique_ptr<MsReader>>& readers, const CubeSettings& cube,
                   const FrameConversion& conversion, std::size_t ranks) {
  CubeLayout layout;
  double start = 1e300, end = -1e300;
  std::vector<MsSummary> summaries;
  for (const auto& reader : readers) {
    summaries.push_back(reader->summary());
    start = std::min(start, summaries.back().start_time_mjd_s);
    end = std::max(end, summaries.back().end_time_mjd_s);
  }
  // The Doppler factor changes slowly and smoothly over an observation: its ends and middle
  // bound it (to far better than a channel) for the channel ranges each rank reads.
  layout.factor_low = 1e300;
  layout.factor_high = -1e300;
  for (double t : {start, 0.25 * (3 * start + end), 0.5 * (start + end), 0.25 * (start + 3 * end), end}) {
    layout.factor_low = std::min(layout.factor_low, conversion.factor(t));
    layout.factor_high = std::max(layout.factor_high, conversion.factor(t));
  }
  const double middle = conversion.factor(0.5 * (start + end));
  std::vector<double> freqs, widths;
  for (const auto& summary : summaries)
    for (const auto& [spw, f] : summary.spw_freq_hz) {
      for (double v : f) freqs.push_back(v * middle);
      const auto& w = summary.spw_width_hz.at(spw);
      widths.insert(widths.end(), w.begin(), w.end());
    }
  std::sort(widths.begin(), widths.end());
  const double width = widths.empty() ? 0.0 : widths[widths.size() / 2] * middle;
  layout.axis = defineCubeAxis(cube, freqs, width);

  // Balanced by visibility count: each selected row brings one sample per data channel.
  std::vector<std::size_t> cost(layout.axis.nchan, 0);
  for (std::size_t m = 0; m < readers.size(); ++m) {
    const std::size_t rows = readers[m]->selectedRows();
    const std::size_t spws = std::max<std::size_t>(1, summaries[m].spw_freq_hz.size());
    for (const auto& [spw, f] : summaries[m].spw_freq_hz)
      for (double v : f) {
        const long k = layout.axis.channelOf(v * middle);
        if (k >= 0) cost[std::size_t(k)] += rows / spws + 1;
      }
  }
  for (const auto& block : partition::balancedBlocks(cost, ranks)) layout.blocks.emplace_back(block.begin, block.end);
  layout.samples = cost;
  return layout;
}

std::vector<std::pair<std::size_t, std::size_t>> channelChunks(const CubeLayout& layout, std::size_t first,
                                                               std::size_t end, double max_memory_bytes) {
  if (first >= end) return {};
  if (!(max_memory_bytes > 0.0)) return {{first, end}};
  const double budget = 0.5 * max_memory_bytes;
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  std::size_t begin = first;
  double bytes = 0.0;
  for (std::size_t k = first; k < end; ++k) {
    // A chunk also reads one channel of margin on each side (spwSelectionFor).
    const double channel = double(layout.samples[k]) * VisibilitySource::kBytesPerSample;
    if (k > begin && bytes + channel > budget) {
      chunks.emplace_back(begin, k);
      begin = k;
      bytes = 0.0;
    }
    bytes += channel;
  }
  chunks.emplace_back(begin, end);
  return chunks;
}

std::string spwSelectionFor(const MsSummary& summary, const CubeLayout& layout, std::size_t first, std::size_t end) {
  if (first >= end) return "";
  const auto& axis = layout.axis;
  // The frequency range, in the outframe, of output channels first-1 .. end (one of margin).
  const double a = axis.centre(first) - 1.5 * axis.width_hz, b = axis.centre(end - 1) + 1.5 * axis.width_hz;
  const double low = std::min(a, b), high = std::max(a, b);
  std::string selection;
  for (const auto& [spw, f] : summary.spw_freq_hz) {
    long lo = -1, hi = -1;
    for (std::size_t c = 0; c < f.size(); ++c) {
      // Reaches the range at some time of the observation.
      if (f[c] * layout.factor_high >= low && f[c] * layout.factor_low <= high) {
        if (lo < 0) lo = long(c);
        hi = long(c);
      }
    }
    if (lo < 0) continue;
    selection += (selection.empty() ? "" : ",") + std::to_string(spw) + ":" + std::to_string(lo) + "~" + std::to_string(hi);
  }
  return selection;
}

}  // namespace ptclean::imager
