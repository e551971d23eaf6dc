#include "sky_model.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <sstream>

#include "config.h"

namespace ptclean::imager {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kArcsec = kPi / (180.0 * 3600.0);
constexpr double kSpeedOfLight = 299792458.0;

// parseAngle reads every sexagesimal spelling CASA users type (10h08m00.0, 10:08:00,
// 07d30m00.0, 07.30.00.0, 152.0deg), so phase centres copied from tclean work.
double readAngle(const std::string& text, const std::string& what, bool is_ra) {
  try {
    return parseAngle(text, what);
  } catch (const ConfigError&) {
    throw ConfigError(what + ": cannot read '" + text + "' as " + (is_ra ? "an RA" : "a Dec") +
                      " (e.g. " + (is_ra ? "10h08m00.0" : "07d30m00.0") + ")");
  }
}

// A bare number is in `bare_unit` ("arcsec" or "deg"); a string carries its own unit.
double tomlAngle(const toml::node& node, const std::string& what, const std::string& bare_unit) {
  if (auto s = node.value<std::string>()) return parseAngle(*s, what);
  const double unit = bare_unit == "deg" ? kPi / 180.0 : kArcsec;
  if (auto v = node.value<double>()) return *v * unit;
  throw ConfigError(what + ": expected an angle like \"10arcsec\" or a number in " + bare_unit);
}

}  // namespace

Direction parseDirection(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() == 3) {
    std::string frame = words[0];
    for (auto& c : frame) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (frame != "J2000" && frame != "ICRS") {
      throw ConfigError(what + ": only J2000 directions are supported, got '" + words[0] + "'");
    }
    words.erase(words.begin());
  }
  if (words.size() != 2) {
    throw ConfigError(what + ": expected 'J2000 <ra> <dec>', got '" + text + "'");
  }
  Direction d;
  d.ra = readAngle(words[0], what, true);
  d.dec = readAngle(words[1], what, false);
  if (std::abs(d.dec) > kPi / 2 + 1e-12)
    throw ConfigError(what + ": |dec| > 90 deg in '" + text + "'");
  return d;
}

Lmn directionToLmn(const Direction& d, const Direction& centre) {
  const double dra = d.ra - centre.ra;
  Lmn r;
  r.l = std::cos(d.dec) * std::sin(dra);
  r.m = std::sin(d.dec) * std::cos(centre.dec) -
        std::cos(d.dec) * std::sin(centre.dec) * std::cos(dra);
  r.n = std::sin(d.dec) * std::sin(centre.dec) +
        std::cos(d.dec) * std::cos(centre.dec) * std::cos(dra);
  return r;
}

Direction lmToDirection(double l, double m, const Direction& centre) {
  const double n = std::sqrt(1.0 - l * l - m * m);
  const double sin_dec = m * std::cos(centre.dec) + n * std::sin(centre.dec);
  const double y = l;
  const double x = n * std::cos(centre.dec) - m * std::sin(centre.dec);
  return Direction{centre.ra + std::atan2(y, x), std::asin(std::clamp(sin_dec, -1.0, 1.0))};
}

