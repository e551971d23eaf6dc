// C++17-clean (the regridding plan's implementation includes casacore). The keys of mstransform
// and cvel2 (CASA's names and defaults) and what they do to each part of the input: split's
// selection and data column, regridding onto a new channel grid in another frame
// (channel_regrid.h), then channel averaging (channel_average.h). cvel2 is mstransform with
// regridms=true, as in CASA.
#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "data_task_settings.h"
#include "ms_transform.h"

namespace ptclean::imager {

struct RegridSettings {
  bool enabled = false;
  std::string mode = "channel";  ///< channel, frequency, velocity
  long nchan = -1;               ///< -1: as many as the input covers
  std::string start, width;      ///< '' = the first input channel, the input channel width
  std::string outframe;          ///< '' = the input's frame
  std::string restfreq, veltype = "radio";
  std::string interpolation = "linear";  ///< nearest, linear, cubic
};

struct MstransformSettings : TransformTaskSettings {
  long chanbin = 1;  ///< chanaverage=true: channels averaged into one
  RegridSettings regrid;
};

const std::vector<KeySpec>& mstransformKeys();
const std::vector<KeySpec>& cvel2Keys();
/// For mstransform and cvel2 (`task`); throws ConfigError naming the key.
MstransformSettings mstransformSettingsFrom(const Config& config, const std::string& task);

/// The regridding (then averaging) of `settings` for the parts of `vis`: the output grid of each
/// selected spw is fixed from the whole input, in the output frame at the first selected time,
/// so that every Sub-MS gets the same grid. Throws naming the key at fault.
TransformFactory mstransformTransform(const std::string& vis, const MstransformSettings& settings);

/// After the copy: the output spws' MEAS_FREQ_REF becomes `outframe` (when regridded).
void setOutputFrame(const std::string& path, const std::string& outframe);

}  // namespace ptclean::imager
