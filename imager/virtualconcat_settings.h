// The keys of `ptclean virtualconcat` (CASA's virtualconcat task: names and defaults) and the
// settings derived from them. C++17-clean.
//
//   const Config config = Config::load(virtualconcatKeys(), "", {"vis=['a.ms','b.ms']", "concatvis=ab.mms"});
//   const VirtualConcatSettings settings = virtualconcatSettingsFrom(config);  // ConfigError names the key
#pragma once

#include <string>
#include <vector>

#include "config.h"

namespace ptclean::imager {

struct VirtualConcatSettings {
  std::vector<std::string> vis;        ///< the inputs, trailing '/' removed, in the order given
  std::string concatvis;               ///< the Multi-MS to write
  double freqtol_hz = 1.0;             ///< freqtol: '' is CASA's (casacore MSConcat's) 1 Hz
  double dirtol_rad = 4.84813681109536e-9;  ///< dirtol: '' is CASA's 1 mas
  bool respectname = true;             ///< fields of different names are never merged
  std::vector<double> visweightscale;  ///< one factor per input, or empty (no change)
  bool keepcopy = false;               ///< false: the inputs are moved into the Multi-MS
  bool copypointing = true;            ///< false: the Multi-MS has an empty POINTING table
};

const std::vector<KeySpec>& virtualconcatKeys();
/// Throws ConfigError naming the key.
VirtualConcatSettings virtualconcatSettingsFrom(const Config& config);

/// The `--set` text for a key given as `--name v1 v2 ...` on the command line: a TOML list for
/// the list keys (vis, visweightscale), else `name=v1`.
std::string virtualconcatOverride(const KeySpec& key, const std::vector<std::string>& values);

}  // namespace ptclean::imager