std::vector<SkySource> parseSources(const std::string& toml_text, const Direction& centre,
                                    double default_ref_freq_hz) {
  toml::table doc;
  try {
    doc = toml::parse("v = " + toml_text);
  } catch (const toml::parse_error& e) {
    throw ConfigError(std::string("sources: not a TOML array of tables: ") +
                      std::string(e.description()));
  }
  const toml::array* list = doc["v"].as_array();
  if (!list)
    throw ConfigError(
        "sources: expected an array of tables, e.g. [{type=\"point\", l=30, m=0, flux=1}]");
  std::vector<SkySource> sources;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "sources[" + std::to_string(i) + "]";
    const toml::table* t = (*list)[i].as_table();
    if (!t) throw ConfigError(where + ": expected an inline table {type=..., flux=...}");
    for (const auto& [key, value] : *t) {
      static const char* known[] = {"type", "ra",      "dec",   "l",     "m",  "flux",      "spix",
                                    "reffreq", "major", "minor", "pa", "line_freq", "line_fwhm"};
      if (std::find(std::begin(known), std::end(known), key.str()) == std::end(known)) {
        throw ConfigError(
            where + "." + std::string(key.str()) +
            ": unknown field (type, ra, dec, l, m, flux, spix, reffreq, major, minor, pa, line_freq, line_fwhm)");
      }
    }
    SkySource s;
    const std::string type = t->get("type") ? t->get("type")->value_or<std::string>("") : "point";
    if (type == "point") {
      s.type = SkySource::Type::Point;
    } else if (type == "gaussian") {
      s.type = SkySource::Type::Gaussian;
    } else {
      throw ConfigError(where + ".type: '" + type + "' is not \"point\" or \"gaussian\"");
    }
    const bool has_radec = t->contains("ra") || t->contains("dec");
    const bool has_lm = t->contains("l") || t->contains("m");
    if (has_radec == has_lm)
      throw ConfigError(where + ": give either ra and dec, or l and m (arcsec)");
    if (has_radec) {
      auto ra = (*t)["ra"].value<std::string>();
      auto dec = (*t)["dec"].value<std::string>();
      if (!ra || !dec)
        throw ConfigError(where + ".ra/dec: both needed, as strings like \"10h08m01s\"");
      s.direction =
          Direction{readAngle(*ra, where + ".ra", true), readAngle(*dec, where + ".dec", false)};
    } else {
      const double l = t->contains("l") ? tomlAngle(*t->get("l"), where + ".l", "arcsec") : 0.0;
      const double m = t->contains("m") ? tomlAngle(*t->get("m"), where + ".m", "arcsec") : 0.0;
      // Offsets are direction cosines given in angle units, so that l = 30 arcsec means
      // l = 30 * pi / 648000 exactly (what a DFT test computes).
      if (l * l + m * m >= 1.0) throw ConfigError(where + ": l^2 + m^2 must be < 1");
      s.direction = lmToDirection(l, m, centre);
    }
    auto flux = (*t)["flux"].value<double>();
    if (!flux) throw ConfigError(where + ".flux: missing (Jy, Stokes I)");
    s.flux_jy = *flux;
    s.spix = (*t)["spix"].value_or(0.0);
    s.ref_freq_hz = default_ref_freq_hz;
    if (auto f = (*t)["reffreq"].value<std::string>())
      s.ref_freq_hz = parseFrequency(*f, where + ".reffreq");
    if (auto f = (*t)["reffreq"].value<double>()) s.ref_freq_hz = *f;
    if (!(s.ref_freq_hz > 0)) throw ConfigError(where + ".reffreq: must be > 0");
    auto frequency = [&](const char* key) {
      if (auto f = (*t)[key].value<std::string>()) return parseFrequency(*f, where + "." + key);
      return (*t)[key].value<double>().value_or(0.0);
    };
    s.line_freq_hz = frequency("line_freq");
    s.line_fwhm_hz = frequency("line_fwhm");
    if ((s.line_freq_hz > 0) != (s.line_fwhm_hz > 0))
      throw ConfigError(where + ": a spectral line needs both line_freq and line_fwhm (> 0)");
    if (s.type == SkySource::Type::Gaussian) {
      if (!t->contains("major")) throw ConfigError(where + ".major: missing (FWHM of a gaussian)");
      s.major_rad = tomlAngle(*t->get("major"), where + ".major", "arcsec");
      s.minor_rad = t->contains("minor") ? tomlAngle(*t->get("minor"), where + ".minor", "arcsec")
                                         : s.major_rad;
      s.pa_rad = t->contains("pa") ? tomlAngle(*t->get("pa"), where + ".pa", "deg") : 0.0;
      if (!(s.major_rad > 0) || !(s.minor_rad > 0) || s.minor_rad > s.major_rad) {
        throw ConfigError(where + ".major/minor: need major >= minor > 0");
      }
    } else if (t->contains("major") || t->contains("minor") || t->contains("pa")) {
      throw ConfigError(where + ".major: only a gaussian has a size (set type = \"gaussian\")");
    }
    sources.push_back(s);
  }
  return sources;
}

