// C++17-clean (its implementation includes casacore). CASA's setjy on one MS (a plain MS or a
// Sub-MS): MODEL_DATA of the selected fields, spws and rows becomes a point source at the
// field's phase centre with the standard's flux density at each channel (scalebychan) or at each
// spw's centre. Only MODEL_DATA is written (usescratch=true); CASA's virtual model is not.
#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "flux_standard.h"
#include "ms_reader.h"

namespace ptclean::imager {

struct SetjySettings {
  std::string vis;
  MsSelectionKeys selection;
  std::string standard = "Perley-Butler 2017";  ///< or "manual"
  Stokes fluxdensity{1.0, 0.0, 0.0, 0.0};       ///< manual
  std::vector<double> spix;                     ///< manual
  double reffreq_hz = 1e9;                      ///< manual
  bool scalebychan = true;
};

const std::vector<KeySpec>& setjyKeys();
/// Throws ConfigError naming the key.
SetjySettings setjySettingsFrom(const Config& config);

/// The model of each field (by FIELD row) of `ms_path`: none for a field the standard does not know.
std::vector<std::optional<FluxModel>> fieldModels(const std::string& ms_path, const SetjySettings& settings);

/// Warns for each selected field the standard does not know; throws std::runtime_error when it
/// knows none of them.
void checkSetjyFields(const SetjySettings& settings);

/// Writes MODEL_DATA; returns a JSON text: for each field set, its name and its flux density
/// [I,Q,U,V] at the centre of each selected spw, and the rows written.
std::string setModel(const std::string& ms_path, const SetjySettings& settings);

}  // namespace ptclean::imager
