// `ptclean mstransform` and `ptclean cvel2`: CASA's tasks of those names. Each part of the input
// is copied through split's selection and data column, regridded (when asked) onto the output
// grid fixed from the whole input, and channel-averaged; the selected spws are re-indexed from 0.
#include "commands.h"
#include "data_task_runner.h"
#include "log.h"
#include "mpi_context.h"
#include "mstransform_task.h"
#include "multi_ms.h"

namespace ptclean::imager {

int runMstransformCommand(const MpiContext& mpi, const std::string& task, const std::string& config_file,
                          const std::vector<std::string>& overrides) {
  const Config config = Config::load(task == "cvel2" ? cvel2Keys() : mstransformKeys(), config_file, overrides);
  MstransformSettings settings = mstransformSettingsFrom(config, task);
  std::string datacolumn = settings.transform.datacolumn;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    datacolumn = resolvedDataColumn(settings.vis, datacolumn, task);
    settings.transform.datacolumn = datacolumn;
    checkTransformInput(settings.vis, settings.transform);
  });
  mpi.broadcast(datacolumn);
  settings.transform.datacolumn = datacolumn;
  // Decided on rank 0 (it opens every Sub-MS) and broadcast, so that every rank agrees.
  std::string mode = settings.keepmms ? "p" : "s";
  collectively(mpi, [&] {
    if (!mpi.isRoot() || !settings.keepmms) return;
    const bool crossing_bins = timeBinsCrossSubMss(settings.vis, settings.transform.time);
    const bool split_spws = settings.transform.combine_spws && isMultiMs(settings.vis) &&
                            !subMssHoldEverySpw(settings.vis, settings.transform.selection.spw);
    if (!crossing_bins && !split_spws) return;
    spdlog::warn("{}: {} would cross the Sub-MSs of {}: it is processed in serial and will create an output MS", task,
                 crossing_bins ? "time bins that combine scans" : "combining spws held by different Sub-MSs", settings.vis);
    mode = "s";
  });
  mpi.broadcast(mode);
  const bool serial = mode == "s";
  TransformFactory transform;
  collectively(mpi, [&] { transform = mstransformTransform(settings.vis, settings); });
  if (mpi.isRoot() && settings.regrid.enabled)
    spdlog::info("{}: regridding ({} mode, {} interpolation) to {}", task, settings.regrid.mode, settings.regrid.interpolation,
                 settings.regrid.outframe.empty() ? "the input's frame" : settings.regrid.outframe);
  const std::string outframe = settings.regrid.enabled ? settings.regrid.outframe : "";
  runWritingTask(mpi, {task, settings.vis, settings.outputvis, serial,
                       [&](const std::string& input, const std::string& output) {
                         transformMs(input, output, settings.transform, transform);
                         setOutputFrame(output, outframe);
                       }});
  return 0;
}

}  // namespace ptclean::imager
