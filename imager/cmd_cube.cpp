// specmode='cube': output channels dealt out to the ranks in balanced blocks; each rank reads
// only the data channels that reach its block, and runs whole major and minor cycles for each
// of its channels on its own (its threads, no reductions). Rank 0 gathers the planes and writes
// the cubes: one writer, so that a cube is written all or nothing under its final name, as the
// mfs images are.
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numbers>

#include "commands.h"
#include "cube_layout.h"
#include "cube_outputs.h"
#include "image_result.h"
#include "image_writer.h"
#include "interrupts.h"
#include "log.h"
#include "mpi_context.h"
#include "multi_ms.h"
#include "plane_imaging.h"
#include "primary_beam_outputs.h"
#include "ptclean/deconvolution/restore.h"
#include "ptclean/gridding/stopwatch.h"
#include "run_records.h"
#include "run_timings.h"
#include "spectral_frame.h"
#include "weighting.h"

namespace ptclean::imager {

namespace {



std::vector<std::unique_ptr<MsReader>> openReaders(const ImagingSettings& settings, const MsSelectionKeys& selection,
                                                   bool allow_empty) {
  std::vector<std::unique_ptr<MsReader>> readers;
  for (const auto& path : settings.vis) {
    const bool multi = isMultiMs(path);
    for (const auto& part : multi ? subMsPaths(path) : std::vector<std::string>{path}) {
      auto reader = std::make_unique<MsReader>(part, selection, settings.datacolumn, multi || allow_empty);
      if (reader->selectedRows() > 0) readers.push_back(std::move(reader));
    }
  }
  if (readers.empty() && !allow_empty) throw std::runtime_error("selection matches no data");
  return readers;
}

double peakResidentMiB() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

}  // namespace

int runCubeImaging(const MpiContext& mpi, const ImagingSettings& settings, const std::string& config_dump,
                   const ImageOptions& options, int threads) {
  gridding::Stopwatch wall, timer;
  RunTimings timings;
  if (settings.savemodel == SaveModel::ModelColumn)
    throw ConfigError("key 'savemodel': 'modelcolumn' is not supported with specmode='cube' yet");
  std::unique_ptr<OutputSet> outputs;
  collectively(mpi, [&] {
    if (mpi.isRoot()) outputs = std::make_unique<OutputSet>(settings.imagename);
  });

  std::vector<std::unique_ptr<MsReader>> all_readers;
  PhaseCentre centre;
  MsSummary summary;
  std::unique_ptr<FrameConversion> conversion;
  CubeLayout layout;
  collectively(mpi, [&] {
    all_readers = openReaders(settings, settings.selection, false);
    centre = settings.phasecenter.empty() ? all_readers[0]->defaultPhaseCentre()
                                          : parsePhaseCentre(settings.phasecenter, settings.vis[0]);
    summary = all_readers[0]->summary();
    // Every MS's (or Sub-MS's) spws, for the selections that read only some channels.
    for (std::size_t m = 1; m < all_readers.size(); ++m) {
      const MsSummary other = all_readers[m]->summary();
      for (const auto& [spw, f] : other.spw_freq_hz) {
        summary.spw_freq_hz.emplace(spw, f);
        summary.spw_width_hz.emplace(spw, other.spw_width_hz.at(spw));
      }
    }
    conversion = std::make_unique<FrameConversion>(all_readers[0]->path(), centre.ra_rad, centre.dec_rad,
                                                   settings.cube.outframe);
    layout = layCube(all_readers, settings.cube, *conversion, std::size_t(mpi.size()));
  });
  const CubeAxis& axis = layout.axis;
  const auto [first, end] = layout.blocks[std::size_t(mpi.rank())];
  spdlog::info("cube: {} channels of {:.6g} kHz from {:.9g} GHz ({}), {} interpolation; frame factor {:.12f} to {:.12f}",
               axis.nchan, axis.width_hz / 1e3, axis.centre(0) / 1e9, settings.cube.outframe,
               settings.cube.linear ? "linear" : "nearest", layout.factor_low, layout.factor_high);
  for (std::size_t r = 0; r < layout.blocks.size(); ++r)
    spdlog::info("cube: rank {} images channels {} to {}", r, layout.blocks[r].first,
                 layout.blocks[r].second == 0 ? 0 : layout.blocks[r].second - 1);

  // This rank's channels, in chunks whose data fit in max_memory; each chunk reads only the data
  // channels that reach it (for a selection of whole spws) and is released before the next.
  const auto chunks = channelChunks(layout, first, end, settings.max_memory_bytes);
  if (chunks.size() > 1)
    spdlog::info("cube: channels {} to {} in {} chunks to stay within max_memory {:.2f} GB", first, end - 1,
                 chunks.size(), settings.max_memory_bytes / 1e9);
  const bool whole_spws = settings.selection.spw.find(':') == std::string::npos;
  if (!whole_spws && mpi.isRoot())
    spdlog::info("cube: the spw selection has channel ranges; every rank reads all of them");
  all_readers.clear();

  // Each channel on its own: a single-process context, so that no collective waits on others.
  const std::size_t pixels = settings.nx * settings.ny;
  const MpiContext alone;
  std::vector<double> mine;
  mine.reserve((end - first) * (kPlaneImages * pixels + kPlaneFacts));
  double samples_read = 0;
  // A chunk's data: read (only the data channels that reach it, for whole spws), in memory (the
  // chunks were cut to fit max_memory).
  struct ChunkData {
    std::vector<std::unique_ptr<MsReader>> readers;
    std::unique_ptr<VisibilitySource> source;
  };
  auto readChunk = [&](std::size_t chunk_first, std::size_t chunk_end) {
    ChunkData chunk;
    MsSelectionKeys selection = settings.selection;
    if (whole_spws) selection.spw = spwSelectionFor(summary, layout, chunk_first, chunk_end);
    if (whole_spws && selection.spw.empty()) return chunk;
    chunk.readers = openReaders(settings, selection, true);
    std::vector<RowShare> shares;
    for (std::size_t m = 0; m < chunk.readers.size(); ++m) shares.push_back({m, 0, chunk.readers[m]->selectedRows()});
    chunk.source = std::make_unique<VisibilitySource>(chunk.readers, shares, centre, 0.0);
    return chunk;
  };
  auto factor = [&](double t) { return conversion->factor(t); };
  auto residentOf = [](VisibilitySource* source) {
    std::vector<SpwBlock>* data = nullptr;
    if (source) source->forEachChunk([&](std::vector<SpwBlock>& resident) { data = &resident; });
    return data;
  };

  // perchanweightdensity = false: one uniform/briggs density over every channel of the cube,
  // from each rank's own channels, summed over the ranks (a first pass over the data).
  std::shared_ptr<WeightDensity> shared_density;
  if (!settings.cube.perchanweightdensity && settings.weighting != Weighting::Natural) {
    shared_density = std::make_shared<WeightDensity>(settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad);
    collectively(mpi, [&] {
      for (const auto& [chunk_first, chunk_end] : chunks) {
        ChunkData chunk = readChunk(chunk_first, chunk_end);
        std::vector<SpwBlock>* data = residentOf(chunk.source.get());
        if (!data) continue;
        ChannelIndex index;
        if (!settings.cube.linear) index = indexChannels(*data, axis, chunk_first, chunk_end, factor);
        for (std::size_t k = chunk_first; k < chunk_end; ++k) {
          const SpwBlock plane = planeBlock(*data, axis, k, settings.cube.linear, factor, &index);
          shared_density->add({&plane, 1});
        }
      }
    });
    mpi.sumAll(shared_density->cells());
    spdlog::info("cube: one {} weight density over all {} channels (perchanweightdensity = false)",
                 settings.weighting == Weighting::Uniform ? "uniform" : "briggs", axis.nchan);
  }

  collectively(mpi, [&] {
    gridding::Gridder gridder({settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad},
                              {settings.gridder_accuracy, settings.w_correction, threads, settings.small_inversion});
    for (const auto& [chunk_first, chunk_end] : chunks) {
      timer.lap();
      ChunkData chunk = readChunk(chunk_first, chunk_end);
      VisibilitySource* source = chunk.source.get();
      if (source) samples_read += double(source->samples());
      const double read_seconds = timer.lap();
      timings.add(Phase::Read, read_seconds);
      spdlog::info("cube: read {} samples for channels {} to {} in {:.2f} s", source ? source->samples() : 0,
                   chunk_first, chunk_end - 1, read_seconds);
      std::vector<SpwBlock>* data = residentOf(source);
      ChannelIndex index;
      if (data && !settings.cube.linear) index = indexChannels(*data, axis, chunk_first, chunk_end, factor);
      for (std::size_t k = chunk_first; k < chunk_end; ++k) {
        throwIfInterrupted("while imaging channel " + std::to_string(k));
        std::vector<SpwBlock> blocks;
        if (data) blocks.push_back(planeBlock(*data, axis, k, settings.cube.linear, factor, &index));
        const bool any = std::any_of(blocks.begin(), blocks.end(), [](const SpwBlock& b) {
          return std::any_of(b.weight.begin(), b.weight.end(), [](float w) { return w > 0.0f; });
        });
        if (!any) {
          spdlog::warn("cube: channel {} ({:.9g} GHz) has no data; its planes are blank", k, axis.centre(k) / 1e9);
          mine.insert(mine.end(), kPlaneImages * pixels + kPlaneFacts, 0.0);
          continue;
        }
        VisibilitySource plane_source(std::move(blocks));
        if (shared_density) plane_source.shareDensity(shared_density);
        const std::string label = "channel " + std::to_string(k) + ": ";
        PlaneImages plane = imagePlane(alone, gridder, plane_source, settings, centre, threads, timings, label);
        for (const auto* image : {&plane.psf, &plane.residual, &plane.model, &plane.restored})
          mine.insert(mine.end(), image->begin(), image->end());
        mine.insert(mine.end(), {plane.beam.major_rad, plane.beam.minor_rad, plane.beam.pa_rad, plane.sum_weights,
                                 double(plane.clean.iterations), double(plane.clean.major_cycles)});
      }
    }
  });
  timings.count(Work::Samples, samples_read);
  spdlog::log(mpi.isRoot() ? spdlog::level::info : spdlog::level::debug,
              "cube: peak resident memory of rank {}: {:.0f} MiB{}", mpi.rank(), peakResidentMiB(),
              settings.max_memory_bytes > 0 ? fmt::format(" (max_memory {:.0f} MiB)", settings.max_memory_bytes / 1048576.0)
                                            : std::string());
  timer.lap();
  // One process keeps its planes: a copy of the whole cube would cost as much as writing it.
  std::vector<double> all = mpi.size() == 1 ? std::move(mine) : mpi.gatherToRoot(mine);
  mine = {};
  timings.add(Phase::Reduce, timer.lap());

  ImageResult result;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    result = addCubeOutputs(*outputs, all, axis, settings, centre, summary, config_dump, threads);
    all = {};
    throwIfInterrupted("while writing the images");
    result.outputs = outputs->commit();
    const double write_seconds = timer.lap();
    timings.add(Phase::Write, write_seconds);
    spdlog::info("cube written in {:.2f} s:", write_seconds);
    for (const auto& path : result.outputs) spdlog::info("  {}", path);
  });
  writeRunRecords(mpi, timings, options, threads, wall.lap(), result);
  return 0;
}

}  // namespace ptclean::imager
