// What ptclean_sweep images: the keys of `ptclean image` from a config file and --set overrides,
// and the WSClean command line that images the same (for --wsclean).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

namespace ptclean::bench {

/// The config file's keys overlaid with the --set overrides (TOML values, or strings).
struct Settings {
  toml::table table;
  /// Sets `key=value`: the value as TOML when it parses, else as a string.
  void overlay(const std::string& assignment);
  /// A string or number as text; `fallback` when the key is unset.
  std::string str(const std::string& key, const std::string& fallback = "") const;
  /// A string or array of strings as a list.
  std::vector<std::string> list(const std::string& key) const;
  /// An integer or array of integers as a list.
  std::vector<long> ints(const std::string& key) const;
};

/// WSClean's arguments for the image that `s` describes, with -j `cores`, named `name`.
std::string wscleanArgs(const Settings& s, int cores, const std::string& name);

}  // namespace ptclean::bench
