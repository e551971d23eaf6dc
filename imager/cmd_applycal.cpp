// `ptclean applycal`: CASA's applycal. Every rank reads the gaintables once; the MS (or each
// Sub-MS of a Multi-MS, on the rank it is dealt to) is calibrated in place.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "applycal_task.h"
#include "commands.h"
#include "data_task_runner.h"
#include "flag_versions.h"
#include "log.h"
#include "mpi_context.h"

namespace ptclean::imager {

int runApplycalCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides) {
  const Config config = Config::load(applycalKeys(), config_file, overrides);
  ApplycalSettings settings;
  collectively(mpi, [&] { settings = applycalSettingsFrom(config); });
  if (mpi.isRoot())
    for (const auto& t : settings.tables)
      spdlog::info("applycal: {} ({}, {} solutions, interp {}{})", t.table.path, visCalName(t.table.type),
                   t.table.solutions.size(), t.time.nearest ? "nearest" : "linear", t.calwt ? ", calwt" : "");
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    if (!std::filesystem::exists(settings.vis)) throw std::runtime_error("vis '" + settings.vis + "' does not exist");
    // Every part is checked before any is changed, so a refusal leaves the data as it was.
    for (const auto& part : taskParts(settings.vis)) checkApplycal(part, settings);
    if (settings.flagbackup && settings.applymode != "calonly") {
      const std::string version = autosaveFlags(settings.vis, "applycal");
      spdlog::info("applycal: flags saved as version {} in {}.flagversions", version, settings.vis);
    }
  });
  InPlaceTask task{"applycal", settings.vis, [&](const std::string& ms) { return applyCalibration(ms, settings); }, {}};
  const std::vector<std::string> results = runInPlaceTask(mpi, task);
  if (!mpi.isRoot()) return 0;
  double samples = 0, newly_flagged = 0;
  for (const auto& text : results) {
    const auto part = nlohmann::json::parse(text);
    samples += part.value("samples", 0.0);
    newly_flagged += part.value("newly_flagged", 0.0);
  }
  if (samples == 0) spdlog::warn("applycal: the selection matches no data in {}", settings.vis);
  spdlog::info("applycal: {:.0f} samples calibrated ({}); {:.0f} newly flagged for flagged or missing solutions",
               samples, settings.applymode, newly_flagged);
  return 0;
}

}  // namespace ptclean::imager
