// The output channels of a cube (tclean's nchan, start, width in the outframe) and which data
// samples reach each: a data channel, its frequency converted to the outframe at the row's
// time, goes to the output channel it falls in (interpolation 'nearest'), or each output channel
// interpolates the two data channels around its centre ('linear').
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imaging_settings.h"
#include "ms_reader.h"

namespace ptclean::imager {

struct CubeAxis {
  double first_hz = 0;   ///< centre of output channel 0, in the outframe
  double width_hz = 0;   ///< increment (negative: frequency falls with the channel number)
  std::size_t nchan = 0;
  double centre(std::size_t k) const { return first_hz + double(k) * width_hz; }
  /// The output channel a frequency falls in, or -1.
  long channelOf(double freq_hz) const;
};

/// The axis from the keys and the data's channel centres in the outframe (any order) and their
/// typical width. Throws ConfigError naming the key that cannot be honoured.
CubeAxis defineCubeAxis(const CubeSettings& cube, std::vector<double> data_freq_hz, double data_width_hz);

/// For 'nearest': which output channel of [first, end) each usable sample of `blocks` falls in,
/// grouped by channel (a counting sort), so that each channel's samples are gathered without
/// scanning everyone else's: one pass over the data for the whole chunk of channels.
struct ChannelIndex {
  struct Entry {
    std::uint32_t block, row, chan;
  };
  std::size_t first = 0;
  std::vector<std::size_t> start;  ///< per channel k - first, into entries; one more at the end
  std::vector<Entry> entries;
};
template <typename Factor>
ChannelIndex indexChannels(const std::vector<SpwBlock>& blocks, const CubeAxis& axis, std::size_t first,
                           std::size_t end, Factor&& factor);

/// Output channel k's samples from `blocks` (data read with per-row times), as one block whose
/// single frequency is the channel's centre and whose uvw are scaled so that the gridder sees
/// each sample at the frequency it was observed at. `factor(t)` converts TOPO to the outframe.
/// With `index` (nearest), only the indexed samples are visited.
template <typename Factor>
SpwBlock planeBlock(const std::vector<SpwBlock>& blocks, const CubeAxis& axis, std::size_t k, bool linear,
                    Factor&& factor, const ChannelIndex* index = nullptr);

}  // namespace ptclean::imager

#include "cube_channels_plane.h"
