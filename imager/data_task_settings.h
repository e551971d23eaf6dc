// The keys of the data tasks split and hanningsmooth (CASA's names and defaults), the selection
// keys every data task shares, and the settings derived from them.
#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "ms_reader.h"
#include "ms_transform.h"

namespace ptclean::imager {

/// CASA's selection keys (field, spw, scan, antenna, correlation, timerange, intent, array,
/// uvrange, observation, feed); `spw_doc` says what the task allows in `spw`.
std::vector<KeySpec> selectionKeySpecs(const std::string& spw_doc);
/// Throws ConfigError for `feed` (multi-feed selection is not implemented, as in CASA).
MsSelectionKeys selectionFrom(const Config& config);

/// vis, outputvis, keepmms, datacolumn (default `datacolumn_default`) and the selection keys.
std::vector<KeySpec> transformTaskKeys(const std::string& outputvis_doc, const std::string& datacolumn_default,
                                       const std::string& spw_doc);

/// A key's value in lower case: task keys are case-insensitive, as CASA's are.
std::string lowerCaseValue(const Config& config, const std::string& key);

/// What split, hanningsmooth, mstransform and cvel2 share.
struct TransformTaskSettings {
  std::string vis, outputvis;
  bool keepmms = true;
  MsTransformSettings transform;
};
/// vis and outputvis (required), keepmms, datacolumn and the selection; throws ConfigError
/// naming the key.
void readTransformTask(const Config& config, const std::string& task, TransformTaskSettings& settings);

struct SplitSettings : TransformTaskSettings {
  std::vector<long> width{1};  ///< channels per output channel: one for all spws, or one per selected spw
};

const std::vector<KeySpec>& splitKeys();
const std::vector<KeySpec>& hanningsmoothKeys();
/// For split and hanningsmooth (`task`); throws ConfigError naming the key.
SplitSettings splitSettingsFrom(const Config& config, const std::string& task);

}  // namespace ptclean::imager
