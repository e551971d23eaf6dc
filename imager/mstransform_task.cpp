#include "mstransform_task.h"

#include "data_task_settings.h"

#include <algorithm>


namespace ptclean::imager {
namespace {

std::vector<KeySpec> regridKeys() {
  return {
      {"mode", KeyType::String, "'channel'", "regridding: channel, frequency or velocity"},
      {"nchan", KeyType::Int, "-1", "output channels (-1: as many as the input covers)"},
      {"start", KeyType::Any, "''", "first output channel: a channel number, a frequency or a velocity ('' = the input's first)"},
      {"width", KeyType::Any, "''", "output channel width: channels, a frequency or a velocity ('' = the input's)"},
      {"interpolation", KeyType::String, "'linear'", "nearest, linear or cubic"},
      {"restfreq", KeyType::String, "''", "rest frequency of mode='velocity'"},
      {"outframe", KeyType::String, "''", "output frame: LSRK, BARY, TOPO, ... ('' = the input's)"},
      {"veltype", KeyType::String, "'radio'", "radio or optical velocities"},
  };
}

std::vector<KeySpec> commonKeys() {
  return transformTaskKeys("required: the output (a Multi-MS when vis is one and keepmms=true)", "'corrected'",
                           "spectral windows and channels ('0:5~60'); the selected spws are re-indexed from 0");
}

}  // namespace

const std::vector<KeySpec>& mstransformKeys() {
  static const std::vector<KeySpec> keys = [] {
    auto keys = commonKeys();
    keys.push_back({"keepflags", KeyType::Bool, "true", "keep rows whose selected samples are all flagged"});
    keys.push_back({"chanaverage", KeyType::Bool, "false", "average channels (chanbin at a time)"});
    keys.push_back({"chanbin", KeyType::Int, "1", "channels averaged into one with chanaverage"});
    keys.push_back({"regridms", KeyType::Bool, "false", "regrid onto a new channel grid (mode, nchan, start, width, outframe)"});
    for (auto& key : regridKeys()) keys.push_back(std::move(key));
    keys.push_back({"combinespws", KeyType::Bool, "false", "combine the selected spws into one (side by side; not with regridms)"});
    keys.push_back({"timeaverage", KeyType::Bool, "false", "average in time (timebin at a time)"});
    keys.push_back({"timebin", KeyType::String, "'0s'", "with timeaverage: rows within this time become one"});
    keys.push_back({"timespan", KeyType::String, "''", "with timeaverage: average across 'scan', 'state' or 'scan,state'"});
    return keys;
  }();
  return keys;
}

const std::vector<KeySpec>& cvel2Keys() {
  static const std::vector<KeySpec> keys = [] {
    auto keys = commonKeys();
    for (auto& key : regridKeys()) keys.push_back(std::move(key));
    return keys;
  }();
  return keys;
}

MstransformSettings mstransformSettingsFrom(const Config& config, const std::string& task) {
  MstransformSettings s;
  readTransformTask(config, task, s);
  s.transform.reindex_spws = true;
  if (task == "mstransform") {
    s.transform.keepflags = config.boolean("keepflags");
    if (config.boolean("chanaverage")) s.chanbin = config.integer("chanbin");
    if (s.chanbin < 1) throw ConfigError("key 'chanbin' must be at least 1 channel");
    s.transform.combine_spws = config.boolean("combinespws");
    if (config.boolean("timeaverage"))
      s.transform.time = timeAveragingFrom(config.string("timebin"), config.string("timespan"));
  }
  RegridSettings& r = s.regrid;
  r.enabled = task == "cvel2" || config.boolean("regridms");
  r.mode = lowerCaseValue(config, "mode");
  if (r.mode != "channel" && r.mode != "frequency" && r.mode != "velocity")
    throw ConfigError("key 'mode': '" + r.mode + "' must be channel, frequency or velocity");
  r.nchan = config.integer("nchan");
  if (r.nchan == 0 || r.nchan < -1) throw ConfigError("key 'nchan' must be -1 (all) or a positive number");
  const std::string start_raw = config.rawToml("start"), width_raw = config.rawToml("width");
  r.start = start_raw.empty() || start_raw[0] == '\'' || start_raw[0] == '"' ? config.string("start") : start_raw;
  r.width = width_raw.empty() || width_raw[0] == '\'' || width_raw[0] == '"' ? config.string("width") : width_raw;
  r.interpolation = lowerCaseValue(config, "interpolation");
  if (r.interpolation != "nearest" && r.interpolation != "linear" && r.interpolation != "cubic")
    throw ConfigError("key 'interpolation': '" + r.interpolation + "' must be nearest, linear or cubic");
  r.restfreq = config.string("restfreq");
  r.outframe = config.string("outframe");
  std::transform(r.outframe.begin(), r.outframe.end(), r.outframe.begin(), ::toupper);
  r.veltype = lowerCaseValue(config, "veltype");
  if (r.veltype != "radio" && r.veltype != "optical") throw ConfigError("key 'veltype': '" + r.veltype + "' must be radio or optical");
  if (r.enabled && r.mode == "velocity" && r.restfreq.empty()) throw ConfigError("key 'restfreq' is required with mode='velocity'");
  if (r.enabled && s.transform.combine_spws)
    throw ConfigError("key 'combinespws': combining regridded spws is not implemented yet (run cvel2 first, then combine)");
  return s;
}

}  // namespace ptclean::imager
