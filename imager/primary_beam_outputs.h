// The primary-beam outputs of a run: <imagename>.pb, and with pbcor <imagename>.image.pbcor.
#pragma once

#include <vector>

#include "image_writer.h"
#include "imaging_settings.h"
#include "ms_reader.h"

namespace ptclean::imager {

/// Adds `.pb` (one plane per channel of `meta`, each at its frequency in `freqs_hz`; for mfs the
/// reference frequency, as tclean) and, when settings.pbcor, `.image.pbcor` (restored / pb, NaN
/// below pblimit) to `outputs`; logs the model used.
void addPrimaryBeamOutputs(OutputSet& outputs, const ImageMetadata& meta, const std::vector<double>& freqs_hz,
                           const std::vector<double>& restored, const ImagingSettings& settings,
                           const MsSummary& summary, int threads = 1);

}  // namespace ptclean::imager
