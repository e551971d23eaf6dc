#include "mask_region.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "config.h"

namespace ptclean::imager {
namespace {

constexpr double kPi = 3.141592653589793;

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// "19h59m28.5s", "19:59:28.5" (hours) or "+40d44m01.5s", "+40.44.01.5" (degrees), to radians.
double sexagesimal(const std::string& text, bool hours, const std::string& context) {
  std::string s = text;
  double sign = 1.0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = -1.0;
    s.erase(0, 1);
  }
  for (char& c : s)
    if (c == 'h' || c == 'd' || c == 'm' || c == ':' || c == '\'' || c == '"') c = ' ';
  if (!s.empty() && s.back() == 's') s.back() = ' ';
  // The dotted form "+40.44.01.5": the first two dots separate fields.
  if (s.find(' ') == std::string::npos && std::count(s.begin(), s.end(), '.') >= 2) {
    s[s.find('.')] = ' ';
    s[s.find('.')] = ' ';
  }
  std::istringstream in(s);
  double parts[3] = {0, 0, 0};
  int n = 0;
  while (n < 3 && in >> parts[n]) ++n;
  std::string rest;
  if (n == 0 || (in >> rest)) throw std::invalid_argument("mask: cannot read '" + text + "' in " + context);
  const double value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  return sign * value * (hours ? 15.0 : 1.0) * kPi / 180.0;
}

struct Position {
  double x = 0.0, y = 0.0;  ///< pixels, 0-based
};

class RegionReader {
 public:
  RegionReader(const MaskGrid& grid, std::string context) : grid_(grid), context_(std::move(context)) {}

  Position position(const std::string& xs, const std::string& ys) const {
    const std::string xl = lower(xs), yl = lower(ys);
    if (endsWith(xl, "pix") && endsWith(yl, "pix"))
      return {number(xs.substr(0, xs.size() - 3)), number(ys.substr(0, ys.size() - 3))};
    const double ra = angleOrSexagesimal(xs, true), dec = angleOrSexagesimal(ys, false);
    // SIN projection about the phase centre, as the images' WCS.
    const double dra = ra - grid_.ra_rad;
    const double l = std::cos(dec) * std::sin(dra);
    const double m = std::sin(dec) * std::cos(grid_.dec_rad) - std::cos(dec) * std::sin(grid_.dec_rad) * std::cos(dra);
    const double n = std::sin(dec) * std::sin(grid_.dec_rad) + std::cos(dec) * std::cos(grid_.dec_rad) * std::cos(dra);
    if (n <= 0.0) throw std::invalid_argument("mask: position " + xs + ", " + ys + " is behind the sky in " + context_);
    return {double(grid_.nx / 2) - l / grid_.cell_x_rad, double(grid_.ny / 2) + m / grid_.cell_y_rad};
  }

  /// A length as pixels along x and along y (they differ when the cells do).
  std::pair<double, double> length(const std::string& text) const {
    if (endsWith(lower(text), "pix")) {
      const double v = number(text.substr(0, text.size() - 3));
      return {v, v};
    }
    const double rad = parseAngle(text, "mask (" + context_ + ")");
    return {rad / grid_.cell_x_rad, rad / grid_.cell_y_rad};
  }

  /// Position angles: counter-clockwise on the sky from north towards east, i.e. towards -x.
  double angle(const std::string& text) const { return parseAngle(text, "mask (" + context_ + ")"); }

 private:
  double number(const std::string& text) const {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty()) throw std::invalid_argument("mask: '" + text + "' is not a number in " + context_);
    return v;
  }
  double angleOrSexagesimal(const std::string& text, bool hours) const {
    const std::string l = lower(text);
    if (endsWith(l, "deg") || endsWith(l, "rad") || endsWith(l, "arcsec") || endsWith(l, "arcmin"))
      return parseAngle(text, "mask (" + context_ + ")");
    return sexagesimal(text, hours, context_);
  }
  const MaskGrid& grid_;
  std::string context_;
};

