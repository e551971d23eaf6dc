#include "data_task_settings.h"

#include <algorithm>
#include <cctype>

namespace ptclean::imager {
std::vector<KeySpec> transformTaskKeys(const std::string& outputvis_doc, const std::string& datacolumn_default,
                                       const std::string& spw_doc) {
  std::vector<KeySpec> keys = {
      {"vis", KeyType::String, "", "required: the input MS or Multi-MS"},
      {"outputvis", KeyType::String, "", outputvis_doc},
      {"keepmms", KeyType::Bool, "true", "a Multi-MS input gives a Multi-MS output of the same partition"},
      {"datacolumn", KeyType::String, datacolumn_default,
       "data, corrected, model or all (the one kept becomes DATA; corrected falls back to data when absent)"},
  };
  for (auto& key : selectionKeySpecs(spw_doc)) keys.push_back(std::move(key));
  return keys;
}

std::vector<KeySpec> selectionKeySpecs(const std::string& spw_doc) {
  return {
      {"field", KeyType::String, "''", "field selection, CASA syntax"},
      {"spw", KeyType::String, "''", spw_doc},
      {"scan", KeyType::String, "''", "scan selection"},
      {"antenna", KeyType::String, "''", "antenna/baseline selection; '*&&&' for autocorrelations only"},
      {"correlation", KeyType::String, "''", "correlations kept, e.g. 'RR,LL' ('' = all)"},
      {"timerange", KeyType::String, "''", "time selection"},
      {"intent", KeyType::String, "''", "scan intent selection"},
      {"array", KeyType::String, "''", "(sub)array id selection"},
      {"uvrange", KeyType::String, "''", "uv-distance selection"},
      {"observation", KeyType::String, "''", "observation id selection"},
      {"feed", KeyType::String, "''", "multi-feed numbers: not implemented (as in CASA)"},
  };
}

MsSelectionKeys selectionFrom(const Config& config) {
  if (!config.string("feed").empty()) throw ConfigError("key 'feed': multi-feed selection is not implemented (as in CASA)");
  return {config.string("field"),     config.string("spw"),    config.string("scan"),
          config.string("antenna"),   config.string("timerange"), config.string("uvrange"),
          config.string("intent"),    config.string("observation"), config.string("correlation"),
          config.string("array")};
}

const std::vector<KeySpec>& splitKeys() {
  static const std::vector<KeySpec> keys = [] {
    auto keys = transformTaskKeys("required: the output MS (a Multi-MS when vis is one and keepmms=true)", "'corrected'",
                              "spectral window and channel selection ('0:5~60': one contiguous range per spw); "
                              "the selected spws are re-indexed from 0");
    keys.push_back({"keepflags", KeyType::Bool, "true", "keep rows whose selected samples are all flagged"});
    keys.push_back({"width", KeyType::Any, "1", "channels averaged into one: one number, or a list with one per selected spw"});
    keys.push_back({"timebin", KeyType::String, "'0s'", "time averaging: rows within this time become one ('0s': none)"});
    keys.push_back({"combine", KeyType::String, "''", "with timebin: average across 'scan', 'state' or 'scan,state'"});
    return keys;
  }();
  return keys;
}

const std::vector<KeySpec>& hanningsmoothKeys() {
  static const std::vector<KeySpec> keys =
      transformTaskKeys("required: the smoothed output MS (a Multi-MS when vis is one and keepmms=true)", "'all'",
                    "spectral window and channel selection ('0:5~60': one contiguous range per spw)");
  return keys;
}

std::string lowerCaseValue(const Config& config, const std::string& key) {
  std::string text = config.string(key);
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

void readTransformTask(const Config& config, const std::string& task, TransformTaskSettings& s) {
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MS or Multi-MS to " + task);
  s.outputvis = config.has("outputvis") ? config.string("outputvis") : "";
  if (s.outputvis.empty()) throw ConfigError("key 'outputvis' is required: the MS to write");
  while (s.outputvis.size() > 1 && s.outputvis.back() == '/') s.outputvis.pop_back();
  s.keepmms = config.boolean("keepmms");
  s.transform.datacolumn = lowerCaseValue(config, "datacolumn");
  if (s.transform.datacolumn != "all" && s.transform.datacolumn != "data" && s.transform.datacolumn != "corrected" &&
      s.transform.datacolumn != "model")
    throw ConfigError("key 'datacolumn': '" + s.transform.datacolumn + "' must be data, corrected, model or all");
  s.transform.selection = selectionFrom(config);
}

SplitSettings splitSettingsFrom(const Config& config, const std::string& task) {
  SplitSettings s;
  readTransformTask(config, task, s);
  if (task != "split") return s;
  s.transform.keepflags = config.boolean("keepflags");
  s.transform.reindex_spws = true;
  try {
    s.width = config.intList("width");
  } catch (const ConfigError&) {
    throw ConfigError("key 'width': give a number of channels, or a list with one per selected spw");
  }
  if (s.width.empty() || std::any_of(s.width.begin(), s.width.end(), [](long w) { return w < 1; }))
    throw ConfigError("key 'width': every width must be a whole number of channels, at least 1");
  s.transform.time = timeAveragingFrom(config.string("timebin"), config.string("combine"));
  return s;
}

}  // namespace ptclean::imager
