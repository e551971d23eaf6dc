#include "uvcontsub_task.h"

#include <algorithm>

#include "data_task_settings.h"

namespace ptclean::imager {

const std::vector<KeySpec>& uvcontsubKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> keys = {
        {"vis", KeyType::String, "", "required: the input MS or Multi-MS"},
        {"outputvis", KeyType::String, "''", "the continuum-subtracted output ('' = <vis>.contsub)"},
        {"keepmms", KeyType::Bool, "true", "a Multi-MS input gives a Multi-MS output where it can be processed in parallel"},
        {"datacolumn", KeyType::String, "'corrected'",
         "data, corrected or model (corrected falls back to data when absent)"},
        {"fitspw", KeyType::String, "''", "the line-free channels to fit, spw syntax ('0:0~9;50~63'; '' = all)"},
        {"excludechans", KeyType::Bool, "false", "fit the channels fitspw does not select instead"},
        {"fitorder", KeyType::Int, "0", "order of the polynomial fitted in frequency"},
        {"combine", KeyType::String, "''", "'' (a fit per spw) or 'spw' (one fit across the spws of a baseline and time)"},
        {"want_cont", KeyType::Bool, "false", "also write the fitted continuum (<vis>.cont)"},
    };
    for (auto& key : selectionKeySpecs("spectral windows to process (re-indexed from 0 in the output, as CASA's uvcontsub does)"))
      keys.push_back(std::move(key));
    return keys;
  }();
  return keys;
}

UvcontsubSettings uvcontsubSettingsFrom(const Config& config) {
  UvcontsubSettings s;
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MS or Multi-MS to subtract the continuum from");
  while (s.vis.size() > 1 && s.vis.back() == '/') s.vis.pop_back();
  s.outputvis = config.string("outputvis");
  if (s.outputvis.empty()) s.outputvis = s.vis + ".contsub";
  while (s.outputvis.size() > 1 && s.outputvis.back() == '/') s.outputvis.pop_back();
  s.keepmms = config.boolean("keepmms");
  s.transform.datacolumn = lowerCaseValue(config, "datacolumn");
  if (s.transform.datacolumn != "data" && s.transform.datacolumn != "corrected" && s.transform.datacolumn != "model")
    throw ConfigError("key 'datacolumn': '" + s.transform.datacolumn + "' must be data, corrected or model");
  s.transform.selection = selectionFrom(config);
  s.transform.reindex_spws = true;
  s.fitspw = config.string("fitspw");
  s.excludechans = config.boolean("excludechans");
  s.fitorder = config.integer("fitorder");
  if (s.fitorder < 0 || s.fitorder > 8) throw ConfigError("key 'fitorder' must be 0 to 8");
  const std::string combine = config.string("combine");
  if (combine != "" && combine != "spw") throw ConfigError("key 'combine': '" + combine + "' must be '' or 'spw'");
  s.combine_spw = combine == "spw";
  s.want_cont = config.boolean("want_cont");
  return s;
}

std::string continuumOutput(const UvcontsubSettings& settings) {
  const std::string suffix = ".contsub";
  const std::string& out = settings.outputvis;
  if (out.size() > suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0)
    return out.substr(0, out.size() - suffix.size()) + ".cont";
  return out + ".cont";
}

}  // namespace ptclean::imager
