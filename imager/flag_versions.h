// C++17-clean. CASA's flag versions: `<ms>.flagversions/FLAG_VERSION_LIST` (one "name : comment"
// line per version, after "main : working copy in main table") and `flags.<name>`, a table of
// the MS's FLAG and FLAG_ROW.
#pragma once

#include <string>

namespace ptclean::imager {

/// Throws std::runtime_error naming the path when the version cannot be written.
void saveFlagVersion(const std::string& ms_path, const std::string& name, const std::string& comment);

/// A task's automatic backup, as CASA names it: version "<task>_N", the first N not saved yet,
/// with the comment "Flags autosave on <UTC time>". Returns the version's name.
std::string autosaveFlags(const std::string& ms_path, const std::string& task);

}  // namespace ptclean::imager
