#include "image_metadata.h"

#include <algorithm>
#include <sstream>

namespace ptclean::imager {

ImageMetadata imageMetadata(const ImagingSettings& settings, const PhaseCentre& centre, const MsSummary& summary,
                            const std::string& config_dump) {
  ImageMetadata meta;
  meta.nx = settings.nx;
  meta.ny = settings.ny;
  meta.cell_x_rad = settings.cell_x_rad;
  meta.cell_y_rad = settings.cell_y_rad;
  meta.ra_rad = centre.ra_rad;
  meta.dec_rad = centre.dec_rad;
  meta.ref_freq_hz = 0.5 * (summary.min_freq_hz + summary.max_freq_hz);
  meta.bandwidth_hz = std::max(summary.max_freq_hz - summary.min_freq_hz, 1.0);
  meta.telescope = summary.telescope;
  meta.object = summary.field_name;
  meta.obs_time_mjd_s = summary.start_time_mjd_s;
  std::istringstream lines(config_dump);
  for (std::string line; std::getline(lines, line);) meta.history.push_back("ptclean image: " + line);
  return meta;
}

}  // namespace ptclean::imager
