// C++17 (includes casacore). flagdata mode='rflag', in the spirit of CASA's RFlag (Rau's
// sliding-window statistics), on the rows of one MS:
//  - time: for every baseline, correlation and channel, the standard deviation of the amplitude
//    over `winsize` consecutive times; `timedev` is the median of these over the data
//    description (unless given); samples whose deviation exceeds timedevscale x timedev are flagged;
//  - frequency: for every row and correlation, each channel's distance from the median amplitude
//    over the channels; `freqdev` is the median of the per-row robust rms (1.4826 x median
//    distance); channels farther than freqdevscale x freqdev are flagged.
// The thresholds are computed per MS, so per Sub-MS of a Multi-MS, as CASA documents.
#pragma once

#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/Table.h>

#include <nlohmann/json.hpp>

#include <vector>

#include "flag_settings.h"

namespace ptclean::imager {

struct RflagFlags {
  nlohmann::json thresholds = nlohmann::json::array();  ///< [{"spw", "timedev", "freqdev"}] per data description
  std::vector<std::vector<char>> samples;  ///< per row of the selection: cell (chan * ncorr + corr) flags
  bool flagged(std::size_t row, std::size_t cell) const { return samples[row][cell] != 0; }
};

RflagFlags rflagFlags(const casacore::MeasurementSet& ms, const casacore::Table& rows, const FlagCommand& command);

}  // namespace ptclean::imager
