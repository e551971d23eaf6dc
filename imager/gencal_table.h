// C++17-clean (its implementation includes casacore). CASA's gencal for the types a test or a
// user sets by hand: 'amp' and 'ph' (G Jones: gain amplitudes, phases in degrees) and 'sbd'
// (K Jones: delays in ns). One solution per spw, antenna and receptor, valid at all times and
// fields (FIELD_ID -1). `parameter` gives one value for all, or one per (receptor, antenna,
// spw), the receptor fastest, as CASA orders them. An existing table of the same type is
// combined with the new values (gains multiply, delays add), as CASA does.
#pragma once

#include <string>
#include <vector>

#include "cal_table.h"
#include "config.h"

namespace ptclean::imager {

struct GencalSettings {
  std::string vis, caltable, caltype, spw, antenna, pol;
  std::vector<double> parameter;
};

const std::vector<KeySpec>& gencalKeys();
/// Throws ConfigError naming the key.
GencalSettings gencalSettingsFrom(const Config& config);
/// Writes (or combines into) the table; returns what was written.
CalTable writeGencalTable(const GencalSettings& settings);

}  // namespace ptclean::imager