/// The comma-separated items of a bracketed list, top level only: "[a, [b, c]]" -> "a", "[b, c]".
std::vector<std::string> splitTopLevel(const std::string& text) {
  std::vector<std::string> items;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty()) items.push_back(trim(current));
  return items;
}

std::string unbracket(const std::string& text, const std::string& context) {
  const std::string t = trim(text);
  if (t.size() < 2 || t.front() != '[' || t.back() != ']')
    throw std::invalid_argument("mask: expected [...] but found '" + t + "' in " + context);
  return t.substr(1, t.size() - 2);
}

std::pair<std::string, std::string> pairOf(const std::string& text, const std::string& context) {
  auto items = splitTopLevel(unbracket(text, context));
  if (items.size() != 2) throw std::invalid_argument("mask: expected [a, b] but found '" + text + "' in " + context);
  return {items[0], items[1]};
}

/// Paints pixels inside `inside(x, y)` within the bounding box [x0, x1] x [y0, y1].
template <typename Inside>
void paint(const MaskGrid& grid, std::vector<std::uint8_t>& mask, double x0, double x1, double y0, double y1,
           std::uint8_t value, Inside inside) {
  const long i0 = std::max(0L, long(std::floor(x0))), i1 = std::min(long(grid.nx) - 1, long(std::ceil(x1)));
  const long j0 = std::max(0L, long(std::floor(y0))), j1 = std::min(long(grid.ny) - 1, long(std::ceil(y1)));
  for (long j = j0; j <= j1; ++j)
    for (long i = i0; i <= i1; ++i)
      if (inside(double(i), double(j))) mask[std::size_t(j) * grid.nx + std::size_t(i)] = value;
}

