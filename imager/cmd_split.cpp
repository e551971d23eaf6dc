// `ptclean split` and `ptclean hanningsmooth`: CASA's tasks of those names. Each MS (a plain MS,
// or every Sub-MS of a Multi-MS on the rank it is dealt to) is copied through transformMs with
// split's channel averaging or the Hanning kernel.
#include "commands.h"
#include "data_task_runner.h"
#include "data_task_settings.h"
#include "log.h"
#include "mpi_context.h"

namespace ptclean::imager {
int runSplitCommand(const MpiContext& mpi, const std::string& task, const std::string& config_file,
                    const std::vector<std::string>& overrides) {
  const Config config = Config::load(task == "split" ? splitKeys() : hanningsmoothKeys(), config_file, overrides);
  SplitSettings settings = splitSettingsFrom(config, task);
  const TransformFactory transform = task == "split" ? channelAveraging(settings.width, settings.transform.selection.spw)
                                                     : hanningSmoothing();
  std::string datacolumn = settings.transform.datacolumn;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    datacolumn = resolvedDataColumn(settings.vis, datacolumn, task);
    settings.transform.datacolumn = datacolumn;
    checkTransformInput(settings.vis, settings.transform, transform);
  });
  mpi.broadcast(datacolumn);
  settings.transform.datacolumn = datacolumn;
  // Decided on rank 0 (it opens every Sub-MS) and broadcast, so that every rank agrees.
  std::string mode = settings.keepmms ? "p" : "s";
  collectively(mpi, [&] {
    if (!mpi.isRoot() || !settings.keepmms || !timeBinsCrossSubMss(settings.vis, settings.transform.time)) return;
    spdlog::warn("{}: time bins that combine scans would cross the Sub-MSs of {} (separated by scan): "
                 "it is processed in serial and will create an output MS", task, settings.vis);
    mode = "s";
  });
  mpi.broadcast(mode);
  const bool serial = mode == "s";
  if (task == "split" && !settings.transform.selection.spw.empty() && mpi.isRoot())
    spdlog::info("split: the selected spws are re-indexed from 0 in {}", settings.outputvis);
  WritingTask writing{task, settings.vis, settings.outputvis, serial,
                      [&](const std::string& input, const std::string& output) {
                        transformMs(input, output, settings.transform, transform);
                      }};
  runWritingTask(mpi, writing);
  return 0;
}

}  // namespace ptclean::imager
