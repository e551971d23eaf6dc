#include "partition_settings.h"

#include <algorithm>

#include "data_task_settings.h"
#include "ptclean/partition/sub_ms_plan.h"

namespace ptclean::imager {

const std::vector<KeySpec>& partitionKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> keys = {
      {"vis", KeyType::String, "", "required: the input MeasurementSet"},
      {"outputvis", KeyType::String, "", "required: the output Multi-MS (or MS with createmms=false)"},
      {"createmms", KeyType::Bool, "true", "write a Multi-MS; false writes a plain MS of the selection"},
      {"separationaxis", KeyType::String, "'auto'", "auto (scan,spw balanced), scan, spw or baseline"},
      {"numsubms", KeyType::Any, "'auto'", "number of Sub-MSs: auto (the MPI ranks under mpirun, else 8) or a number"},
      {"flagbackup", KeyType::Bool, "true", "save FLAG to <outputvis>.flagversions (flags.partition_1)"},
      {"datacolumn", KeyType::String, "'all'", "all, data, corrected or model (the one kept becomes DATA)"},
    };
    for (auto& key : selectionKeySpecs("spectral window and channel selection ('0:5~60': one contiguous range per spw)"))
      keys.push_back(std::move(key));
    return keys;
  }();
  return keys;
}

PartitionSettings partitionSettingsFrom(const Config& config) {
  PartitionSettings s;
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MeasurementSet to partition");
  s.outputvis = config.has("outputvis") ? config.string("outputvis") : "";
  if (s.outputvis.empty()) throw ConfigError("key 'outputvis' is required: the Multi-MS to write");
  while (s.outputvis.size() > 1 && s.outputvis.back() == '/') s.outputvis.pop_back();
  s.createmms = config.boolean("createmms");
  s.separationaxis = config.string("separationaxis");
  try {
    partition::separationAxisFromName(s.separationaxis);
  } catch (const std::invalid_argument&) {
    throw ConfigError("key 'separationaxis': '" + s.separationaxis + "' must be auto, scan, spw or baseline");
  }
  const std::string raw = config.rawToml("numsubms");
  if (!raw.empty() && (raw[0] == '\'' || raw[0] == '"')) {
    const std::string text = config.string("numsubms");
    if (text == "auto") {
      s.numsubms = 0;
    } else {
      try {
        std::size_t used = 0;
        s.numsubms = std::stol(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
      } catch (const std::exception&) {
        throw ConfigError("key 'numsubms': '" + text + "' must be 'auto' or a positive number");
      }
    }
  } else {
    s.numsubms = config.integer("numsubms");
  }
  if (s.numsubms < 0 || (s.numsubms == 0 && raw.find("auto") == std::string::npos))
    throw ConfigError("key 'numsubms' must be 'auto' or a positive number");
  s.flagbackup = config.boolean("flagbackup");
  s.datacolumn = config.string("datacolumn");
  std::transform(s.datacolumn.begin(), s.datacolumn.end(), s.datacolumn.begin(), ::tolower);
  if (s.datacolumn != "all" && s.datacolumn != "data" && s.datacolumn != "corrected" && s.datacolumn != "model")
    throw ConfigError("key 'datacolumn': '" + s.datacolumn + "' must be all, data, corrected or model");
  s.selection = selectionFrom(config);
  return s;
}

}  // namespace ptclean::imager
