// The batch weblog: <outdir>/weblog/index.html, one row per job with a thumbnail of its restored
// image (colour bar, beam ellipse) linked to a larger picture of image, residual and PSF, its
// numbers, and the failed jobs in red with their error. Static HTML and PNGs drawn by our own
// canvas: no external assets, so it opens from a file system or an archive.
#pragma once

#include <string>

#include "batch_record.h"

namespace ptclean::imager {

/// Writes the weblog (into a temporary folder, then renamed into place) and returns the path of
/// its index.html.
std::string writeWeblog(const std::string& outdir, const BatchSummary& summary);

}  // namespace ptclean::imager
