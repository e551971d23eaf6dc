// One image plane from a source of visibilities, the tclean way: imaging weights, the PSF and
// dirty image (gridded by every rank, summed on rank 0), normalisation and the PSF's beam, the
// clean mask, the major and minor cycles when niter > 0, and the restored image. `ptclean image`
// runs it once over all ranks for mfs; a cube runs it once per channel on a single rank.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "checkpoint.h"
#include "clean_mask.h"
#include "imaging_settings.h"
#include "major_cycles.h"
#include "ms_reader.h"
#include "ptclean/deconvolution/beam.h"
#include "ptclean/gridding/gridder.h"
#include "run_timings.h"
#include "visibility_source.h"

namespace ptclean::imager {

class MpiContext;

/// What one plane came to; the images are valid on rank 0 (the model on every rank).
struct PlaneImages {
  std::vector<double> psf, residual, model, restored;
  deconvolution::Beam beam;
  double sum_weights = 0;
  CleanOutcome clean;
  std::unique_ptr<CleanMask> mask;  ///< rank 0, when niter > 0
};

/// Checkpoints of one plane's cycles (mfs): rank 0 writes `path` after each major cycle.
struct PlaneCheckpoints {
  std::string path;
  std::string config;                  ///< the run's keys (Config::dump), kept in each checkpoint
  const Checkpoint* resume = nullptr;  ///< rank 0: continue from it (others: null)
  bool resuming = false;               ///< every rank: whether rank 0 continues from a checkpoint
};

/// Collective over `mpi`. `label` prefixes the plane's log lines ("" for mfs, "channel 3: ").
PlaneImages imagePlane(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                       const ImagingSettings& settings, const PhaseCentre& centre, int threads, RunTimings& timings,
                       const std::string& label = "", const PlaneCheckpoints* checkpoints = nullptr);

/// Views of blocks for the gridder; `samples_id` as VisibilitySource::samplesId() (0: none).
std::vector<gridding::VisibilityView> viewsOf(const std::vector<SpwBlock>& blocks, std::uint64_t samples_id = 0);

}  // namespace ptclean::imager
