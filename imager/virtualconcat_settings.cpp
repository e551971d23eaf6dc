#include "virtualconcat_settings.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace ptclean::imager {
namespace {

std::string withoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

/// A TOML basic string holding `text`.
std::string tomlQuoted(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace

const std::vector<KeySpec>& virtualconcatKeys() {
  static const std::vector<KeySpec> keys = {
      {"vis", KeyType::StringList, "", "required: the input MeasurementSets (sorted by their first time)"},
      {"concatvis", KeyType::String, "", "required: the output Multi-MS (refused if it exists)"},
      {"freqtol", KeyType::String, "''", "spws within this of each other are one spw ('' = 1Hz, as CASA)"},
      {"dirtol", KeyType::String, "''", "fields within this of each other are one field ('' = 1mas, as CASA)"},
      {"respectname", KeyType::Bool, "true", "fields with different names are never merged"},
      {"visweightscale", KeyType::DoubleList, "[]", "one factor per input: WEIGHT *= f, SIGMA /= sqrt(f)"},
      {"keepcopy", KeyType::Bool, "false", "copy the inputs into the Multi-MS (false: they are moved)"},
      {"copypointing", KeyType::Bool, "true", "keep the POINTING rows (false: an empty POINTING table)"},
  };
  return keys;
}

VirtualConcatSettings virtualconcatSettingsFrom(const Config& config) {
  VirtualConcatSettings s;
  if (!config.has("vis")) throw ConfigError("key 'vis' is required: the MeasurementSets to concatenate");
  for (const auto& path : config.stringList("vis")) {
    if (path.empty()) throw ConfigError("key 'vis' has an empty name");
    s.vis.push_back(withoutTrailingSlashes(path));
  }
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MeasurementSets to concatenate");
  std::set<std::string> seen;
  for (const auto& path : s.vis)
    if (!seen.insert(path).second) throw ConfigError("key 'vis' lists '" + path + "' twice");

  s.concatvis = config.has("concatvis") ? withoutTrailingSlashes(config.string("concatvis")) : "";
  if (s.concatvis.empty()) throw ConfigError("key 'concatvis' is required: the Multi-MS to write");
  if (seen.count(s.concatvis))
    throw ConfigError("key 'concatvis': '" + s.concatvis + "' must not be one of the inputs in 'vis'");

  const std::string freqtol = config.string("freqtol");
  if (!freqtol.empty()) {
    char* end = nullptr;
    const double bare = std::strtod(freqtol.c_str(), &end);
    s.freqtol_hz = (end && *end == '\0') ? bare : parseFrequency(freqtol, "key 'freqtol'");
    if (!(s.freqtol_hz >= 0)) throw ConfigError("key 'freqtol': '" + freqtol + "' must not be negative");
  }
  const std::string dirtol = config.string("dirtol");
  if (!dirtol.empty()) {
    s.dirtol_rad = parseAngle(dirtol, "key 'dirtol'");
    if (!(s.dirtol_rad >= 0)) throw ConfigError("key 'dirtol': '" + dirtol + "' must not be negative");
  }
  s.respectname = config.boolean("respectname");

  s.visweightscale = config.realList("visweightscale");
  if (!s.visweightscale.empty() && s.visweightscale.size() != s.vis.size())
    throw ConfigError("key 'visweightscale' has " + std::to_string(s.visweightscale.size()) +
                      " factors for " + std::to_string(s.vis.size()) + " inputs; give one per input or none");
  for (const double factor : s.visweightscale)
    if (!(factor > 0))
      throw ConfigError("key 'visweightscale': " + std::to_string(factor) + " is not a positive factor");
  s.keepcopy = config.boolean("keepcopy");
  s.copypointing = config.boolean("copypointing");
  return s;
}

std::string virtualconcatOverride(const KeySpec& key, const std::vector<std::string>& values) {
  const bool list = key.type == KeyType::StringList || key.type == KeyType::DoubleList;
  if (!list) {
    if (values.size() != 1) throw ConfigError("--" + key.name + " takes one value");
    return key.name + "=" + values.front();
  }
  // One value that is already a TOML list ("[2, 1]") goes as it is.
  if (values.size() == 1 && !values.front().empty() && values.front().front() == '[')
    return key.name + "=" + values.front();
  std::string text = key.name + "=[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) text += ", ";
    text += key.type == KeyType::StringList ? tomlQuoted(values[i]) : values[i];
  }
  return text + "]";
}

}  // namespace ptclean::imager
