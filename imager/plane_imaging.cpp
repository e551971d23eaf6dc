#include "plane_imaging.h"

#include <numbers>

#include "interrupts.h"
#include "log.h"
#include "mpi_context.h"
#include "plane_checkpoints.h"
#include "ptclean/deconvolution/beam_fit.h"
#include "ptclean/deconvolution/restore.h"
#include "ptclean/gridding/stopwatch.h"

namespace ptclean::imager {

namespace {
constexpr double kArcsec = 180.0 * 3600.0 / std::numbers::pi;
constexpr double kDegree = 180.0 / std::numbers::pi;
}  // namespace

std::vector<gridding::VisibilityView> viewsOf(const std::vector<SpwBlock>& blocks, std::uint64_t samples_id) {
  std::vector<gridding::VisibilityView> views;
  for (const auto& block : blocks)
    views.push_back({block.rows(), block.freq_hz.size(), block.uvw_m.data(), block.freq_hz.data(), block.vis.data(),
                     block.weight.data(), samples_id});
  return views;
}

PlaneImages imagePlane(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                       const ImagingSettings& settings, const PhaseCentre& centre, int threads, RunTimings& timings,
                       const std::string& label, const PlaneCheckpoints* checkpoints) {
  gridding::Stopwatch timer;
  PlaneImages out;
  DataDigest digest;
  if (checkpoints) digest = source.dataDigest(mpi);  // of the natural weights, before imaging weights
  out.sum_weights = source.prepareWeights(mpi, settings);
  gridder.setReach(source.reach());
  mpi.checkAll(out.sum_weights > 0.0, label + "no unflagged data with non-zero weight in the selection");
  spdlog::info("{}weighting done in {:.2f} s", label, timer.lap());

  std::vector<double>& psf = out.psf;
  std::vector<double>& dirty = out.residual;
  psf.assign(settings.nx * settings.ny, 0.0);
  dirty.assign(psf.size(), 0.0);
  collectively(mpi, [&] {
    bool described = false;  // streamed chunks share one kernel choice: log it once
    source.forEachChunk([&](std::vector<SpwBlock>& chunk) {
      // Without deconvolution nothing grids these samples again: promising nothing lets the
      // gridder sort them a block at a time instead of keeping them all sorted.
      auto views = viewsOf(chunk, settings.niter > 0 ? source.samplesId() : 0);
      gridder.invert(views, dirty, psf);
      timings.addGridder(Phase::Grid, gridder, sampleCount(views), 2);
      if (!chunk.empty() && !described && label.empty()) {
        described = true;
        const auto& t = gridder.lastTimings();
        spdlog::info("gridding: {}", gridder.lastChoice().describe());
        spdlog::info("gridding phases: plan {:.2f} s, sort {:.2f} s, grid {:.2f} s, FFT {:.2f} s, image {:.2f} s",
                     t.plan, t.sort, t.grid, t.fft, t.image);
      }
    });
  });
  spdlog::info("{}PSF and dirty image gridded in {:.2f} s", label, timer.lap());

  collectively(mpi, [] { throwIfInterrupted("after gridding the dirty image"); });
  mpi.sumToRoot(psf);
  mpi.sumToRoot(dirty);
  const double reduce_seconds = timer.lap();
  timings.add(Phase::Reduce, reduce_seconds);
  timings.count(Work::ReducedValues, double(psf.size() + dirty.size()));
  if (mpi.size() > 1) spdlog::info("images reduced to rank 0 in {:.2f} s", reduce_seconds);

  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    // The dirty image is normalised by the sum of weights (the DFT definition); the PSF by its
    // own centre, which equals that sum to the gridder's accuracy, so that it peaks at exactly 1.
    const double psf_peak = psf[(settings.ny / 2) * settings.nx + settings.nx / 2];
    for (double& p : psf) p /= psf_peak;
    for (double& d : dirty) d /= out.sum_weights;
    out.beam = deconvolution::fitPsfBeam(psf, settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad,
                                         settings.psfcutoff);
    spdlog::info("{}beam {:.4g}\" x {:.4g}\" pa {:.2f} deg; sum of weights {:.6g}", label, out.beam.major_rad * kArcsec,
                 out.beam.minor_rad * kArcsec, out.beam.pa_rad * kDegree, out.sum_weights);
    if (settings.niter > 0) {
      const MaskGrid grid{settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad, centre.ra_rad,
                          centre.dec_rad};
      out.mask = std::make_unique<CleanMask>(CleanMask::fromSettings(
          settings, grid, out.beam, deconvolution::psfSidelobe(psf, settings.nx, settings.ny)));
    }
  });

  // Deconvolution (niter > 0): `dirty` becomes the residual.
  out.model.assign(mpi.isRoot() ? psf.size() : 0, 0.0);
  CycleHooks hooks;
  CycleProgress resumed;
  if (checkpoints && settings.niter > 0) {
    if (checkpoints->resuming) {
      collectively(mpi, [&] {
        if (mpi.isRoot()) resumed = resumeFrom(*checkpoints, digest, out, settings);
      });
      double state[] = {double(resumed.control.iterations_done), double(resumed.control.major_cycles_done),
                        resumed.control.lowest_peak};
      mpi.broadcast(state);  // for the other ranks' messages
      resumed.control = {long(state[0]), long(state[1]), state[2]};
      hooks.resume = &resumed;
    }
    hooks.after_major_cycle = [&](const CycleProgress& progress, const std::vector<double>& residual,
                                  const std::vector<double>& model) {
      saveCheckpoint(*checkpoints, digest, settings, out, progress, residual, model);
    };
    hooks.stop_hint = [&, ranks = mpi.size()](long cycles_done) { return restartHint(checkpoints->path, cycles_done, ranks); };
  }
  out.clean = runMajorCycles(mpi, gridder, source, settings, threads, out.sum_weights, psf, out.mask.get(), dirty,
                             out.model, timings, hooks);
  if (settings.niter > 0)
    spdlog::info("{}stopped after {} iterations in {} major cycle(s): {}", label, out.clean.iterations,
                 out.clean.major_cycles, out.clean.stop_reason);

  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    if (!settings.restoringbeam_rad.empty()) {
      out.beam = {settings.restoringbeam_rad[0], settings.restoringbeam_rad[1], settings.restoringbeam_rad[2]};
      spdlog::info("{}restoring beam from key 'restoringbeam': {:.4g}\" x {:.4g}\" pa {:.2f} deg", label,
                   out.beam.major_rad * kArcsec, out.beam.minor_rad * kArcsec, out.beam.pa_rad * kDegree);
    }
    out.restored = deconvolution::restore(out.model, dirty, settings.nx, settings.ny, settings.cell_x_rad,
                                          settings.cell_y_rad, out.beam, threads);
  });
  return out;
}

}  // namespace ptclean::imager
