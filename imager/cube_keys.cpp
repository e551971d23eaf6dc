// The keys of `ptclean image` for specmode='cube': tclean's names and defaults.
#include <algorithm>

#include "imaging_settings.h"

namespace ptclean::imager {

const std::vector<KeySpec>& cubeKeys() {
  static const std::vector<KeySpec> keys{
      {"nchan", KeyType::Int, "-1", "cube: output channels (-1: as many as cover the selected data)"},
      {"start", KeyType::Any, "''", "cube: first channel's centre: '' (the data's first), a channel number, '1.4GHz' or '-20km/s'"},
      {"width", KeyType::Any, "''", "cube: channel width: '' (one data channel), a channel count, '2MHz' or '5km/s'"},
      {"outframe", KeyType::String, "'LSRK'", "cube: spectral frame of the output channels: LSRK, BARY or TOPO"},
      {"veltype", KeyType::String, "'radio'", "cube: velocity definition for velocity start/width: radio or optical"},
      {"restfreq", KeyType::Any, "''", "cube: rest frequency for velocities and the header: '1.420405752GHz'"},
      {"interpolation", KeyType::String, "'nearest'", "cube: nearest (each data channel to the output channel it falls in) or linear"},
      {"perchanweightdensity", KeyType::Bool, "true", "cube: uniform/briggs density per channel (true) or one over all channels (false)"},
  };
  return keys;
}

void readCubeSettings(const Config& config, ImagingSettings& s) {
  CubeSettings& c = s.cube;
  c.nchan = config.integer("nchan");
  if (c.nchan == 0 || c.nchan < -1) throw ConfigError("key 'nchan' must be -1 or at least 1");
  // A string ('1.4GHz', '5km/s', '3') or a bare number (a channel number or count).
  auto text = [&](const std::string& key) -> std::string {
    const std::string raw = config.rawToml(key);
    if (raw.empty()) return "";
    return (raw[0] == '\'' || raw[0] == '"') ? config.string(key) : raw;
  };
  c.start = text("start");
  c.width = text("width");
  c.outframe = config.string("outframe");
  std::transform(c.outframe.begin(), c.outframe.end(), c.outframe.begin(), ::toupper);
  if (c.outframe.empty()) c.outframe = "LSRK";
  if (c.outframe != "LSRK" && c.outframe != "BARY" && c.outframe != "TOPO")
    throw ConfigError("key 'outframe': '" + c.outframe + "' must be LSRK, BARY or TOPO");
  c.veltype = config.string("veltype");
  if (c.veltype != "radio" && c.veltype != "optical")
    throw ConfigError("key 'veltype': '" + c.veltype + "' must be radio or optical");
  const std::string rest = config.rawToml("restfreq").empty() ? "" : config.string("restfreq");
  c.restfreq_hz = rest.empty() ? 0.0 : parseFrequency(rest, "key 'restfreq'");
  const std::string interpolation = config.string("interpolation");
  if (interpolation != "nearest" && interpolation != "linear")
    throw ConfigError("key 'interpolation': '" + interpolation + "' must be nearest or linear");
  c.linear = interpolation == "linear";
  c.perchanweightdensity = config.boolean("perchanweightdensity");
  const auto beam = config.stringList("restoringbeam");
  c.common_beam = beam.size() == 1 && beam[0] == "common";
}

}  // namespace ptclean::imager
