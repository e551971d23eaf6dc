// A cube's outputs on rank 0: the channels gathered from every rank (cmd_cube.cpp), unpacked
// into the psf, residual, model and restored cubes with their beams (per channel, or one
// 'common' beam), written with the spectral axis, and summarised.
#pragma once

#include <string>
#include <vector>

#include "cube_channels.h"
#include "image_result.h"
#include "image_writer.h"
#include "imaging_settings.h"
#include "ms_reader.h"

namespace ptclean::imager {

/// What one channel sends to rank 0, flattened: four images (psf, residual, model, restored),
/// then the beam (3 values), the sum of weights, iterations and major cycles.
inline constexpr std::size_t kPlaneImages = 4, kPlaneFacts = 6;

/// Adds the cubes to `outputs` (not committed) and returns the run's result record.
ImageResult addCubeOutputs(OutputSet& outputs, const std::vector<double>& gathered, const CubeAxis& axis,
                           const ImagingSettings& settings, const PhaseCentre& centre, const MsSummary& summary,
                           const std::string& config_dump, int threads);

}  // namespace ptclean::imager
