#include "major_cycles.h"

#include <cmath>

#include "clean_mask.h"
#include "fault_reports.h"
#include "interrupts.h"
#include "log.h"
#include "mpi_context.h"
#include "ptclean/deconvolution/cycle_control.h"
#include "ptclean/deconvolution/deconvolver.h"
#include "ptclean/deconvolution/restore.h"
#include "ptclean/gridding/stopwatch.h"

namespace ptclean::imager {
namespace {

void addTimings(gridding::GridderTimings& sum, const gridding::GridderTimings& t) {
  sum.plan += t.plan, sum.sort += t.sort, sum.grid += t.grid, sum.fft += t.fft, sum.image += t.image;
}

std::string describe(const gridding::GridderTimings& t) {
  return fmt::format("plan {:.2f} s, sort {:.2f} s, grid {:.2f} s, FFT {:.2f} s, image {:.2f} s", t.plan, t.sort,
                     t.grid, t.fft, t.image);
}

}  // namespace

deconvolution::CycleSettings cycleSettings(const ImagingSettings& settings) {
  deconvolution::CycleSettings cycle;
  cycle.niter = settings.niter;
  cycle.threshold = settings.threshold_jy;
  cycle.nsigma = settings.nsigma;
  cycle.cycleniter = settings.cycleniter;
  cycle.cyclefactor = settings.cyclefactor;
  cycle.minpsffraction = settings.minpsffraction;
  cycle.maxpsffraction = settings.maxpsffraction;
  cycle.nmajor = settings.nmajor;
  return cycle;
}

CleanOutcome runMajorCycles(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                            const ImagingSettings& settings, int threads, double sum_weights,
                            const std::vector<double>& psf, CleanMask* mask, std::vector<double>& residual,
                            std::vector<double>& model, RunTimings& timings, const CycleHooks& hooks) {
  CleanOutcome outcome;
  if (settings.niter == 0) return outcome;
  const std::size_t pixels = settings.nx * settings.ny;
  if (!mpi.isRoot()) model.assign(pixels, 0.0);

  deconvolution::CycleControl control(cycleSettings(settings));
  CycleProgress progress;
  if (hooks.resume) {
    progress = *hooks.resume;
    control.restore(progress.control);
  }
  auto clean = deconvolution::makeDeconvolver(
      {deconvolution::algorithmFromName(settings.deconvolver), settings.scales, settings.smallscalebias});
  const double sidelobe = mpi.isRoot() ? deconvolution::psfSidelobe(psf, settings.nx, settings.ny) : 0.0;
  if (mpi.isRoot()) spdlog::info("PSF sidelobe level {:.3f}; deconvolver {}", sidelobe, settings.deconvolver);

  // Per block: the model's visibilities, and the data minus them (what the gridder sees). Kept
  // from cycle to cycle (in memory mode there is one chunk, always the same).
  std::vector<std::vector<std::complex<float>>> predicted, remaining;

  gridding::Stopwatch watch;
  bool& cycle_threshold_was_global = progress.cycle_threshold_was_global;
  long cycles_done = progress.control.major_cycles_done;  // on every rank (control counts on rank 0)
  while (true) {
    double go = 0.0;
    collectively(mpi, [&] {
      throwIfInterrupted("after major cycle " + std::to_string(cycles_done),
                         hooks.stop_hint ? hooks.stop_hint(cycles_done) : "");
    });
    collectively(mpi, [&] {
      if (!mpi.isRoot()) return;
      if (mask) mask->update(residual, threads, cycle_threshold_was_global);
      const auto pixels = mask ? mask->pixels() : std::span<const std::uint8_t>();
      // As tclean, the peak that steers the cycles is the peak inside the mask.
      double peak = 0.0;
      for (std::size_t i = 0; i < residual.size(); ++i)
        if (pixels.empty() || pixels[i]) peak = std::max(peak, std::abs(residual[i]));
      const double rms = deconvolution::robustRms(residual);
      auto plan = control.planMinorCycle(peak, sidelobe, rms);
      if (mask && mask->active() && mask->maskedPixels() == 0) plan.stop = deconvolution::StopReason::ZeroMask;
      if (plan.stop != deconvolution::StopReason::None) {
        outcome.stop_reason = deconvolution::describe(plan.stop);
        return;
      }
      cycle_threshold_was_global = plan.threshold <= std::max(settings.threshold_jy, settings.nsigma * rms);
      auto result = clean->executeMajorIteration({settings.nx, settings.ny, residual, model, psf, pixels},
                                                 {settings.gain, plan.iterations, plan.threshold, threads});
      control.recordMinorCycle(result.iterations, result.final_peak);
      progress.history.push_back({peak, rms, plan.threshold, result.iterations, result.final_peak,
                                  result.iterations >= plan.iterations ? "iteration budget" : "cycle threshold"});
      timings.count(Work::MinorIterations, double(result.iterations));
      const double minor_seconds = watch.lap();
      timings.add(Phase::Minor, minor_seconds);
      spdlog::info("major cycle {}: peak residual {:.4g} Jy/beam, rms {:.3g}, cycle threshold {:.4g}; "
                   "{} iterations (total {}, left {}), peak now {:.4g}; minor cycle {:.2f} s",
                   control.majorCyclesDone(), peak, rms, plan.threshold, result.iterations,
                   control.iterationsDone(), settings.niter - control.iterationsDone(), result.final_peak,
                   minor_seconds);
      go = 1.0;
    });
    mpi.broadcast({&go, 1});
    if (go == 0.0) break;

    // The major cycle: every rank removes the model from its samples and grids what remains.
    mpi.broadcast(model);
    gridding::GridderTimings predict_phases, invert_phases;
    collectively(mpi, [&] {
      std::vector<double> image(pixels, 0.0);
      source.forEachChunk([&](std::vector<SpwBlock>& blocks) {
        predicted.resize(blocks.size());
        remaining.resize(blocks.size());
        std::vector<gridding::VisibilityView> views;
        std::vector<std::complex<float>*> outputs;
        for (std::size_t b = 0; b < blocks.size(); ++b) {
          const auto& block = blocks[b];
          predicted[b].resize(block.vis.size());
          remaining[b].resize(block.vis.size());
          views.push_back({block.rows(), block.freq_hz.size(), block.uvw_m.data(), block.freq_hz.data(),
                           block.vis.data(), block.weight.data(), source.samplesId()});
          outputs.push_back(predicted[b].data());
        }
        gridder.predict(views, model, outputs);
        injectTestFault(mpi.rank(), cycles_done + 1);
        timings.addGridder(Phase::Degrid, gridder, sampleCount(views), 1);
        addTimings(predict_phases, gridder.lastTimings());
        for (std::size_t b = 0; b < blocks.size(); ++b) {
          for (std::size_t i = 0; i < remaining[b].size(); ++i) remaining[b][i] = blocks[b].vis[i] - predicted[b][i];
          views[b].vis = remaining[b].data();
        }
        gridder.invert(views, image);
        timings.addGridder(Phase::Grid, gridder, sampleCount(views), 1);
        addTimings(invert_phases, gridder.lastTimings());
      });
      residual.swap(image);
    });
    gridding::Stopwatch reduce;
    mpi.sumToRoot(residual);
    timings.add(Phase::Reduce, reduce.lap());
    timings.count(Work::ReducedValues, double(residual.size()));
    timings.count(Work::MajorCycles, 1.0);
    ++cycles_done;
    if (mpi.isRoot()) {
      for (double& r : residual) r /= sum_weights;
      spdlog::info("major cycle {} (predict, subtract, grid, reduce) {:.2f} s; predict: {}; grid: {}",
                   control.majorCyclesDone(), watch.lap(), describe(predict_phases), describe(invert_phases));
    }
    if (hooks.after_major_cycle)
      collectively(mpi, [&] {
        if (!mpi.isRoot()) return;
        progress.control = control.state();
        hooks.after_major_cycle(progress, residual, model);
      });
  }
  outcome.iterations = control.iterationsDone();
  outcome.major_cycles = control.majorCyclesDone();
  std::string reason = outcome.stop_reason;
  mpi.broadcast(reason);
  outcome.stop_reason = reason;
  return outcome;
}

}  // namespace ptclean::imager
