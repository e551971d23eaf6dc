// Where a cube's channels go: the output axis from the data (in the outframe at the middle of
// the observation), balanced blocks of output channels per rank by visibility count, and the
// data channels each rank must read for its block.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cube_channels.h"
#include "imaging_settings.h"
#include "ms_reader.h"
#include "spectral_frame.h"

namespace ptclean::imager {

struct CubeLayout {
  CubeAxis axis;
  std::vector<std::pair<std::size_t, std::size_t>> blocks;  ///< per rank: output channels [first, end)
  std::vector<std::size_t> samples;                         ///< per output channel, estimated
  double factor_low = 1, factor_high = 1;                   ///< the frame factor's range over the data
};

/// The same on every rank (it depends only on the data and the keys).
CubeLayout layCube(const std::vector<std::unique_ptr<MsReader>>& readers, const CubeSettings& cube,
                   const FrameConversion& conversion, std::size_t ranks);

/// Output channels [first, end) cut into consecutive chunks whose samples fit in half of
/// `max_memory_bytes` (the other half is for the images and the gridder); one chunk when the
/// limit is 0 or everything fits.
std::vector<std::pair<std::size_t, std::size_t>> channelChunks(const CubeLayout& layout, std::size_t first,
                                                               std::size_t end, double max_memory_bytes);

/// The spw selection that reads only the data channels reaching output channels [first, end)
/// (one channel of margin), for a user selection of whole spws; "" when the rank needs none.
std::string spwSelectionFor(const MsSummary& summary, const CubeLayout& layout, std::size_t first, std::size_t end);

}  // namespace ptclean::imager