FieldSky prepareSky(const std::vector<SkySource>& sources, const Direction& centre) {
  // Fourier transform of a Gaussian with FWHM a: exp(-pi^2 a^2 u^2 / (4 ln 2)).
  const double k = kPi * kPi / (4.0 * std::log(2.0));
  FieldSky sky;
  for (const auto& s : sources) {
    FieldSky::Component c;
    const Lmn lmn = directionToLmn(s.direction, centre);
    if (lmn.n <= 0) throw ConfigError("sources: a source is more than 90 deg from a field centre");
    c.l = lmn.l;
    c.m = lmn.m;
    // n - 1 computed as -(l^2 + m^2) / (1 + n) keeps its precision for sources near the centre.
    c.n_minus_1 = -(lmn.l * lmn.l + lmn.m * lmn.m) / (1.0 + lmn.n);
    if (s.type == SkySource::Type::Gaussian) {
      c.gaussian = true;
      c.gauss_maj = k * s.major_rad * s.major_rad;
      c.gauss_min = k * s.minor_rad * s.minor_rad;
      c.sin_pa = std::sin(s.pa_rad);
      c.cos_pa = std::cos(s.pa_rad);
    }
    sky.components.push_back(c);
  }
  return sky;
}

double sourceFlux(const SkySource& source, double freq_hz) {
  if (source.line_fwhm_hz > 0.0) {
    const double x = (freq_hz - source.line_freq_hz) / source.line_fwhm_hz;
    return source.flux_jy * std::exp(-4.0 * std::log(2.0) * x * x);
  }
  return source.flux_jy * std::pow(freq_hz / source.ref_freq_hz, source.spix);
}

std::vector<double> channelFluxes(const std::vector<SkySource>& sources,
                                  const std::vector<double>& freqs_hz) {
  std::vector<double> out(sources.size() * freqs_hz.size());
  for (std::size_t s = 0; s < sources.size(); ++s) {
    for (std::size_t ch = 0; ch < freqs_hz.size(); ++ch) {
      out[s * freqs_hz.size() + ch] = sourceFlux(sources[s], freqs_hz[ch]);
    }
  }
  return out;
}

void addVisibilities(const FieldSky& sky, const std::vector<double>& fluxes, const double uvw_m[3],
                     const std::vector<double>& freqs_hz, std::complex<double>* vis) {
  const std::size_t nchan = freqs_hz.size();
  for (std::size_t s = 0; s < sky.components.size(); ++s) {
    const auto& c = sky.components[s];
    // Path difference in metres; times f/c it is the phase in turns.
    const double path = uvw_m[0] * c.l + uvw_m[1] * c.m + uvw_m[2] * c.n_minus_1;
    // Along the major axis (unit vector (sin pa, cos pa) in (east, north)) the Gaussian is
    // widest, so its transform is narrowest there.
    const double u_maj = uvw_m[0] * c.sin_pa + uvw_m[1] * c.cos_pa;
    const double u_min = uvw_m[0] * c.cos_pa - uvw_m[1] * c.sin_pa;
    const double gauss_m2 = c.gauss_maj * u_maj * u_maj + c.gauss_min * u_min * u_min;
    for (std::size_t ch = 0; ch < nchan; ++ch) {
      const double scale = freqs_hz[ch] / kSpeedOfLight;
      const double phase = 2.0 * kPi * path * scale;
      double amp = fluxes[s * nchan + ch];
      if (c.gaussian) amp *= std::exp(-gauss_m2 * scale * scale);
      vis[ch] += std::complex<double>(amp * std::cos(phase), amp * std::sin(phase));
    }
  }
}

}  // namespace ptclean::imager
