// Sky models for `ptclean simulate`: point and Gaussian sources, and their visibilities.
//
//   Direction centre = parseDirection("J2000 10h08m00.0 07d30m00.0", "phasecenter");
//   auto sources = parseSources(cfg.rawToml("sources"), centre, 1.4e9);
//   FieldSky sky = prepareSky(sources, centre);            // l, m, n per source for this field
//   std::vector<double> fluxes = channelFluxes(sources, chan_freqs);
//   addVisibilities(sky, fluxes, uvw_m, chan_freqs, vis);   // vis[ch] += sum_k S_k e^{+2 pi i ...}
//
// Plain C++17 (no std::span): files that include casacore are compiled as C++17 and use this.
//
// Convention (CASA and WSClean): V(u,v,w) = sum_k S_k exp(+2 pi i (u l_k + v m_k + w (n_k - 1)))
// with (u, v, w) = UVW[m] * f / c, l = cos(dec) sin(ra - ra0) (east positive),
// m = sin(dec) cos(dec0) - cos(dec) sin(dec0) cos(ra - ra0), n = sqrt(1 - l^2 - m^2).
#pragma once

#include <complex>
#include <string>
#include <vector>

namespace ptclean::imager {

struct Direction {
  double ra = 0.0;   ///< radians, J2000
  double dec = 0.0;  ///< radians, J2000
};

/// "J2000 10h08m00.0 07d30m00.0", "J2000 152deg 7.5deg", "10:08:00 07.30.00" (J2000 implied).
/// Only J2000 (or ICRS, treated as J2000) is accepted. Throws ConfigError naming `what`.
Direction parseDirection(const std::string& text, const std::string& what);

/// Direction cosines (l, m, n) of `d` relative to `centre`.
struct Lmn {
  double l = 0.0, m = 0.0, n = 1.0;
};
Lmn directionToLmn(const Direction& d, const Direction& centre);
/// Inverse of directionToLmn (SIN projection); l^2 + m^2 must be < 1.
Direction lmToDirection(double l, double m, const Direction& centre);

struct SkySource {
  enum class Type { Point, Gaussian };
  Type type = Type::Point;
  Direction direction;   ///< absolute, J2000
  double flux_jy = 1.0;  ///< Stokes I at ref_freq_hz
  double spix = 0.0;     ///< S(f) = flux * (f / ref_freq)^spix
  double ref_freq_hz = 0.0;
  double major_rad = 0.0;  ///< Gaussian FWHM, major axis
  double minor_rad = 0.0;  ///< Gaussian FWHM, minor axis
  double pa_rad = 0.0;     ///< position angle of the major axis, north through east
  /// A spectral line instead of a power law: S(f) = flux * exp(-4 ln2 ((f - line_freq) / line_fwhm)^2).
  double line_freq_hz = 0.0, line_fwhm_hz = 0.0;
};

/// A source's Stokes I flux density at `freq_hz` (power law, or the line's Gaussian profile).
double sourceFlux(const SkySource& source, double freq_hz);

/// Parses the `sources` key: a TOML array of inline tables, given as TOML text. Each table has
/// type ("point" | "gaussian"), either ra+dec (angle strings) or l+m (arcsec offsets from
/// `centre`, direction cosines), flux (Jy), and optionally spix, reffreq (default
/// `default_ref_freq_hz`), major, minor, pa (angle strings or arcsec / deg numbers), and for a
/// spectral line line_freq and line_fwhm (frequency strings or Hz; flux is then the line's peak).
/// Throws ConfigError naming "sources[i].field".
std::vector<SkySource> parseSources(const std::string& toml_text, const Direction& centre,
                                    double default_ref_freq_hz);

/// The sky as seen from one phase centre, ready for fast evaluation.
struct FieldSky {
  struct Component {
    double l = 0.0, m = 0.0, n_minus_1 = 0.0;
    bool gaussian = false;
    double gauss_maj = 0.0;  ///< pi^2 / (4 ln 2) * major^2, so envelope = exp(-(a u'^2 + b v'^2))
    double gauss_min = 0.0;
    double sin_pa = 0.0, cos_pa = 1.0;
  };
  std::vector<Component> components;
};
FieldSky prepareSky(const std::vector<SkySource>& sources, const Direction& centre);

/// Flux of every source at every frequency: result[s * freqs.size() + ch].
std::vector<double> channelFluxes(const std::vector<SkySource>& sources,
                                  const std::vector<double>& freqs_hz);

/// vis[ch] += sum_k S_k(ch) * envelope_k * exp(+2 pi i (u l + v m + w (n - 1))) for one baseline;
/// `fluxes` from channelFluxes, `vis` has freqs_hz.size() elements.
void addVisibilities(const FieldSky& sky, const std::vector<double>& fluxes, const double uvw_m[3],
                     const std::vector<double>& freqs_hz, std::complex<double>* vis);

}  // namespace ptclean::imager