void paintShape(const std::string& line, const MaskGrid& grid, std::vector<std::uint8_t>& mask) {
  std::string text = trim(line);
  std::uint8_t value = 1;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    value = text[0] == '-' ? 0 : 1;
    text = trim(text.substr(1));
  }
  const std::size_t open = text.find('[');
  if (open == std::string::npos) throw std::invalid_argument("mask: '" + line + "' is not a region (e.g. circle[[x, y], r])");
  const std::string shape = lower(trim(text.substr(0, open)));
  // The shape's bracket, then optional ", key=value" properties (coord=J2000, corr=...).
  int depth = 0;
  std::size_t close = open;
  for (; close < text.size(); ++close) {
    if (text[close] == '[') ++depth;
    if (text[close] == ']' && --depth == 0) break;
  }
  if (close >= text.size()) throw std::invalid_argument("mask: unbalanced brackets in '" + line + "'");
  const std::string properties = lower(text.substr(close + 1));
  if (properties.find("coord=") != std::string::npos && properties.find("coord=j2000") == std::string::npos &&
      properties.find("coord=icrs") == std::string::npos)
    throw std::invalid_argument("mask: only J2000 or ICRS coordinates are supported, in '" + line + "'");
  const auto args = splitTopLevel(text.substr(open + 1, close - open - 1));
  RegionReader reader(grid, "'" + trim(line) + "'");
  auto expect = [&](std::size_t n) {
    if (args.size() != n)
      throw std::invalid_argument("mask: " + shape + " takes " + std::to_string(n) + " arguments, in '" + line + "'");
  };

  if (shape == "box") {
    expect(2);
    auto [ax, ay] = pairOf(args[0], line);
    auto [bx, by] = pairOf(args[1], line);
    const Position a = reader.position(ax, ay), b = reader.position(bx, by);
    const double x0 = std::min(a.x, b.x), x1 = std::max(a.x, b.x), y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
    paint(grid, mask, x0, x1, y0, y1, value,
          [&](double x, double y) { return x >= x0 - 1e-9 && x <= x1 + 1e-9 && y >= y0 - 1e-9 && y <= y1 + 1e-9; });
  } else if (shape == "centerbox" || shape == "rotbox") {
    expect(shape == "rotbox" ? 3 : 2);
    auto [cx, cy] = pairOf(args[0], line);
    auto [wx, wy] = pairOf(args[1], line);
    const Position c = reader.position(cx, cy);
    const double hx = 0.5 * reader.length(wx).first, hy = 0.5 * reader.length(wy).second;
    const double pa = shape == "rotbox" ? reader.angle(args[2]) : 0.0;
    // Rotating counter-clockwise on the sky turns +y (north) towards -x (east).
    const double cs = std::cos(pa), sn = std::sin(pa), reach = std::hypot(hx, hy);
    paint(grid, mask, c.x - reach, c.x + reach, c.y - reach, c.y + reach, value, [&](double x, double y) {
      const double dx = x - c.x, dy = y - c.y;
      const double u = dx * cs + dy * sn, v = -dx * sn + dy * cs;
      return std::abs(u) <= hx + 1e-9 && std::abs(v) <= hy + 1e-9;
    });
  } else if (shape == "circle" || shape == "ellipse") {
    expect(shape == "ellipse" ? 3 : 2);
    auto [cx, cy] = pairOf(args[0], line);
    const Position c = reader.position(cx, cy);
    double ax, ay, pa = 0.0;  // semi-axes in pixels: ax along the major axis, ay along the minor
    if (shape == "circle") {
      auto [rx, ry] = reader.length(args[1]);
      ax = rx, ay = ry;
    } else {
      auto [b1, b2] = pairOf(args[1], line);
      ax = reader.length(b1).second, ay = reader.length(b2).first;
      pa = reader.angle(args[2]);
    }
    const double cs = std::cos(pa), sn = std::sin(pa), reach = std::max(ax, ay);
    paint(grid, mask, c.x - reach, c.x + reach, c.y - reach, c.y + reach, value, [&](double x, double y) {
      const double dx = x - c.x, dy = y - c.y;
      // Along the major axis (at pa from north towards east = -x) and across it.
      const double along = dx * -sn + dy * cs, across = dx * cs + dy * sn;
      return (along * along) / (ax * ax) + (across * across) / (ay * ay) <= 1.0 + 1e-9;
    });
  } else if (shape == "poly") {
    if (args.size() < 3) throw std::invalid_argument("mask: poly needs at least 3 vertices, in '" + line + "'");
    std::vector<Position> corners;
    for (const auto& a : args) {
      auto [px, py] = pairOf(a, line);
      corners.push_back(reader.position(px, py));
    }
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const auto& p : corners) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    paint(grid, mask, x0, x1, y0, y1, value, [&](double x, double y) {
      bool in = false;  // even-odd rule
      for (std::size_t i = 0, j = corners.size() - 1; i < corners.size(); j = i++) {
        const Position &a = corners[i], &b = corners[j];
        if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) in = !in;
      }
      return in;
    });
  } else {
    throw std::invalid_argument("mask: region shape '" + shape + "' is not supported (box, centerbox, rotbox, circle, ellipse, poly), in '" + line + "'");
  }
}

}  // namespace

bool looksLikeRegionText(const std::string& text) {
  const std::string t = lower(trim(text));
  if (t.rfind("#crtf", 0) == 0) return true;
  for (const char* shape : {"box", "centerbox", "rotbox", "circle", "ellipse", "poly"}) {
    std::string s = t;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) s = trim(s.substr(1));
    if (s.rfind(shape, 0) == 0 && s.find('[') != std::string::npos) return true;
  }
  return false;
}

void paintRegions(const std::string& text, const MaskGrid& grid, std::vector<std::uint8_t>& mask) {
  mask.resize(grid.nx * grid.ny, 0);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    // Several regions may share a line, separated by ';'.
    std::istringstream parts(line);
    for (std::string part; std::getline(parts, part, ';');) {
      const std::string t = trim(part);
      if (t.empty() || t[0] == '#' || lower(t).rfind("global", 0) == 0) continue;
      paintShape(t, grid, mask);
    }
  }
}

}  // namespace ptclean::imager
