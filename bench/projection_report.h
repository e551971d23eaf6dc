// Fit, check and project in one call: used by `ptclean_sweep --project` on the runs it just
// made, and by `ptclean_project` on run.json files from earlier runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ptclean::bench {

/// Loads the runs, fits the cost model, projects `workload_file`, writes the Markdown to
/// `out_md` (through a temporary name) and returns it. Throws naming the bad file.
std::string writeProjection(const std::vector<std::filesystem::path>& run_jsons,
                            const std::filesystem::path& workload_file, const std::filesystem::path& out_md);

}  // namespace ptclean::bench
