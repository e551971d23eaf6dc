// C++17-clean (its implementation includes casacore). Writes the model visibilities back into a
// MeasurementSet's MODEL_DATA (tclean's savemodel='modelcolumn'); nothing else in the MS changes.
//
//   if (rank == 0) prepareModelColumn("obs.ms");        // MODEL_DATA exists (zeros if new)
//   ... then each rank in turn:
//   writeModelColumn("obs.ms", my_blocks, my_predicted);  // only my rows and selected channels
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "ms_reader.h"

namespace ptclean::imager {

/// Adds MODEL_DATA, shaped as DATA and filled with zeros, when the MS has none. Returns whether
/// it was added. Throws std::runtime_error naming the MS when it cannot be written.
bool prepareModelColumn(const std::string& path);

/// Adds the visibility column `column` (MODEL_DATA, CORRECTED_DATA), shaped as DATA, when the MS
/// has none: filled with a copy of DATA when `copy_data`, else with zeros. Returns whether it was
/// added. Throws std::runtime_error naming `task`, the column and the MS when it cannot be written.
bool addVisibilityColumn(const std::string& path, const std::string& column, bool copy_data, const std::string& task);

/// Writes the Stokes I model of `blocks` (model[b][row * channels + k], in the imaging frame)
/// into MODEL_DATA: parallel hands = I, cross hands = 0, at each block's rows and selected
/// channels, with the phase rotation to the imaging centre undone.
void writeModelColumn(const std::string& path, const std::vector<const SpwBlock*>& blocks,
                      const std::vector<const std::vector<std::complex<float>>*>& model);

}  // namespace ptclean::imager
