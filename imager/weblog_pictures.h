// The weblog's pictures of an image plane: a colour-mapped panel with a colour bar, a title and
// (for restored images) the beam ellipse.
#pragma once

#include <optional>
#include <string>

#include "canvas.h"
#include "image_reader.h"
#include "ptclean/deconvolution/beam.h"

namespace ptclean::imager {

struct PanelStyle {
  std::string title;
  double low = 0, high = 1;                  ///< values at the two ends of the colour map
  std::optional<deconvolution::Beam> beam;   ///< drawn in the lower left corner
  int size = 256;                            ///< pixels of the picture of the plane (square)
};

/// The width and height of a panel of `style.size`.
int panelWidth(const PanelStyle& style);
int panelHeight(const PanelStyle& style);

/// Draws `plane` at (x0, y0) of `canvas`: north up, east left (FITS pixel (0, 0) at the lower
/// left), block-averaged or enlarged to style.size, with a colour bar and its two end values.
void drawPanel(Canvas& canvas, int x0, int y0, const ImagePlane& plane, const PanelStyle& style);

/// A display range for a restored or residual image: from -3 rms (at least the minimum) to the
/// peak, or symmetric about 0 when `symmetric`.
void displayRange(const ImagePlane& plane, bool symmetric, double& low, double& high);

}  // namespace ptclean::imager
