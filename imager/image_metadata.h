// The metadata every output image of a run shares: geometry, phase centre, the selected
// band (its middle as the frequency), telescope, object, date and the config as history.
#pragma once

#include <string>

#include "image_writer.h"
#include "imaging_settings.h"
#include "ms_reader.h"

namespace ptclean::imager {

ImageMetadata imageMetadata(const ImagingSettings& settings, const PhaseCentre& centre, const MsSummary& summary,
                            const std::string& config_dump);

}  // namespace ptclean::imager
