#include "multi_term_imaging.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "clean_mask.h"
#include "image_writer.h"
#include "interrupts.h"
#include "log.h"
#include "mpi_context.h"
#include "plane_imaging.h"
#include "ptclean/deconvolution/beam_fit.h"
#include "ptclean/deconvolution/cycle_control.h"
#include "ptclean/deconvolution/multi_term.h"
#include "ptclean/deconvolution/multi_term_scales.h"
#include "ptclean/deconvolution/restore.h"
#include "ptclean/gridding/stopwatch.h"

namespace ptclean::imager {

namespace {

/// tau^t per channel of a block.
std::vector<double> taylorFactors(const SpwBlock& block, double reffreq_hz, std::size_t t) {
  std::vector<double> out;
  for (double f : block.freq_hz) out.push_back(std::pow((f - reffreq_hz) / reffreq_hz, double(t)));
  return out;
}

/// The chunk's weights times tau^t (for the views of term t).
std::vector<std::vector<float>> taylorWeights(const std::vector<SpwBlock>& chunk, double reffreq_hz, std::size_t t) {
  std::vector<std::vector<float>> out;
  for (const auto& block : chunk) {
    const auto tau = taylorFactors(block, reffreq_hz, t);
    std::vector<float> w(block.weight.size());
    const std::size_t nchan = block.freq_hz.size();
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = float(double(block.weight[i]) * tau[i % nchan]);
    out.push_back(std::move(w));
  }
  return out;
}

/// Grids term t of `vis` (per block; the blocks' own data when empty) into image (t < n) and psf.
void gridTerm(gridding::Gridder& gridder, const std::vector<SpwBlock>& chunk,
              const std::vector<std::vector<std::complex<float>>>* vis, double reffreq_hz, std::size_t t,
              std::span<double> image, std::span<double> psf, RunTimings& timings) {
  const auto weights = taylorWeights(chunk, reffreq_hz, t);
  auto views = viewsOf(chunk);
  for (std::size_t b = 0; b < views.size(); ++b) {
    views[b].weight = weights[b].data();
    if (vis) views[b].vis = (*vis)[b].data();
  }
  gridder.invert(views, image, psf);
  timings.addGridder(Phase::Grid, gridder, sampleCount(views), psf.empty() ? 1 : 2);
}

}  // namespace

MultiTermResult imageMultiTerm(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                               const ImagingSettings& settings, const PhaseCentre& centre, int threads,
                               RunTimings& timings, double reffreq_hz) {
  const std::size_t n = std::size_t(settings.nterms), pixels = settings.nx * settings.ny;
  MultiTermResult out;
  out.reffreq_hz = reffreq_hz;
  out.sum_weights = source.prepareWeights(mpi, settings);
  gridder.setReach(source.reach());
  mpi.checkAll(out.sum_weights > 0.0, "no unflagged data with non-zero weight in the selection");
  out.psf.assign(2 * n - 1, std::vector<double>(pixels, 0.0));
  out.residual.assign(n, std::vector<double>(pixels, 0.0));
  gridding::Stopwatch watch;
  collectively(mpi, [&] {
    source.forEachChunk([&](std::vector<SpwBlock>& chunk) {
      std::vector<double> unused(pixels, 0.0);
      for (std::size_t t = 0; t < 2 * n - 1; ++t)
        gridTerm(gridder, chunk, nullptr, reffreq_hz, t, t < n ? std::span<double>(out.residual[t]) : std::span<double>(unused),
                 out.psf[t], timings);
    });
  });
  spdlog::info("mtmfs: {} Taylor residual images and {} PSFs gridded in {:.2f} s (reffreq {:.6g} GHz)", n, 2 * n - 1,
               watch.lap(), reffreq_hz / 1e9);
  auto reduceAndNormalise = [&](std::vector<std::vector<double>>& images, double by) {
    gridding::Stopwatch reduce;
    for (auto& image : images) mpi.sumToRoot(image);
    timings.add(Phase::Reduce, reduce.lap());
    timings.count(Work::ReducedValues, double(images.size() * pixels));
    if (mpi.isRoot())
      for (auto& image : images)
        for (double& v : image) v /= by;
  };
  double psf_peak = 0.0;
  {
    for (auto& psf : out.psf) mpi.sumToRoot(psf);
    psf_peak = out.psf[0][(settings.ny / 2) * settings.nx + settings.nx / 2];
    if (mpi.isRoot())
      for (auto& psf : out.psf)
        for (double& v : psf) v /= psf_peak;
  }
  reduceAndNormalise(out.residual, out.sum_weights);

  std::unique_ptr<CleanMask> mask;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    out.beam = deconvolution::fitPsfBeam(out.psf[0], settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad,
                                         settings.psfcutoff);
    if (settings.niter > 0) {
      const MaskGrid grid{settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad, centre.ra_rad, centre.dec_rad};
      mask = std::make_unique<CleanMask>(CleanMask::fromSettings(
          settings, grid, out.beam, deconvolution::psfSidelobe(out.psf[0], settings.nx, settings.ny)));
    }
  });
  out.model.assign(n, std::vector<double>(pixels, 0.0));
  auto imagesOf = [&] {
    deconvolution::MultiTermImages images;
    images.nx = settings.nx;
    images.ny = settings.ny;
    images.nterms = n;
    for (auto& r : out.residual) images.residual.push_back(r);
    for (auto& m : out.model) images.model.push_back(m);
    for (auto& p : out.psf) images.psf.push_back(p);
    if (mask) images.mask = mask->pixels();
    return images;
  };

  // With scales other than a point, the multi-scale multi-term cycle (its PSF terms made once).
  std::unique_ptr<deconvolution::MultiTermScales> scale_terms;
  const bool multiscale = std::any_of(settings.scales.begin(), settings.scales.end(), [](double s) { return s > 0.0; });
  if (settings.niter > 0 && multiscale)
    collectively(mpi, [&] {
      if (!mpi.isRoot()) return;
      std::vector<std::span<const double>> psfs(out.psf.begin(), out.psf.end());
      scale_terms = std::make_unique<deconvolution::MultiTermScales>(psfs, settings.nx, settings.ny, n, settings.scales,
                                                                     settings.smallscalebias, threads);
      std::string used;
      for (double s : scale_terms->scales()) used += (used.empty() ? "" : ", ") + fmt::format("{:g}", s);
      spdlog::info("mtmfs: multi-scale components of scales [{}] pixels, smallscalebias {}", used, settings.smallscalebias);
    });

  if (settings.niter > 0) {
    deconvolution::CycleControl control(cycleSettings(settings));
    const double sidelobe = mpi.isRoot() ? deconvolution::psfSidelobe(out.psf[0], settings.nx, settings.ny) : 0.0;
    bool global = false;
    while (true) {
      double go = 0.0;
      collectively(mpi, [&] { throwIfInterrupted("after major cycle " + std::to_string(control.majorCyclesDone())); });
      collectively(mpi, [&] {
        if (!mpi.isRoot()) return;
        if (mask) mask->update(out.residual[0], threads, global);
        double peak = 0.0;
        const auto allowed = mask ? mask->pixels() : std::span<const std::uint8_t>();
        for (std::size_t i = 0; i < pixels; ++i)
          if (allowed.empty() || allowed[i]) peak = std::max(peak, std::abs(out.residual[0][i]));
        const double rms = deconvolution::robustRms(out.residual[0]);
        auto plan = control.planMinorCycle(peak, sidelobe, rms);
        if (plan.stop != deconvolution::StopReason::None) {
          out.clean.stop_reason = deconvolution::describe(plan.stop);
          return;
        }
        global = plan.threshold <= std::max(settings.threshold_jy, settings.nsigma * rms);
        const deconvolution::MinorCycleSettings minor{settings.gain, plan.iterations, plan.threshold, threads};
        auto result = scale_terms ? scale_terms->minorCycle(imagesOf(), minor)
                                  : deconvolution::multiTermMinorCycle(imagesOf(), minor);
        control.recordMinorCycle(result.iterations, result.final_peak);
        timings.add(Phase::Minor, watch.lap());
        timings.count(Work::MinorIterations, double(result.iterations));
        spdlog::info("mtmfs major cycle {}: peak residual {:.4g} Jy/beam, cycle threshold {:.4g}; {} iterations "
                     "(total {}), peak now {:.4g}",
                     control.majorCyclesDone(), peak, plan.threshold, result.iterations, control.iterationsDone(),
                     result.final_peak);
        go = 1.0;
      });
      mpi.broadcast({&go, 1});
      if (go == 0.0) break;
      for (auto& m : out.model) mpi.broadcast(m);
      for (auto& r : out.residual) std::fill(r.begin(), r.end(), 0.0);
      collectively(mpi, [&] {
        source.forEachChunk([&](std::vector<SpwBlock>& chunk) {
          // The model's visibilities: sum_t tau^t predict(model_t), per channel.
          std::vector<std::vector<std::complex<float>>> remaining(chunk.size()), term(chunk.size());
          for (std::size_t b = 0; b < chunk.size(); ++b) {
            remaining[b] = chunk[b].vis;
            term[b].assign(chunk[b].vis.size(), 0.0f);
          }
          auto views = viewsOf(chunk);
          for (std::size_t t = 0; t < n; ++t) {
            std::vector<std::complex<float>*> outputs;
            for (auto& v : term) outputs.push_back(v.data());
            gridder.predict(views, out.model[t], outputs);
            timings.addGridder(Phase::Degrid, gridder, sampleCount(views), 1);
            for (std::size_t b = 0; b < chunk.size(); ++b) {
              const auto tau = taylorFactors(chunk[b], reffreq_hz, t);
              const std::size_t nchan = chunk[b].freq_hz.size();
              for (std::size_t i = 0; i < remaining[b].size(); ++i) remaining[b][i] -= float(tau[i % nchan]) * term[b][i];
            }
          }
          for (std::size_t t = 0; t < n; ++t) gridTerm(gridder, chunk, &remaining, reffreq_hz, t, out.residual[t], {}, timings);
        });
      });
      reduceAndNormalise(out.residual, out.sum_weights);
      timings.count(Work::MajorCycles, 1.0);
      if (mpi.isRoot()) spdlog::info("mtmfs major cycle {} (predict, subtract, grid, reduce) {:.2f} s", control.majorCyclesDone(), watch.lap());
    }
    out.clean.iterations = control.iterationsDone();
    out.clean.major_cycles = control.majorCyclesDone();
    std::string reason = out.clean.stop_reason;
    mpi.broadcast(reason);
    out.clean.stop_reason = reason;
  }

  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    if (!settings.restoringbeam_rad.empty())
      out.beam = {settings.restoringbeam_rad[0], settings.restoringbeam_rad[1], settings.restoringbeam_rad[2]};
    // Each Taylor image: its model restored, plus its part of the principal solution H^-1 r.
    const auto solution = deconvolution::principalSolution(imagesOf());
    for (std::size_t t = 0; t < n; ++t)
      out.restored.push_back(deconvolution::restore(out.model[t], solution[t], settings.nx, settings.ny,
                                                    settings.cell_x_rad, settings.cell_y_rad, out.beam, threads));
    if (n < 2) return;
    // alpha = tt1 / tt0 where tt0 is above 5 rms of its residual; its error from both residuals.
    const double rms0 = deconvolution::robustRms(solution[0]), rms1 = deconvolution::robustRms(solution[1]);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.alpha.assign(pixels, nan);
    out.alpha_error.assign(pixels, nan);
    for (std::size_t i = 0; i < pixels; ++i) {
      const double tt0 = out.restored[0][i], tt1 = out.restored[1][i];
      if (!(tt0 > 5.0 * rms0)) continue;
      out.alpha[i] = tt1 / tt0;
      out.alpha_error[i] = std::sqrt(std::pow(rms1 / tt0, 2) + std::pow(out.alpha[i] * rms0 / tt0, 2));
    }
    spdlog::info("mtmfs: alpha where tt0 > 5 x {:.3g} Jy/beam", rms0);
  });
  return out;
}

void addMultiTermOutputs(OutputSet& outputs, const ImageMetadata& meta, const MultiTermResult& terms) {
  ImageMetadata flat = meta;  // models, alpha: no beam
  flat.units = "Jy/pixel";
  flat.beam.reset();
  for (std::size_t q = 0; q < terms.psf.size(); ++q) outputs.add("psf.tt" + std::to_string(q), meta, terms.psf[q]);
  for (std::size_t t = 0; t < terms.residual.size(); ++t) {
    outputs.add("residual.tt" + std::to_string(t), meta, terms.residual[t]);
    outputs.add("model.tt" + std::to_string(t), flat, terms.model[t]);
    outputs.add("image.tt" + std::to_string(t), meta, terms.restored[t]);
  }
  if (!terms.alpha.empty()) {
    ImageMetadata index = flat;
    index.units = "";
    outputs.add("alpha", index, terms.alpha);
    outputs.add("alpha.error", index, terms.alpha_error);
  }
  ImageMetadata sumwt = flat;
  sumwt.nx = sumwt.ny = 1;
  sumwt.units = "";
  outputs.add("sumwt", sumwt, {terms.sum_weights});
}

}  // namespace ptclean::imager
