// C++17-clean (its implementation includes casacore). flagdata's agents on one MS (a plain MS or
// a Sub-MS): manual, clip, quack, shadow and rflag flag the selected samples in place; summary
// counts them. Each returns its counts as JSON text, which rank 0 sums over the Sub-MSs.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "flag_settings.h"

namespace ptclean::imager {

/// Runs `commands` in order on the MS at `path`; writes FLAG and FLAG_ROW only when `write`.
/// Returns {"total", "flagged_before", "flagged", "newly_flagged"} (samples selected by any
/// command) and, for rflag, "rflag": [{"spw", "timedev", "freqdev"}, ...] per command.
std::string flagMs(const std::string& path, const std::vector<FlagCommand>& commands, bool write);

/// mode='summary': {"total", "flagged", "antenna": {name: {"flagged", "total"}}, "spw", "field",
/// "scan", "correlation"} over the rows `command` selects (an antenna counts the samples of each
/// baseline it is in).
std::string summariseFlags(const std::string& path, const FlagCommand& command);

/// The sum of per-MS results (numbers added key by key; lists appended).
nlohmann::json sumFlagResults(const std::vector<std::string>& results);

/// Throws std::runtime_error naming `path` when its main table cannot be written.
void checkFlaggable(const std::string& path);

}  // namespace ptclean::imager
