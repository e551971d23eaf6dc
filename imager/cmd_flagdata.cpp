// `ptclean flagdata`: CASA's flagdata. The flags of each MS (a plain MS, or every Sub-MS of a
// Multi-MS on the rank it is dealt to) are changed in place; counts are summed on rank 0.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "config.h"
#include "data_task_runner.h"
#include "flag_agents.h"
#include "flag_settings.h"
#include "flag_versions.h"
#include "log.h"
#include "mpi_context.h"

namespace ptclean::imager {

int runFlagdataCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides) {
  const Config config = Config::load(flagdataKeys(), config_file, overrides);
  const FlagSettings settings = flagSettingsFrom(config);
  const bool write = !settings.summary && settings.action == "apply";
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    if (!std::filesystem::exists(settings.vis)) throw std::runtime_error("vis '" + settings.vis + "' does not exist");
    if (!write) return;
    // Every part is checked before any is changed, so a refusal leaves the data as it was.
    for (const auto& part : taskParts(settings.vis)) checkFlaggable(part);
    if (settings.flagbackup) {
      const std::string version = autosaveFlags(settings.vis, "flagdata");
      spdlog::info("flagdata: flags saved as version {} in {}.flagversions", version, settings.vis);
    }
  });
  InPlaceTask task{"flagdata", settings.vis,
                   [&](const std::string& ms) {
                     return settings.summary ? summariseFlags(ms, settings.commands[0])
                                             : flagMs(ms, settings.commands, write);
                   },
                   {}};
  const std::vector<std::string> results = runInPlaceTask(mpi, task);
  if (!mpi.isRoot()) return 0;
  nlohmann::json sum = sumFlagResults(results);
  const double total = sum.value("total", 0.0), flagged = sum.value("flagged", 0.0);
  if (total == 0) spdlog::warn("flagdata: the selection matches no data in {}", settings.vis);
  if (settings.summary) {
    // CASA's summary gives counts; the fraction of each saves every reader the division.
    for (const char* axis : {"antenna", "spw", "field", "scan", "correlation"})
      for (auto& [name, entry] : sum[axis].items()) {
        const double t = entry["total"].get<double>();
        entry["fraction"] = t > 0 ? entry["flagged"].get<double>() / t : 0.0;
      }
    sum["fraction"] = total > 0 ? flagged / total : 0.0;
    spdlog::info("flagdata: {:.0f} of {:.0f} selected samples are flagged ({:.2f}%)", flagged, total,
                 total > 0 ? 100.0 * flagged / total : 0.0);
    std::printf("%s\n", sum.dump(2).c_str());
    return 0;
  }
  spdlog::info("flagdata: {:.0f} of {:.0f} selected samples newly flagged; {:.2f}% of them flagged now{}",
               sum.value("newly_flagged", 0.0), total, total > 0 ? 100.0 * flagged / total : 0.0,
               write ? "" : " (action='" + settings.action + "': nothing written)");
  if (settings.action == "calculate") {
    nlohmann::json report = sum;
    report["parts"] = nlohmann::json::array();
    for (const auto& text : results) report["parts"].push_back(nlohmann::json::parse(text));
    std::printf("%s\n", report.dump(2).c_str());
  }
  return 0;
}

}  // namespace ptclean::imager
