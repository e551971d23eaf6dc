#include "array_layout.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <tuple>

#ifndef PTCLEAN_CONFIG_DIR
#define PTCLEAN_CONFIG_DIR "configs"
#endif

namespace ptclean::imager {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;
// WGS84 ellipsoid.
constexpr double kEarthA = 6378137.0;
constexpr double kEarthF = 1.0 / 298.257223563;
constexpr double kEarthE2 = kEarthF * (2.0 - kEarthF);

double distance(const Vec3& a, const Vec3& b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

// Columns of the rotation from local (east, north, up) at (lon, lat) to geocentric axes.
struct EnuFrame {
  Vec3 east, north, up;
};
EnuFrame enuFrame(double lon, double lat) {
  const double sl = std::sin(lon), cl = std::cos(lon), sp = std::sin(lat), cp = std::cos(lat);
  return {{-sl, cl, 0.0}, {-sp * cl, -sp * sl, cp}, {cp * cl, cp * sl, sp}};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double number(const std::string& word, const std::string& where) {
  try {
    std::size_t used = 0;
    double v = std::stod(word, &used);
    if (used == word.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw std::runtime_error(where + ": '" + word + "' is not a number");
}

}  // namespace

Vec3 geodeticToItrf(double lon, double lat, double height) {
  const double sp = std::sin(lat);
  const double n = kEarthA / std::sqrt(1.0 - kEarthE2 * sp * sp);
  return {(n + height) * std::cos(lat) * std::cos(lon),
          (n + height) * std::cos(lat) * std::sin(lon), (n * (1.0 - kEarthE2) + height) * sp};
}

Vec3 itrfToGeodetic(const Vec3& xyz) {
  const double p = std::hypot(xyz[0], xyz[1]);
  const double lon = std::atan2(xyz[1], xyz[0]);
  double lat = std::atan2(xyz[2], p * (1.0 - kEarthE2));
  double h = 0.0;
  for (int i = 0; i < 10; ++i) {  // converges to < 1 mm in 3 steps away from the poles
    const double sp = std::sin(lat);
    const double n = kEarthA / std::sqrt(1.0 - kEarthE2 * sp * sp);
    h = p / std::cos(lat) - n;
    lat = std::atan2(xyz[2], p * (1.0 - kEarthE2 * n / (n + h)));
  }
  return {lon, lat, h};
}

ArrayLayout parseArrayLayout(const std::string& text, const std::string& source_name) {
  ArrayLayout layout;
  bool have_location = false, itrf_frame = false;
  double dish = 25.0;
  std::string mount = "ALT-AZ";
  std::vector<Vec3> itrf;  // antennas given in ITRF, converted once the centre is known
  std::istringstream in(text);
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    const std::string where = source_name + ":" + std::to_string(line_no);
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words_in(line);
    std::vector<std::string> w;
    for (std::string word; words_in >> word;) w.push_back(word);
    if (w.empty()) continue;
    const std::string key = lower(w[0]);
    auto need = [&](std::size_t n) {
      if (w.size() != n)
        throw std::runtime_error(where + ": '" + w[0] + "' takes " + std::to_string(n - 1) +
                                 " value(s)");
    };
    if (key == "telescope") {
      need(2);
      layout.telescope = w[1];
    } else if (key == "location") {
      need(4);
      layout.lon_rad = number(w[1], where) * kDeg;
      layout.lat_rad = number(w[2], where) * kDeg;
      layout.height_m = number(w[3], where);
      have_location = true;
    } else if (key == "frame") {
      need(2);
      if (lower(w[1]) != "enu" && lower(w[1]) != "itrf")
        throw std::runtime_error(where + ": frame is enu or itrf");
      itrf_frame = lower(w[1]) == "itrf";
      if (!layout.antennas.empty())
        throw std::runtime_error(where + ": 'frame' must come before the antennas");
    } else if (key == "dish_diameter") {
      need(2);
      dish = number(w[1], where);
      if (!(dish > 0)) throw std::runtime_error(where + ": dish_diameter must be > 0");
    } else if (key == "mount") {
      need(2);
      mount = w[1];
    } else {
      if (w.size() != 4 && w.size() != 5) {
        throw std::runtime_error(where +
                                 ": expected '<name> <x> <y> <z> [station]' or a directive");
      }
      Antenna a;
      a.name = w[0];
      a.station = w.size() == 5 ? w[4] : w[0];
      const Vec3 xyz{number(w[1], where), number(w[2], where), number(w[3], where)};
      a.enu = xyz;
      a.dish_diameter_m = dish;
      a.mount = mount;
      layout.antennas.push_back(a);
      if (itrf_frame) itrf.push_back(xyz);
    }
  }
  if (layout.antennas.empty()) throw std::runtime_error(source_name + ": no antennas");
  if (layout.telescope.empty())
    throw std::runtime_error(source_name + ": no 'telescope <NAME>' line");
  if (itrf_frame) {
    if (!have_location) {
      Vec3 mean{};
      for (const auto& p : itrf)
        for (int k = 0; k < 3; ++k) mean[k] += p[k] / static_cast<double>(itrf.size());
      const Vec3 g = itrfToGeodetic(mean);
      layout.lon_rad = g[0];
      layout.lat_rad = g[1];
      layout.height_m = g[2];
    }
    const Vec3 origin = geodeticToItrf(layout.lon_rad, layout.lat_rad, layout.height_m);
    const EnuFrame f = enuFrame(layout.lon_rad, layout.lat_rad);
    for (std::size_t i = 0; i < itrf.size(); ++i) {
      Vec3 d{itrf[i][0] - origin[0], itrf[i][1] - origin[1], itrf[i][2] - origin[2]};
      auto dot = [&](const Vec3& axis) { return d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2]; };
      layout.antennas[i].enu = {dot(f.east), dot(f.north), dot(f.up)};
    }
  } else if (!have_location) {
    throw std::runtime_error(source_name +
                             ": an enu layout needs 'location <lon_deg> <lat_deg> <height_m>'");
  }
  return layout;
}

ArrayLayout loadArrayLayout(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(PTCLEAN_CONFIG_DIR) / "arrays";
  fs::path path = name_or_path;
  if (!fs::is_regular_file(path)) {
    path = dir / (name_or_path.ends_with(".txt") ? name_or_path : name_or_path + ".txt");
  }
  if (!fs::is_regular_file(path)) {
    std::string names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".txt")
        names += (names.empty() ? "" : ", ") + e.path().stem().string();
    }
    throw std::runtime_error("array: '" + name_or_path + "' is not a file nor one of [" + names +
                             "] in " + dir.string());
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) throw std::runtime_error("array: cannot read " + path.string());
  return parseArrayLayout(text.str(), path.string());
}

