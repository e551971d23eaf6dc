// Private to ms_concat (C++17-clean). Merging a member's ANTENNA and FEED tables into the
// reference's, as CASA's concat does: antennas match by name, station and position, feeds by
// antenna, feed and spectral window.
#pragma once

#include <cstddef>

#include "ms_concat_rows.h"

namespace ptclean::imager::concat {

/// An antenna of `from` is the nearest one of `to` with its name and station within 1 m; the
/// others are added. Returns the ANTENNA_ID map.
IdMap mergeAntennas(casacore::Table& to, const casacore::Table& from, Count& count);

/// FEED rows are keyed by antenna, feed and spw (-1: every spw). A row of `from` is added unless
/// `to` already describes that feed of that (renumbered) antenna for that spw. Returns the rows added.
std::size_t mergeFeeds(casacore::Table& to, const casacore::Table& from, const IdMap& antennas, const IdMap& spws);

}  // namespace ptclean::imager::concat
