// `ptclean setjy`: CASA's setjy. MODEL_DATA of a plain MS, or of each Sub-MS of a Multi-MS on the
// rank it is dealt to, is set in place; rank 0 prints the flux densities set, as JSON.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "data_task_runner.h"
#include "flag_agents.h"
#include "log.h"
#include "mpi_context.h"
#include "setjy_task.h"

namespace ptclean::imager {

int runSetjyCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides) {
  const Config config = Config::load(setjyKeys(), config_file, overrides);
  const SetjySettings settings = setjySettingsFrom(config);
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    if (!std::filesystem::exists(settings.vis)) throw std::runtime_error("vis '" + settings.vis + "' does not exist");
    for (const auto& part : taskParts(settings.vis)) checkFlaggable(part);
    checkSetjyFields(settings);
  });
  InPlaceTask task{"setjy", settings.vis, [&](const std::string& ms) { return setModel(ms, settings); }, {}};
  const std::vector<std::string> results = runInPlaceTask(mpi, task);
  if (!mpi.isRoot()) return 0;
  nlohmann::json fields = nlohmann::json::object();
  double rows = 0;
  for (const auto& text : results) {
    const auto part = nlohmann::json::parse(text);
    rows += part.value("rows", 0.0);
    for (const auto& [id, entry] : part["fields"].items()) {
      auto& merged = fields[id];
      merged["fieldName"] = entry["fieldName"];
      merged["source"] = entry["source"];
      for (const auto& [spw, flux] : entry["spws"].items()) merged["spws"][spw] = flux;
    }
  }
  for (const auto& [id, entry] : fields.items())
    for (const auto& [spw, flux] : entry["spws"].items())
      spdlog::info("setjy: {} (field {}) spw {}: [I={:.4f}, Q={:.4f}, U={:.4f}, V={:.4f}] Jy at {:.6f} GHz ({})",
                   entry["fieldName"].get<std::string>(), id, spw, flux["fluxd"][0].get<double>(),
                   flux["fluxd"][1].get<double>(), flux["fluxd"][2].get<double>(), flux["fluxd"][3].get<double>(),
                   flux["freq_hz"].get<double>() / 1e9, settings.standard);
  spdlog::info("setjy: MODEL_DATA set in {:.0f} rows of {}", rows, settings.vis);
  std::printf("%s\n", nlohmann::json{{"fields", fields}, {"rows", rows}}.dump(2).c_str());
  return 0;
}

}  // namespace ptclean::imager