double maxBaseline(const ArrayLayout& layout) {
  double longest = 0.0;
  const auto& a = layout.antennas;
  for (std::size_t p = 0; p < a.size(); ++p) {
    for (std::size_t q = p + 1; q < a.size(); ++q)
      longest = std::max(longest, distance(a[p].enu, a[q].enu));
  }
  return longest;
}

void scaleLayout(ArrayLayout& layout, double factor) {
  for (auto& a : layout.antennas)
    for (auto& x : a.enu) x *= factor;
}

ArrayLayout resizeLayout(const ArrayLayout& layout, std::size_t n) {
  const auto& in = layout.antennas;
  if (n == 0) throw std::runtime_error("antennas: need at least 1");
  if (n == in.size()) return layout;
  ArrayLayout out = layout;
  out.antennas.clear();
  if (n < in.size()) {
    // Drop one antenna of the closest pair until n remain: the densest parts thin out first and
    // the outermost antennas (the longest baselines) stay. Of the pair, the one with the nearer
    // other neighbour goes, so a row of antennas thins evenly.
    std::vector<std::size_t> keep(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) keep[i] = i;
    auto nearest = [&](std::size_t a, std::size_t except) {
      double d = INFINITY;
      for (std::size_t k : keep)
        if (k != a && k != except) d = std::min(d, distance(in[a].enu, in[k].enu));
      return d;
    };
    while (keep.size() > n) {
      std::size_t bp = 0, bq = 1;
      double best_d = INFINITY;
      for (std::size_t i = 0; i < keep.size(); ++i) {
        for (std::size_t j = i + 1; j < keep.size(); ++j) {
          const double d = distance(in[keep[i]].enu, in[keep[j]].enu);
          if (d < best_d) {
            best_d = d;
            bp = i;
            bq = j;
          }
        }
      }
      const double np = nearest(keep[bp], keep[bq]), nq = nearest(keep[bq], keep[bp]);
      const bool drop_p =
          np < nq || (np == nq && distance(in[keep[bp]].enu, {}) <= distance(in[keep[bq]].enu, {}));
      keep.erase(keep.begin() + static_cast<std::ptrdiff_t>(drop_p ? bp : bq));
    }
    for (std::size_t i : keep) out.antennas.push_back(in[i]);
    return out;
  }
  if (in.size() < 2) throw std::runtime_error("antennas: cannot grow a layout of one antenna");
  out.antennas = in;
  // Prim's minimum spanning tree over the original antennas.
  struct Edge {
    double length;
    std::size_t a, b;
    bool operator<(const Edge& o) const {  // max-heap on length; ties broken by index
      return length != o.length ? length < o.length : std::tie(a, b) > std::tie(o.a, o.b);
    }
  };
  std::priority_queue<Edge> edges;
  std::vector<bool> in_tree(in.size(), false);
  std::vector<double> best(in.size(), INFINITY);
  std::vector<std::size_t> parent(in.size(), 0);
  best[0] = 0.0;
  for (std::size_t step = 0; step < in.size(); ++step) {
    std::size_t next = in.size();
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (!in_tree[i] && (next == in.size() || best[i] < best[next])) next = i;
    }
    in_tree[next] = true;
    if (step > 0) edges.push({best[next], parent[next], next});
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double d = distance(in[next].enu, in[i].enu);
      if (!in_tree[i] && d < best[i]) {
        best[i] = d;
        parent[i] = next;
      }
    }
  }
  // Splitting the longest edge adds antennas where the layout is sparsest.
  for (std::size_t k = 1; out.antennas.size() < n; ++k) {
    const Edge e = edges.top();
    edges.pop();
    Antenna a = out.antennas[e.a];
    for (int c = 0; c < 3; ++c)
      a.enu[c] = 0.5 * (out.antennas[e.a].enu[c] + out.antennas[e.b].enu[c]);
    char name[16];
    std::snprintf(name, sizeof name, "SIM%02zu", k);
    a.name = a.station = name;
    const std::size_t added = out.antennas.size();
    out.antennas.push_back(a);
    edges.push({e.length / 2, e.a, added});
    edges.push({e.length / 2, added, e.b});
  }
  return out;
}

