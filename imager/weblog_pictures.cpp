#include "weblog_pictures.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "ptclean/deconvolution/restore.h"

namespace ptclean::imager {

namespace {

constexpr int kMargin = 6, kTitle = 18, kBar = 14, kBarGap = 6, kLabels = 64;

/// A dark-to-bright perceptual map (anchors of matplotlib's "inferno").
Rgb colourAt(double t) {
  static const std::array<Rgb, 6> anchors{
      Rgb{0, 0, 4}, Rgb{66, 10, 104}, Rgb{147, 38, 103}, Rgb{221, 81, 58}, Rgb{252, 165, 10}, Rgb{252, 255, 164}};
  t = std::clamp(t, 0.0, 1.0) * double(anchors.size() - 1);
  const std::size_t i = std::min<std::size_t>(std::size_t(t), anchors.size() - 2);
  const double f = t - double(i);
  auto mix = [f](std::uint8_t a, std::uint8_t b) { return std::uint8_t(std::lround(a + f * (double(b) - a))); };
  return {mix(anchors[i].r, anchors[i + 1].r), mix(anchors[i].g, anchors[i + 1].g), mix(anchors[i].b, anchors[i + 1].b)};
}

std::string shortNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

}  // namespace

int panelWidth(const PanelStyle& style) { return 2 * kMargin + style.size + kBarGap + kBar + kLabels; }
int panelHeight(const PanelStyle& style) { return 2 * kMargin + kTitle + style.size; }

void displayRange(const ImagePlane& plane, bool symmetric, double& low, double& high) {
  double lo = 0, hi = 0, peak = 0;
  for (double v : plane.pixels) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    peak = std::max(peak, std::abs(v));
  }
  if (symmetric) {
    low = -peak;
    high = peak;
  } else {
    const double rms = deconvolution::robustRms(plane.pixels);
    low = std::max(lo, -3.0 * rms);
    high = hi;
  }
  if (!(high > low)) high = low + 1.0;
}

void drawPanel(Canvas& canvas, int x0, int y0, const ImagePlane& plane, const PanelStyle& style) {
  const Rgb black{0, 0, 0}, white{255, 255, 255};
  canvas.text(x0 + kMargin, y0 + kMargin, style.title, black, 2);
  const int top = y0 + kMargin + kTitle, left = x0 + kMargin, n = style.size;
  // Each picture pixel shows the mean of the image pixels it covers (or the nearest one).
  const double sx = double(plane.nx) / n, sy = double(plane.ny) / n;
  for (int py = 0; py < n; ++py) {
    const std::size_t y_begin = std::size_t(std::floor(py * sy));
    const std::size_t y_end = std::max(y_begin + 1, std::min(plane.ny, std::size_t(std::floor((py + 1) * sy))));
    for (int px = 0; px < n; ++px) {
      const std::size_t x_begin = std::size_t(std::floor(px * sx));
      const std::size_t x_end = std::max(x_begin + 1, std::min(plane.nx, std::size_t(std::floor((px + 1) * sx))));
      double sum = 0;
      for (std::size_t y = y_begin; y < y_end; ++y)
        for (std::size_t x = x_begin; x < x_end; ++x) sum += plane.pixels[y * plane.nx + x];
      const double value = sum / double((y_end - y_begin) * (x_end - x_begin));
      canvas.set(left + px, top + (n - 1 - py), colourAt((value - style.low) / (style.high - style.low)));
    }
  }
  if (style.beam && plane.cell_x_rad > 0 && plane.cell_y_rad > 0) {
    // Semi-axes in picture pixels; the position angle runs from north (up) through east (left).
    const double a = 0.5 * style.beam->major_rad / (plane.cell_y_rad * sy);
    const double b = 0.5 * style.beam->minor_rad / (plane.cell_y_rad * sy);
    const double pa = style.beam->pa_rad;
    const double cx = left + std::max(a, b) + 6, cy = top + n - std::max(a, b) - 6;
    int px = 0, py = 0;
    for (int k = 0; k <= 72; ++k) {
      const double t = 2.0 * std::numbers::pi * k / 72.0;
      const double east = a * std::cos(t) * std::sin(pa) + b * std::sin(t) * std::cos(pa);
      const double north = a * std::cos(t) * std::cos(pa) - b * std::sin(t) * std::sin(pa);
      const int x = int(std::lround(cx - east)), y = int(std::lround(cy - north));
      if (k > 0) canvas.line(px, py, x, y, white, 2);
      px = x;
      py = y;
    }
  }
  const int bar_left = left + n + kBarGap;
  for (int py = 0; py < n; ++py)
    canvas.fillRect(bar_left, top + py, bar_left + kBar - 1, top + py, colourAt(1.0 - double(py) / (n - 1)));
  canvas.text(bar_left + kBar + 4, top, shortNumber(style.high), black, 1);
  canvas.text(bar_left + kBar + 4, top + n - 8, shortNumber(style.low), black, 1);
}

}  // namespace ptclean::imager
