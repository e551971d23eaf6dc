// `ptclean uvcontsub`: CASA's uvcontsub. Each part of the input is split out and its continuum
// fitted and subtracted (uvcontsub_task.h); with combine='spw' on a Multi-MS whose Sub-MSs do not
// each hold every selected spw, the Multi-MS is processed in serial into a plain MS, as CASA does.
#include "commands.h"
#include "data_task_runner.h"
#include "log.h"
#include "mpi_context.h"
#include "multi_ms.h"
#include "uvcontsub_task.h"

namespace ptclean::imager {

int runUvcontsubCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides) {
  const Config config = Config::load(uvcontsubKeys(), config_file, overrides);
  UvcontsubSettings settings = uvcontsubSettingsFrom(config);
  std::string datacolumn = settings.transform.datacolumn;
  bool serial = !settings.keepmms;
  std::string mode = serial ? "s" : "p";
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    datacolumn = resolvedDataColumn(settings.vis, datacolumn, "uvcontsub");
    settings.transform.datacolumn = datacolumn;
    checkTransformInput(settings.vis, settings.transform);
    fitChannels(settings.vis, settings);
    if (settings.combine_spw && isMultiMs(settings.vis) && !serial &&
        !subMssHoldEverySpw(settings.vis, settings.transform.selection.spw)) {
      spdlog::warn("uvcontsub: Cannot run with combine='spw' in parallel because the Sub-MSs do not contain all the selected spws");
      spdlog::warn("uvcontsub: The Multi-MS will be processed in serial and will create an output MS");
      mode = "s";
    }
  });
  mpi.broadcast(datacolumn);
  mpi.broadcast(mode);
  settings.transform.datacolumn = datacolumn;
  serial = mode == "s";
  FitChannels fit;
  collectively(mpi, [&] { fit = fitChannels(settings.vis, settings); });
  if (mpi.isRoot())
    spdlog::info("uvcontsub: split is run first: the selected spws are renumbered from 0 in {}", settings.outputvis);
  for (const bool continuum : {false, true}) {
    if (continuum && !settings.want_cont) break;
    const std::string output = continuum ? continuumOutput(settings) : settings.outputvis;
    runWritingTask(mpi, {"uvcontsub", settings.vis, output, serial,
                         [&](const std::string& input, const std::string& out) {
                           transformMs(input, out, settings.transform);
                           subtractContinuum(out, fit, int(settings.fitorder), settings.combine_spw, continuum);
                         }});
  }
  return 0;
}

}  // namespace ptclean::imager
