// SimulationSettings: the key table of `ptclean simulate`, reading it from a Config, and checks.
#include <casacore/casa/Quanta/MVTime.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <toml++/toml.h>

#include <cmath>

#include "ms_simulator.h"
#include "sim_timeline.h"

namespace ptclean::imager {
namespace {

// Files that include casacore are compiled as C++17 (see CMakeLists.txt), so no <numbers>.
constexpr double kPi = 3.14159265358979323846;

constexpr double kTwoPi = 2.0 * kPi;

// Quantity keys accept a string with a unit ("10s", "1.4GHz") or a bare number in `bare_unit`.
double quantityKey(const Config& cfg, const std::string& key, const std::string& unit,
                   const std::string& bare_unit) {
  const std::string what = "key '" + key + "'";
  toml::table t;
  try {
    t = toml::parse("v = " + cfg.rawToml(key));
  } catch (const toml::parse_error&) {
    throw ConfigError(what + ": not a value");
  }
  const toml::node& node = *t.get("v");
  casacore::Quantity q;
  if (auto number = node.value<double>()) {
    q = casacore::Quantity(*number, bare_unit.c_str());
  } else if (auto text = node.value<std::string>()) {
    if (!casacore::Quantity::read(q, *text))
      throw ConfigError(what + ": cannot read '" + *text + "'");
  } else {
    throw ConfigError(what + ": expected a quantity such as '10" + bare_unit + "'");
  }
  if (q.isConform(unit)) return q.getValue(unit);
  // An hour angle may be a time ("-2h") or an angle ("-30deg", which "-2h" may also parse as).
  if (unit == "rad" && q.isConform("s")) return q.getValue("s") * kTwoPi / 86400.0;
  throw ConfigError(what + ": '" + node.value_or<std::string>(cfg.rawToml(key)) +
                    "' is not in units of " + unit);
}

std::size_t countKey(const Config& cfg, const std::string& key) {
  const long v = cfg.integer(key);
  if (v < 0) throw ConfigError("key '" + key + "' must be >= 0, not " + std::to_string(v));
  return static_cast<std::size_t>(v);
}

double mjdSeconds(const std::string& text) {
  casacore::Quantity q;
  if (!casacore::MVTime::read(q, text) || !q.isConform("s")) {
    throw ConfigError("key 'start_time': cannot read '" + text +
                      "' as a UTC time (e.g. 2024-01-01T00:00:00)");
  }
  return q.getValue("s");
}

void require(bool ok, const std::string& key, const std::string& message) {
  if (!ok) throw ConfigError("key '" + key + "' " + message);
}

}  // namespace

std::vector<KeySpec> simulateKeys() {
  using K = KeyType;
  return {
      {"vis", K::String, "", "the MeasurementSet to write (must not exist)"},
      {"array", K::String, "\"vla\"",
       "antenna layout: vla, alma_compact (configs/arrays) or a file"},
      {"antennas", K::Int, "0",
       "antenna count: 0 = the layout's; fewer thins it, more fills it in"},
      {"max_baseline", K::Double, "0.0",
       "longest baseline in metres (0 = the layout's); excludes array_scale"},
      {"array_scale", K::Double, "1.0",
       "multiplies the layout (vla: 1 = D, 3.28 = C, 10.7 = B, 35.4 = A)"},
      {"telescope", K::String, "", "OBSERVATION::TELESCOPE_NAME (default: the layout's, e.g. VLA)"},
      {"phasecenter", K::String, "\"J2000 09h00m00.0 34d00m00.0\"",
       "field 0 and the origin of the sources' l, m"},
      {"fields", K::StringList, "[]",
       "more field directions; scan s observes field s % (1 + len(fields))"},
      {"field_names", K::StringList, "[]",
       "FIELD and SOURCE names, one per field (default field0, field1, ...; setjy knows calibrators by name)"},
      {"freq", K::Any, "\"1.4GHz\"",
       "frequency of the first channel of the first spw (a number: Hz)"},
      {"nspw", K::Int, "1", "number of spectral windows"},
      {"nchan", K::Int, "8", "channels per spectral window"},
      {"chanwidth", K::Any, "\"1MHz\"",
       "channel width; negative gives descending frequencies (a number: Hz)"},
      {"spw_separation", K::Any, "",
       "start-to-start step between spws (default nchan * chanwidth; Hz)"},
      {"ncorr", K::Int, "4",
       "correlations: 4 (RR,RL,LR,LL), 2 (RR,LL) or 1 (RR); X/Y for linear feeds"},
      {"feeds", K::String, "\"circular\"", "circular (R, L) or linear (X, Y)"},
      {"integration", K::Any, "\"10s\"", "integration time (a number: seconds)"},
      {"nintegrations", K::Int, "30", "integrations per scan"},
      {"nscans", K::Int, "1", "number of scans"},
      {"hourangle_start", K::Any, "\"-0.5h\"",
       "hour angle of field 0 when the first scan starts (a number: hours)"},
      {"hourangle_span", K::Any, "",
       "scans start evenly over this hour-angle range (default: back to back)"},
      {"start_time", K::String, "\"2024-01-01T00:00:00\"", "UTC; the first scan starts after it"},
      {"primary_beam", K::String, "''",
       "attenuate the sources by the dishes' primary beam: '' (none), 'airy' (the layout's dish), 'alma' or 'vla'"},
      {"noise", K::Double, "0.0",
       "Gaussian sigma of real and imaginary parts, Jy (WEIGHT = 1/noise^2)"},
      {"seed", K::Int, "1", "random seed of the noise"},
      {"autocorrelations", K::Bool, "false", "also write ANTENNA1 == ANTENNA2 rows"},
      {"weight_spectrum", K::Bool, "true", "write WEIGHT_SPECTRUM (false: only WEIGHT)"},
      {"sources", K::Any, "[{type = \"point\", l = 0.0, m = 0.0, flux = 1.0}]",
       "sky: [{type=\"point\"|\"gaussian\", ra/dec or l/m (arcsec), flux, spix, reffreq, line_freq, line_fwhm, major, "
       "minor, pa}]"},
  };
}

SimulationSettings simulationSettingsFrom(const Config& cfg) {
  SimulationSettings s;
  s.array = cfg.string("array");
  s.antennas = countKey(cfg, "antennas");
  s.max_baseline_m = cfg.real("max_baseline");
  s.array_scale = cfg.real("array_scale");
  if (cfg.has("telescope")) s.telescope = cfg.string("telescope");
  s.phase_centre = parseDirection(cfg.string("phasecenter"), "key 'phasecenter'");
  const auto extra = cfg.stringList("fields");
  for (std::size_t i = 0; i < extra.size(); ++i) {
    s.extra_fields.push_back(parseDirection(extra[i], "key 'fields' [" + std::to_string(i) + "]"));
  }
  s.field_names = cfg.stringList("field_names");
  if (!s.field_names.empty() && s.field_names.size() != 1 + s.extra_fields.size())
    throw ConfigError("key 'field_names': " + std::to_string(s.field_names.size()) + " names for " +
                      std::to_string(1 + s.extra_fields.size()) + " fields (phasecenter and fields)");
  s.freq_hz = quantityKey(cfg, "freq", "Hz", "Hz");
  s.nspw = countKey(cfg, "nspw");
  s.nchan = countKey(cfg, "nchan");
  s.chanwidth_hz = quantityKey(cfg, "chanwidth", "Hz", "Hz");
  if (cfg.has("spw_separation"))
    s.spw_separation_hz = quantityKey(cfg, "spw_separation", "Hz", "Hz");
  s.ncorr = static_cast<int>(cfg.integer("ncorr"));
  const std::string feeds = cfg.string("feeds");
  if (feeds == "circular") {
    s.feeds = FeedType::Circular;
  } else if (feeds == "linear") {
    s.feeds = FeedType::Linear;
  } else {
    throw ConfigError("key 'feeds' must be \"circular\" or \"linear\", not \"" + feeds + "\"");
  }
  s.integration_s = quantityKey(cfg, "integration", "s", "s");
  s.nintegrations = countKey(cfg, "nintegrations");
  s.nscans = countKey(cfg, "nscans");
  s.hourangle_start_rad = quantityKey(cfg, "hourangle_start", "rad", "h");
  if (cfg.has("hourangle_span"))
    s.hourangle_span_rad = quantityKey(cfg, "hourangle_span", "rad", "h");
  s.start_time_mjd_s = mjdSeconds(cfg.string("start_time"));
  s.noise_jy = cfg.real("noise");
  s.primary_beam = cfg.string("primary_beam");
  if (!s.primary_beam.empty() && s.primary_beam != "airy" && s.primary_beam != "alma" && s.primary_beam != "vla")
    throw ConfigError("key 'primary_beam': '" + s.primary_beam + "' must be '', 'airy', 'alma' or 'vla'");
  s.seed = static_cast<std::uint64_t>(cfg.integer("seed"));
  s.autocorrelations = cfg.boolean("autocorrelations");
  s.weight_spectrum = cfg.boolean("weight_spectrum");
  s.sources = parseSources(cfg.rawToml("sources"), s.phase_centre, s.freq_hz);
  s.validate();
  return s;
}

void SimulationSettings::validate() const {
  require(!array.empty(), "array", "must name a layout");
  require(antennas != 1, "antennas", "must be 0 (all) or at least 2");
  require(max_baseline_m >= 0, "max_baseline", "must be >= 0 metres");
  require(array_scale > 0, "array_scale", "must be > 0");
  require(max_baseline_m == 0 || array_scale == 1.0, "max_baseline",
          "and 'array_scale' both resize the array: set only one");
  require(freq_hz > 0, "freq", "must be > 0");
  require(nspw >= 1, "nspw", "must be >= 1");
  require(nchan >= 1, "nchan", "must be >= 1");
  require(chanwidth_hz != 0 && std::isfinite(chanwidth_hz), "chanwidth", "must be non-zero");
  const double sep = spw_separation_hz.value_or(static_cast<double>(nchan) * chanwidth_hz);
  const double last_spw = freq_hz + static_cast<double>(nspw - 1) * sep;
  require(std::min(last_spw, last_spw + static_cast<double>(nchan - 1) * chanwidth_hz) > 0 &&
              std::min(freq_hz, freq_hz + static_cast<double>(nchan - 1) * chanwidth_hz) > 0,
          spw_separation_hz ? "spw_separation" : "chanwidth",
          "takes some channel frequencies to <= 0 Hz");
  require(ncorr == 1 || ncorr == 2 || ncorr == 4, "ncorr", "must be 1, 2 or 4");
  require(integration_s > 0, "integration", "must be > 0 s");
  require(nintegrations >= 1, "nintegrations", "must be >= 1");
  require(nscans >= 1, "nscans", "must be >= 1");
  if (hourangle_span_rad) {
    const double scan_ha =
        static_cast<double>(nintegrations) * integration_s * kTwoPi * kSiderealPerSolar / 86400.0;
    require(*hourangle_span_rad / static_cast<double>(nscans) >= scan_ha * (1 - 1e-9),
            "hourangle_span", "is shorter than nscans scans of nintegrations x integration");
  }
  require(noise_jy >= 0 && std::isfinite(noise_jy), "noise", "must be >= 0 Jy");
  for (const auto& src : sources) {
    require(std::isfinite(src.flux_jy), "sources", "has a flux that is not a number");
  }
}

}  // namespace ptclean::imager
