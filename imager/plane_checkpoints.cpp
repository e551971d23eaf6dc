#include "plane_checkpoints.h"

#include <cmath>

#include "log.h"
#include "ptclean/gridding/stopwatch.h"

namespace ptclean::imager {

CycleProgress resumeFrom(const PlaneCheckpoints& checkpoints, const DataDigest& digest, PlaneImages& out,
                         const ImagingSettings& settings) {
  const Checkpoint& saved = *checkpoints.resume;
  const std::string prefix = "--restart " + checkpoints.path + ": ";
  if (const auto difference = dataDifference(saved.data, digest); !difference.empty())
    throw std::runtime_error(prefix + "the selected data differ from the checkpoint's: " + difference);
  if (saved.nx != settings.nx || saved.ny != settings.ny)
    throw std::runtime_error(prefix + "its images are " + std::to_string(saved.nx) + " x " + std::to_string(saved.ny));
  // The PSF is gridded again from the same data, so its beam comes out the same but for rounding.
  const double beam_change = std::abs(out.beam.major_rad - saved.beam.major_rad) / saved.beam.major_rad;
  if (beam_change > 1e-6)
    spdlog::warn("{}the PSF's beam differs from the checkpoint's by {:.2g} (relative)", prefix, beam_change);
  out.residual = saved.residual;
  out.model = saved.model;
  if (saved.automask) {
    if (!out.mask) throw std::runtime_error(prefix + "it holds an auto-multithresh mask but niter is 0");
    out.mask->restoreAutomatic(*saved.automask);
  }
  spdlog::info("continuing from {}: major cycle {}, {} iterations done", checkpoints.path,
               saved.progress.control.major_cycles_done, saved.progress.control.iterations_done);
  return saved.progress;
}

void saveCheckpoint(const PlaneCheckpoints& checkpoints, const DataDigest& digest, const ImagingSettings& settings,
                    const PlaneImages& out, const CycleProgress& progress, const std::vector<double>& residual,
                    const std::vector<double>& model) {
  gridding::Stopwatch watch;
  Checkpoint checkpoint;
  checkpoint.config = checkpoints.config;
  checkpoint.data = digest;
  checkpoint.nx = settings.nx;
  checkpoint.ny = settings.ny;
  checkpoint.model = model;
  checkpoint.residual = residual;
  if (out.mask && out.mask->active()) {
    auto pixels = out.mask->pixels();
    checkpoint.mask.assign(pixels.begin(), pixels.end());
    checkpoint.automask = out.mask->automaticState();
  }
  checkpoint.progress = progress;
  checkpoint.beam = out.beam;
  writeCheckpoint(checkpoints.path, checkpoint);
  spdlog::info("checkpoint {} written (major cycle {}) in {:.2f} s", checkpoints.path,
               progress.control.major_cycles_done, watch.lap());
}

std::string restartHint(const std::string& path, long cycles_done, int ranks) {
  if (cycles_done == 0) return "no checkpoint yet: the first is written after major cycle 1";
  const std::string launcher = ranks > 1 ? "mpirun -n " + std::to_string(ranks) + " " : "";
  return "checkpoint " + path + " holds major cycle " + std::to_string(cycles_done) + "; continue with: " +
         launcher + "ptclean image --restart " + path;
}

}  // namespace ptclean::imager
