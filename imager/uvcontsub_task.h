// C++17-clean (its implementation includes casacore). uvcontsub: the selected data are split out
// (spws re-indexed from 0, as CASA's uvcontsub does through split), then for every baseline,
// time and correlation a polynomial in frequency is fitted to the line-free channels (`fitspw`)
// and subtracted from every channel; with want_cont a second output holds the fitted continuum.
// combine='spw' fits one polynomial across the spws of a baseline and time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "ms_transform.h"

namespace ptclean::imager {

struct UvcontsubSettings {
  std::string vis, outputvis;  ///< outputvis '' -> <vis>.contsub
  bool keepmms = true;
  MsTransformSettings transform;
  std::string fitspw;
  bool excludechans = false;
  long fitorder = 0;
  bool combine_spw = false;
  bool want_cont = false;
};

const std::vector<KeySpec>& uvcontsubKeys();
/// Throws ConfigError naming the key.
UvcontsubSettings uvcontsubSettingsFrom(const Config& config);
/// <vis>.cont, or the continuum output beside `outputvis`.
std::string continuumOutput(const UvcontsubSettings& settings);

/// Output spw (re-indexed) -> per output channel, 1 where it is fitted. Throws std::runtime_error
/// naming fitspw when it leaves a selected spw (or, with combine='spw', every spw) without
/// line-free channels.
using FitChannels = std::map<int, std::vector<char>>;
FitChannels fitChannels(const std::string& vis, const UvcontsubSettings& settings);

/// In place on a split output: DATA minus the fitted continuum, or (`continuum_only`) the fit.
/// Samples of a baseline, time and correlation with fewer line-free samples than coefficients
/// are flagged.
void subtractContinuum(const std::string& path, const FitChannels& fit, int order, bool combine_spw, bool continuum_only);


}  // namespace ptclean::imager
