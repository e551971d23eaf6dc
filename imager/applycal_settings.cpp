// The keys of `ptclean applycal`: CASA's names and defaults, and the tables they name, read once.
#include <toml++/toml.h>

#include "applycal_task.h"
#include "data_task_settings.h"

namespace ptclean::imager {
namespace {

/// spwmap as CASA takes it: [] (each spw to itself), one list (the first table), or a list of
/// lists (one per table; fewer lists leave the rest to themselves).
std::vector<std::vector<int>> spwmapsFrom(const Config& config, std::size_t tables) {
  const std::string raw = config.rawToml("spwmap");
  std::vector<std::vector<int>> maps(tables);
  if (raw.empty()) return maps;
  const std::string wrong = "key 'spwmap': give [] , a list of spw ids, or a list with one list per gaintable";
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + raw);
  } catch (const toml::parse_error&) {
    throw ConfigError(wrong);
  }
  const toml::array* outer = parsed["v"].as_array();
  if (!outer) throw ConfigError(wrong);
  auto ints = [&](const toml::array& list) {
    std::vector<int> out;
    for (const auto& item : list) {
      const auto value = item.value<int64_t>();
      if (!value || *value < 0) throw ConfigError(wrong + " (spw ids are whole numbers, 0 or more)");
      out.push_back(int(*value));
    }
    return out;
  };
  if (outer->empty()) return maps;
  if (!outer->front().is_array()) {
    maps[0] = ints(*outer);
    return maps;
  }
  if (outer->size() > tables)
    throw ConfigError("key 'spwmap': " + std::to_string(outer->size()) + " lists for " + std::to_string(tables) + " gaintables");
  for (std::size_t t = 0; t < outer->size(); ++t) {
    const toml::array* inner = (*outer)[t].as_array();
    if (!inner) throw ConfigError(wrong);
    maps[t] = ints(*inner);
  }
  return maps;
}

/// One value for every table, or one per table.
std::vector<std::string> perTable(const Config& config, const std::string& key, std::size_t tables, const std::string& fill) {
  std::vector<std::string> values = config.stringList(key);
  if (values.size() > tables)
    throw ConfigError("key '" + key + "': " + std::to_string(values.size()) + " values for " + std::to_string(tables) + " gaintables");
  values.resize(tables, fill);
  return values;
}

std::vector<bool> calwtsFrom(const Config& config, std::size_t tables) {
  const std::string raw = config.rawToml("calwt");
  toml::table parsed = toml::parse("v = " + (raw.empty() ? std::string("[true]") : raw));
  std::vector<bool> out;
  auto take = [&](const toml::node& node) {
    const auto value = node.value<bool>();
    if (!value) throw ConfigError("key 'calwt': give true/false, or a list of them (one per gaintable)");
    out.push_back(*value);
  };
  if (const toml::array* list = parsed["v"].as_array())
    for (const auto& item : *list) take(item);
  else
    take(*parsed.get("v"));
  if (out.empty()) out.push_back(true);
  if (out.size() == 1) out.resize(tables, out[0]);
  if (out.size() != tables)
    throw ConfigError("key 'calwt': " + std::to_string(out.size()) + " values for " + std::to_string(tables) + " gaintables");
  return out;
}

}  // namespace

const std::vector<KeySpec>& applycalKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> keys = {{"vis", KeyType::String, "", "required: the MS or Multi-MS to calibrate in place"}};
    for (auto& key : selectionKeySpecs("spectral window and channel selection: only these are calibrated"))
      if (key.name != "correlation" && key.name != "feed" && key.name != "array") keys.push_back(std::move(key));
    keys.push_back({"gaintable", KeyType::StringList, "[]", "required: the calibration tables (G, T, B or K Jones) applied in order"});
    keys.push_back({"gainfield", KeyType::StringList, "[]",
                    "per table: the fields whose solutions are used ('' any, 'nearest' on the sky, or names/ids)"});
    keys.push_back({"interp", KeyType::StringList, "[]",
                    "per table: 'time[,freq]' with nearest, linear, nearestflag or linearflag ('' = linear,linear)"});
    keys.push_back({"spwmap", KeyType::Any, "[]",
                    "data spw -> table spw: [] (itself), a list (first table) or one list per table"});
    keys.push_back({"calwt", KeyType::Any, "[true]", "scale the weights by |g_i g_j|^2: one value, or one per table"});
    keys.push_back({"parang", KeyType::Bool, "false", "parallactic-angle correction: not implemented (true is refused)"});
    keys.push_back({"applymode", KeyType::String, "''", "'' or calflag (calibrate; flag where a solution is flagged or missing), calflagstrict (the same), calonly, flagonly"});
    keys.push_back({"flagbackup", KeyType::Bool, "true", "save the flags as applycal_N in <vis>.flagversions first"});
    return keys;
  }();
  return keys;
}

ApplycalSettings applycalSettingsFrom(const Config& config) {
  ApplycalSettings s;
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MS or Multi-MS to calibrate");
  s.selection = {config.string("field"),     config.string("spw"),     config.string("scan"),
                 config.string("antenna"),   config.string("timerange"), config.string("uvrange"),
                 config.string("intent"),    config.string("observation"), "", ""};
  const std::vector<std::string> tables = config.stringList("gaintable");
  if (tables.empty()) throw ConfigError("key 'gaintable' is required: the calibration tables to apply");
  if (config.boolean("parang")) throw ConfigError("key 'parang': the parallactic-angle correction is not implemented");
  s.applymode = lowerCaseValue(config, "applymode");
  // Missing solutions always flag (as CASA's calflagstrict): data that passed uncalibrated
  // and unflagged would image wrongly without a word.
  if (s.applymode.empty() || s.applymode == "calflagstrict") s.applymode = "calflag";
  if (s.applymode != "calflag" && s.applymode != "calonly" && s.applymode != "flagonly")
    throw ConfigError("key 'applymode': '" + s.applymode + "' must be '', calflag, calflagstrict, calonly or flagonly");
  s.flagbackup = config.boolean("flagbackup");
  const auto gainfields = perTable(config, "gainfield", tables.size(), "");
  const auto interps = perTable(config, "interp", tables.size(), "");
  const auto spwmaps = spwmapsFrom(config, tables.size());
  const auto calwts = calwtsFrom(config, tables.size());
  for (std::size_t t = 0; t < tables.size(); ++t) {
    CalApplication app;
    app.table = readCalTable(tables[t]);
    try {
      parseInterp(interps[t], "key 'interp' for '" + tables[t] + "'", app.time, app.freq);
    } catch (const std::runtime_error& error) {
      throw ConfigError(error.what());
    }
    app.spwmap = spwmaps[t];
    app.gainfield = gainfields[t];
    app.calwt = calwts[t];
    s.tables.push_back(std::move(app));
  }
  return s;
}

}  // namespace ptclean::imager
