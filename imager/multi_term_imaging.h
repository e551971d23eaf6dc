// deconvolver='mtmfs': multi-term multi-frequency synthesis across ranks. Every rank grids its
// share into nterms Taylor-weighted residual images and 2 nterms - 1 PSFs (weights w tau^t,
// tau = (f - reffreq) / reffreq); they are summed on rank 0, which runs the multi-term minor
// cycle (deconvolution/multi_term.h) and broadcasts the Taylor models; every rank predicts
// sum_t tau^t model_t, subtracts it and grids the residuals again.
#pragma once

#include <vector>

#include "imaging_settings.h"
#include "major_cycles.h"
#include "ms_reader.h"
#include "ptclean/deconvolution/beam.h"
#include "ptclean/gridding/gridder.h"
#include "run_timings.h"
#include "visibility_source.h"

namespace ptclean::imager {

class MpiContext;

struct MultiTermResult {
  std::vector<std::vector<double>> psf, residual, model, restored;  ///< 2n-1, n, n, n (rank 0)
  std::vector<double> alpha, alpha_error;                            ///< nterms >= 2: NaN where masked
  deconvolution::Beam beam;
  double sum_weights = 0, reffreq_hz = 0;
  CleanOutcome clean;
};

/// Adds tclean's mtmfs outputs: .psf.ttQ (Q < 2n-1), .residual.ttT, .model.ttT, .image.ttT and
/// for nterms >= 2 .alpha and .alpha.error (NaN where tt0 is below 5 rms), and .sumwt.
class OutputSet;
struct ImageMetadata;
void addMultiTermOutputs(OutputSet& outputs, const ImageMetadata& meta, const MultiTermResult& terms);

/// Collective over `mpi`.
MultiTermResult imageMultiTerm(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                               const ImagingSettings& settings, const PhaseCentre& centre, int threads,
                               RunTimings& timings, double reffreq_hz);

}  // namespace ptclean::imager