std::vector<Vec3> itrfPositions(const ArrayLayout& layout) {
  const Vec3 origin = geodeticToItrf(layout.lon_rad, layout.lat_rad, layout.height_m);
  const EnuFrame f = enuFrame(layout.lon_rad, layout.lat_rad);
  std::vector<Vec3> out;
  for (const auto& a : layout.antennas) {
    Vec3 p = origin;
    for (int k = 0; k < 3; ++k)
      p[k] += a.enu[0] * f.east[k] + a.enu[1] * f.north[k] + a.enu[2] * f.up[k];
    out.push_back(p);
  }
  return out;
}

double gmstRad(double mjd_seconds) {
  const double days = mjd_seconds / 86400.0 - 51544.5;  // since J2000.0
  const double t = days / 36525.0;
  const double deg =
      280.46061837 + 360.98564736629 * days + 0.000387933 * t * t - t * t * t / 38710000.0;
  double rad = std::fmod(deg, 360.0) * kDeg;
  return rad < 0 ? rad + 2 * kPi : rad;
}

std::vector<Vec3> antennaUvw(const std::vector<Vec3>& itrf, double gmst_rad,
                             const Direction& field) {
  // Thompson, Moran & Swenson eq. 4.1 with X towards the Greenwich meridian, so H is the
  // Greenwich hour angle. Positions are taken relative to the first antenna first so that the
  // projections keep their precision (geocentric coordinates are ~6e6 m).
  const double h = gmst_rad - field.ra;
  const double sh = std::sin(h), ch = std::cos(h), sd = std::sin(field.dec),
               cd = std::cos(field.dec);
  std::vector<Vec3> out;
  out.reserve(itrf.size());
  for (const auto& p : itrf) {
    const double x = p[0] - itrf[0][0], y = p[1] - itrf[0][1], z = p[2] - itrf[0][2];
    out.push_back(
        {sh * x + ch * y, -sd * ch * x + sd * sh * y + cd * z, cd * ch * x - cd * sh * y + sd * z});
  }
  return out;
}

}  // namespace ptclean::imager
