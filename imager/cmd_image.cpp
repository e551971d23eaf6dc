#include <omp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <sstream>
#include <thread>

#include "checkpoint.h"
#include "clean_mask.h"
#include "commands.h"
#include "multi_ms.h"
#include "data_problems_report.h"
#include "image_metadata.h"
#include "image_writer.h"
#include "imaging_settings.h"
#include "log.h"
#include "interrupts.h"
#include "major_cycles.h"
#include "multi_term_imaging.h"
#include "plane_imaging.h"
#include "primary_beam_outputs.h"
#include "image_result.h"
#include "run_records.h"
#include "run_timings.h"
#include "mpi_context.h"
#include "save_model.h"
#include "ms_reader.h"
#include "ptclean/deconvolution/beam_fit.h"
#include "ptclean/deconvolution/restore.h"
#include "ptclean/gridding/gridder.h"
#include "ptclean/gridding/stopwatch.h"
#include "ptclean/partition/row_shares.h"
#include "ptclean/partition/unit_dealing.h"
#include "visibility_source.h"

namespace ptclean::imager {
namespace {

/// This rank's rows: all selected rows of all MSes in order, in blocks balanced by visibility count.
std::vector<RowShare> shareOf(const std::vector<std::unique_ptr<MsReader>>& readers, const MpiContext& mpi,
                              bool work_on_client) {
  std::vector<std::size_t> costs, offsets{0};
  for (const auto& reader : readers) {
    auto c = reader->rowCosts();
    costs.insert(costs.end(), c.begin(), c.end());
    offsets.push_back(costs.size());
  }
  // Without work on the client, rank 0 takes no rows and the servers share them all.
  const bool client_idle = !work_on_client && mpi.size() > 1;
  if (client_idle && mpi.isRoot()) return {};
  const std::size_t workers = std::size_t(mpi.size()) - (client_idle ? 1 : 0);
  const std::size_t worker = std::size_t(mpi.rank()) - (client_idle ? 1 : 0);
  auto block = partition::balancedBlocks(costs, workers)[worker];
  std::vector<RowShare> shares;
  for (std::size_t m = 0; m < readers.size(); ++m) {
    std::size_t begin = std::max(block.begin, offsets[m]), end = std::min(block.end, offsets[m + 1]);
    if (begin < end) shares.push_back({m, begin - offsets[m], end - offsets[m]});
  }
  return shares;
}

/// Whole Sub-MSs per rank, the largest first to the least loaded rank; with more ranks than
/// Sub-MSs, rows are split instead (shareOf). Every rank computes the same plan; rank 0 logs it.
std::vector<RowShare> shareOfSubMss(const std::vector<std::unique_ptr<MsReader>>& readers, const MpiContext& mpi,
                                    bool work_on_client) {
  const bool client_idle = !work_on_client && mpi.size() > 1;
  const std::size_t workers = std::size_t(mpi.size()) - (client_idle ? 1 : 0);
  if (workers > readers.size()) {
    spdlog::info("Multi-MS: {} Sub-MSs for {} ranks: splitting them by rows", readers.size(), workers);
    return shareOf(readers, mpi, work_on_client);
  }
  std::vector<std::size_t> cost(readers.size());
  for (std::size_t m = 0; m < readers.size(); ++m)
    for (std::size_t c : readers[m]->rowCosts()) cost[m] += c;
  const std::vector<std::size_t> owner = partition::dealLargestFirst(cost, workers);
  std::vector<std::size_t> load(workers, 0);
  for (std::size_t m = 0; m < readers.size(); ++m) load[owner[m]] += cost[m];
  for (std::size_t w = 0; w < workers; ++w) {
    std::string names;
    for (std::size_t m = 0; m < readers.size(); ++m)
      if (owner[m] == w) names += (names.empty() ? "" : ", ") + std::filesystem::path(readers[m]->path()).filename().string();
    spdlog::info("Multi-MS: rank {} takes {} ({} visibilities)", w + (client_idle ? 1 : 0), names, load[w]);
  }
  if (client_idle && mpi.isRoot()) return {};
  const std::size_t me = std::size_t(mpi.rank()) - (client_idle ? 1 : 0);
  std::vector<RowShare> shares;
  for (std::size_t m = 0; m < readers.size(); ++m)
    if (owner[m] == me) shares.push_back({m, 0, readers[m]->selectedRows()});
  return shares;
}

/// The run's keys: the config file (or, for --restart without one, the checkpoint's keys) with the
/// overrides. A restart whose keys differ from its checkpoint's is refused, naming them.
Config loadRunConfig(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides,
                     const ImageOptions& options, Checkpoint& resume) {
  if (options.restart_file.empty()) return Config::load(imageKeys(), config_file, overrides);
  std::string saved;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    resume = readCheckpoint(options.restart_file);
    saved = resume.config;
  });
  mpi.broadcast(saved);
  std::string base = config_file;
  std::filesystem::path copy;
  if (base.empty()) {
    copy = std::filesystem::temp_directory_path() / ("ptclean-restart-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(copy) << saved;
    base = copy.string();
  }
  auto removeCopy = [&] {
    if (!copy.empty()) std::filesystem::remove(copy);
  };
  Config config = [&] {
    try {
      return Config::load(imageKeys(), base, overrides);
    } catch (...) {
      removeCopy();
      throw;
    }
  }();
  removeCopy();
  if (const auto differences = configDifferences(saved, config.dump()); !differences.empty())
    throw ConfigError("--restart " + options.restart_file + ": the keys differ from the checkpoint's: " + differences);
  return config;
}

/// Where this run writes checkpoints ("" for none): --checkpoint, else the restarted file, else
/// <imagename>.checkpoint.h5 with checkpoint=true.
std::string checkpointPath(const ImagingSettings& settings, const ImageOptions& options) {
  const std::string path = !options.checkpoint_file.empty() ? options.checkpoint_file
                           : !options.restart_file.empty()  ? options.restart_file
                           : settings.checkpoint            ? settings.imagename + ".checkpoint.h5"
                                                            : "";
  if (path.empty()) return path;
  if (settings.specmode != "mfs" || settings.deconvolver == "mtmfs")
    throw ConfigError("checkpoints: supported for specmode='mfs' with hogbom, clark or multiscale, not with specmode='" +
                      settings.specmode + "' and deconvolver='" + settings.deconvolver + "'");
  if (options.restart_file.empty() && std::filesystem::exists(path))
    throw ConfigError("checkpoint " + path + " exists: continue that run with --restart " + path + ", or remove it");
  return path;
}

}  // namespace

