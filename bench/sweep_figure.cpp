#include "sweep_figure.h"

#include <algorithm>
#include <cmath>

#include "canvas.h"
#include "sweep_text.h"

namespace ptclean::bench {
using imager::Canvas;
using imager::Rgb;
namespace {

// Colours of the phases in the figure (and "other": wall minus the sum of the phases).
const Rgb kPhaseColours[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                             {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}};

/// An axis step of 1, 2 or 5 times a power of ten, giving about `ticks` steps over `range`.
double niceStep(double range, int ticks) {
  const double raw = range / std::max(1, ticks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

/// A tick's value with as many decimals as `step` needs.
std::string tickLabel(double v, double step) {
  const int digits = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
  return fixed(v, digits);
}

}  // namespace

void drawFigure(const std::vector<MixSummary>& mixes, const std::vector<std::string>& phases, int cores,
                const std::string& path) {
  const int n = int(mixes.size());
  const int width = std::max(900, 140 + n * 100), height = 800;
  Canvas c(width, height);
  const Rgb black{0, 0, 0}, grey{200, 200, 200};
  const int left = 90, right = width - 30;
  c.text(left, 12, "PTCLEAN SWEEP ON " + std::to_string(cores) + " CORES: MEDIAN WALL (S) PER RANKS x THREADS", black, 2);

  // Legend, wrapped to the plot's width.
  std::vector<std::string> names = phases;
  names.push_back("other");
  int lx = left, ly = 40;
  for (std::size_t p = 0; p < names.size(); ++p) {
    const int item = 18 + Canvas::textWidth(names[p], 2) + 16;
    if (lx + item > right && lx > left) {
      lx = left;
      ly += 22;
    }
    c.fillRect(lx, ly, lx + 13, ly + 13, kPhaseColours[p % 9]);
    c.text(lx + 18, ly, names[p], black, 2);
    lx += item;
  }

  // Panel 1: stacked bars of the median phases (the bar's height is the median wall).
  const int top1 = ly + 52, bottom1 = 470;
  double ymax = 0;
  for (const auto& m : mixes) {
    double sum = 0;
    for (auto& [name, v] : m.median_phases) sum += v;
    ymax = std::max({ymax, m.median_wall, sum});
  }
  if (ymax <= 0) ymax = 1;
  const double step = niceStep(ymax, 5);
  ymax = std::ceil(ymax / step) * step;
  auto y1 = [&](double v) { return bottom1 - int(std::lround(v / ymax * (bottom1 - top1))); };
  for (double v = 0; v <= ymax + 1e-9; v += step) {
    c.line(left, y1(v), right, y1(v), grey);
    const std::string label = tickLabel(v, step);
    c.text(left - 8 - Canvas::textWidth(label, 2), y1(v) - 7, label, black, 2);
  }
  c.text(left - 60, top1 - 24, "WALL (S)", black, 2);
  const int slot = (right - left) / std::max(1, n);
  for (int i = 0; i < n; ++i) {
    const auto& m = mixes[std::size_t(i)];
    const int x0 = left + i * slot + slot / 5, x1 = left + (i + 1) * slot - slot / 5;
    double acc = 0;
    std::size_t p = 0;
    for (; p < phases.size(); ++p) {
      auto it = m.median_phases.find(phases[p]);
      const double v = it == m.median_phases.end() ? 0 : it->second;
      if (v > 0) c.fillRect(x0, y1(acc + v), x1, y1(acc), kPhaseColours[p % 9]);
      acc += v;
    }
    if (m.mix.wsclean || m.median_wall > acc) {
      const double base = m.mix.wsclean ? 0 : acc;
      c.fillRect(x0, y1(m.median_wall), x1, y1(base), kPhaseColours[p % 9]);
    }
    const std::string label = m.mix.name();
    c.text((x0 + x1) / 2 - Canvas::textWidth(label, 2) / 2, bottom1 + 8, label, black, 2);
    const std::string value = fixed(m.median_wall, m.median_wall < 10 ? 2 : 1);
    c.text((x0 + x1) / 2 - Canvas::textWidth(value, 1) / 2, y1(std::max(acc, m.median_wall)) - 10, value, black, 1);
  }
  c.line(left, top1, left, bottom1, black, 2);
  c.line(left, bottom1, right, bottom1, black, 2);

  // Panel 2: parallel efficiency t(1x1) / (min(R*T, N) * t(RxT)).
  const int top2 = 550, bottom2 = 750;
  c.text(left, top2 - 40, "EFFICIENCY = T(1x1) / (MIN(R*T, N) * T(RxT))", black, 2);
  double emax = 1.2;
  for (const auto& m : mixes)
    if (!m.mix.wsclean) emax = std::max(emax, m.efficiency);
  emax = std::ceil(emax * 5) / 5;
  auto y2 = [&](double v) { return bottom2 - int(std::lround(v / emax * (bottom2 - top2))); };
  for (double v = 0; v <= emax + 1e-9; v += 0.2) {
    c.line(left, y2(v), right, y2(v), grey);
    const std::string label = fixed(v, 1);
    c.text(left - 8 - Canvas::textWidth(label, 2), y2(v) - 7, label, black, 2);
  }
  int px = -1, py = -1;
  const Rgb blue{31, 119, 180};
  for (int i = 0; i < n; ++i) {
    const auto& m = mixes[std::size_t(i)];
    const int x = left + i * slot + slot / 2;
    c.text(x - Canvas::textWidth(m.mix.name(), 2) / 2, bottom2 + 8, m.mix.name(), black, 2);
    if (m.mix.wsclean) continue;
    const int y = y2(m.efficiency);
    if (px >= 0) c.line(px, py, x, y, blue, 3);
    c.fillRect(x - 4, y - 4, x + 4, y + 4, blue);
    c.text(x + 8, y - 14, fixed(m.efficiency, 2), black, 1);
    px = x;
    py = y;
  }
  c.line(left, top2, left, bottom2, black, 2);
  c.line(left, bottom2, right, bottom2, black, 2);
  c.writePng(path);
}

}  // namespace ptclean::bench
