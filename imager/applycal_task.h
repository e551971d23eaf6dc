// C++17-clean (its implementation includes casacore). CASA's applycal on one MS (a plain MS or
// a Sub-MS): CORRECTED_DATA = DATA / prod_t (J_t,ant1 J_t,ant2^*) over the gaintables t, per
// correlation (its receptors from CORR_PRODUCT) and channel; with calwt the weights are scaled by
// |J_ant1 J_ant2|^2; samples whose solution is flagged or missing are flagged.
#pragma once

#include <string>
#include <vector>

#include "cal_interpolation.h"
#include "config.h"
#include "ms_reader.h"

namespace ptclean::imager {

struct ApplycalSettings {
  std::string vis;
  MsSelectionKeys selection;
  std::vector<CalApplication> tables;
  std::string applymode = "calflag";  ///< calflag, calonly (no flags written), flagonly (only flags)
  bool flagbackup = true;
};

const std::vector<KeySpec>& applycalKeys();
/// Reads every gaintable (once: each rank holds them all); throws ConfigError naming the key, or
/// std::runtime_error naming a table that is missing or of a type applycal cannot apply.
ApplycalSettings applycalSettingsFrom(const Config& config);

/// Refuses, before anything changes, an MS that cannot be written or whose selected spws are not
/// all in a table's spwmap.
void checkApplycal(const std::string& ms_path, const ApplycalSettings& settings);

/// Applies the tables to the selected rows and channels of `ms_path`; returns a JSON text of
/// counts (selected samples, newly flagged).
std::string applyCalibration(const std::string& ms_path, const ApplycalSettings& settings);

}  // namespace ptclean::imager