int threadsPerRank(std::optional<int> requested, const MpiContext& mpi) {
  if (requested) return *requested;
  if (std::getenv("OMP_NUM_THREADS")) return std::max(1, omp_get_max_threads());
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, mpi.ranksOnThisNode()));
}

int runImageCommand(const MpiContext& mpi, const std::string& config_file,
                    const std::vector<std::string>& overrides, const ImageOptions& options) {
  gridding::Stopwatch timer, wall;
  RunTimings timings;
  Checkpoint resume;  // rank 0, with --restart
  const Config config = loadRunConfig(mpi, config_file, overrides, options, resume);
  const ImagingSettings settings = imagingSettingsFrom(config);
  const std::string checkpoint_path = checkpointPath(settings, options);
  const int threads = threadsPerRank(settings.threads, mpi);
  spdlog::info("ptclean image: {} rank(s) x {} thread(s) per rank, {} rank(s) on this node", mpi.size(),
               threads, mpi.ranksOnThisNode());
  if (settings.specmode == "cube") return runCubeImaging(mpi, settings, config.dump(), options, threads);

  ImageResult result;
  std::unique_ptr<OutputSet> outputs;
  collectively(mpi, [&] {
    if (mpi.isRoot()) outputs = std::make_unique<OutputSet>(settings.imagename);
  });

  std::vector<std::unique_ptr<MsReader>> readers;
  PhaseCentre centre;
  MsSummary summary;
  // A Multi-MS is read as its Sub-MSs, so that ranks can take whole ones.
  bool multi_ms = false;
  auto openReaders = [&] {
    for (const auto& path : settings.vis) {
      if (!isMultiMs(path)) {
        readers.push_back(std::make_unique<MsReader>(path, settings.selection, settings.datacolumn));
        continue;
      }
      multi_ms = true;
      const std::size_t before = readers.size();
      for (const auto& part : subMsPaths(path)) {
        auto reader = std::make_unique<MsReader>(part, settings.selection, settings.datacolumn, true);
        if (reader->selectedRows() > 0) readers.push_back(std::move(reader));
      }
      if (readers.size() == before) throw std::runtime_error("selection matches no data in " + path);
    }
  };
  collectively(mpi, [&] {
    openReaders();
    centre = settings.phasecenter.empty() ? readers[0]->defaultPhaseCentre()
                                          : parsePhaseCentre(settings.phasecenter, settings.vis[0]);
    summary = readers[0]->summary();
    for (std::size_t m = 1; m < readers.size(); ++m) {
      MsSummary other = readers[m]->summary();
      summary.min_freq_hz = std::min(summary.min_freq_hz, other.min_freq_hz);
      summary.max_freq_hz = std::max(summary.max_freq_hz, other.max_freq_hz);
    }
  });
  if (mpi.isRoot())
    for (const auto& reader : readers) {
      spdlog::info("{}: {} selected rows, column {}, {} feeds", reader->path(), reader->selectedRows(),
                   reader->dataColumn(), reader->summary().feeds);
      for (const auto& note : reader->notes()) spdlog::info("{}", note);
    }

  std::unique_ptr<VisibilitySource> source;
  collectively(mpi, [&] {
    auto shares = multi_ms ? shareOfSubMss(readers, mpi, options.work_on_client)
                           : shareOf(readers, mpi, options.work_on_client);
    source = std::make_unique<VisibilitySource>(readers, shares, centre, settings.max_memory_bytes);
  });
  constexpr double kGB = 1e9;
  if (source->streaming())
    spdlog::info("streaming mode: this rank's {} samples need {:.2f} GB, over max_memory {:.2f} GB; the MS is read "
                 "in {} chunks on every pass", source->samples(), source->bytesInMemory() / kGB,
                 settings.max_memory_bytes / kGB, source->chunkCount());
  else
    spdlog::info("memory mode: this rank's {} samples kept in memory ({:.2f} GB) across major cycles",
                 source->samples(), source->bytesInMemory() / kGB);
  collectively(mpi, [] { throwIfInterrupted("after reading the data"); });
  raiseTestSignal();
  const double read_seconds = timer.lap();
  timings.add(Phase::Read, read_seconds);
  timings.count(Work::Samples, double(source->samples()));
  spdlog::info("read {} Stokes I samples in {:.2f} s", source->samples(), read_seconds);

  const gridding::ImageGeometry geometry{settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad};
  gridding::Gridder gridder(geometry, {settings.gridder_accuracy, settings.w_correction, threads, settings.small_inversion});
  if (settings.deconvolver == "mtmfs") {
    const double reffreq = settings.reffreq_hz > 0 ? settings.reffreq_hz : 0.5 * (summary.min_freq_hz + summary.max_freq_hz);
    MultiTermResult terms = imageMultiTerm(mpi, gridder, *source, settings, centre, threads, timings, reffreq);
    reportDataProblems(mpi, readers);
    timer.lap();
    ImageResult result;
    collectively(mpi, [&] {
      if (!mpi.isRoot()) return;
      ImageMetadata meta = imageMetadata(settings, centre, summary, config.dump());
      meta.ref_freq_hz = reffreq;
      meta.beam = terms.beam;
      addMultiTermOutputs(*outputs, meta, terms);
      addPrimaryBeamOutputs(*outputs, meta, {reffreq}, terms.restored[0], settings, summary);
      throwIfInterrupted("while writing the images");
      result = summariseImages(terms.restored[0], terms.residual[0], terms.model[0], terms.beam);
      result.iterations = terms.clean.iterations;
      result.major_cycles = terms.clean.major_cycles;
      result.stop_reason = settings.niter > 0 ? terms.clean.stop_reason : "niter = 0";
      result.outputs = outputs->commit();
      timings.add(Phase::Write, timer.lap());
      spdlog::info("images written:");
      for (const auto& path : result.outputs) spdlog::info("  {}", path);
    });
    writeRunRecords(mpi, timings, options, threads, wall.lap(), result);
    return 0;
  }
  const PlaneCheckpoints checkpoints{checkpoint_path, config.dump(), mpi.isRoot() && !options.restart_file.empty() ? &resume : nullptr,
                                    !options.restart_file.empty()};
  PlaneImages plane = imagePlane(mpi, gridder, *source, settings, centre, threads, timings, "",
                                 checkpoint_path.empty() ? nullptr : &checkpoints);
  reportDataProblems(mpi, readers);  // after the first full pass, which streamed runs read in chunks
  timer.lap();
  const CleanOutcome& clean = plane.clean;

  if (settings.savemodel == SaveModel::ModelColumn) {
    std::vector<std::string> paths;
    for (const auto& reader : readers) paths.push_back(reader->path());
    saveModelColumn(mpi, gridder, *source, paths, plane.model, [&] { readers.clear(); }, openReaders);
    timings.add(Phase::Write, timer.lap());
  }

  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    const std::vector<double>& psf = plane.psf;
    const std::vector<double>& dirty = plane.residual;
    const std::vector<double>& model = plane.model;
    const std::vector<double>& restored = plane.restored;
    const deconvolution::Beam& beam = plane.beam;
    const double sum_weights = plane.sum_weights;
    const CleanMask* mask = plane.mask.get();

    ImageMetadata meta = imageMetadata(settings, centre, summary, config.dump());
    meta.beam = beam;

    ImageMetadata model_meta = meta;
    model_meta.units = "Jy/pixel";
    model_meta.beam.reset();
    outputs->add("psf", meta, psf);
    outputs->add("residual", meta, dirty);
    outputs->add("image", meta, restored);  // with niter = 0, the residual
    outputs->add("model", model_meta, model);
    addPrimaryBeamOutputs(*outputs, meta, {meta.ref_freq_hz}, restored, settings, summary);
    if (mask && mask->active()) {
      ImageMetadata mask_meta = model_meta;
      mask_meta.units = "";
      outputs->add("mask", mask_meta, mask->asImage());
    }
    ImageMetadata sumwt_meta = model_meta;
    sumwt_meta.nx = sumwt_meta.ny = 1;
    sumwt_meta.units = "";
    std::vector<double> sumwt{sum_weights};
    outputs->add("sumwt", sumwt_meta, sumwt);
    throwIfInterrupted("while writing the images");
    auto written = outputs->commit();
    result = summariseImages(restored, dirty, model, beam);
    result.iterations = clean.iterations;
    result.major_cycles = clean.major_cycles;
    result.stop_reason = settings.niter > 0 ? clean.stop_reason : "niter = 0";
    result.outputs = written;
    const double write_seconds = timer.lap();
    timings.add(Phase::Write, write_seconds);
    spdlog::info("images written in {:.2f} s:", write_seconds);
    for (const auto& path : written) spdlog::info("  {}", path);
    if (!checkpoint_path.empty() && std::filesystem::remove(checkpoint_path))
      spdlog::info("the run is complete: checkpoint {} removed", checkpoint_path);
  });
  writeRunRecords(mpi, timings, options, threads, wall.lap(), result);
  return 0;
}

}  // namespace ptclean::imager
