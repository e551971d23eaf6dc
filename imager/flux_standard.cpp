#include "flux_standard.h"

#include <casacore/measures/Measures/Stokes.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

namespace ptclean::imager {
namespace {

struct Calibrator {
  const char* name;
  std::vector<const char*> aliases;
  std::vector<double> coefficients;  ///< a0, a1, ... of Perley & Butler (2017), table 6
  double min_ghz, max_ghz;           ///< the frequency range of the fit
};

const std::vector<Calibrator>& calibrators() {
  static const std::vector<Calibrator> list = {
      {"3C286", {"1331+305", "J1331+3030", "1328+307", "B1328+307"}, {1.2481, -0.4507, -0.1798, 0.0357}, 0.05, 50.0},
      {"3C48", {"0137+331", "J0137+3309", "0134+329", "B0134+329"}, {1.3253, -0.7553, -0.1914, 0.0498}, 0.05, 50.0},
      {"3C138", {"0521+166", "J0521+1638", "0518+165", "B0518+165"}, {1.0088, -0.4981, -0.1552, -0.0102, 0.0223}, 0.2, 50.0},
      {"3C147", {"0542+498", "J0542+4951", "0538+498", "B0538+498"}, {1.4516, -0.6961, -0.2007, 0.0640, -0.0464, 0.0289}, 0.05, 50.0},
      {"3C196", {"0813+482", "J0813+4813", "0809+483", "B0809+483"}, {1.2872, -0.8530, -0.1534, -0.0200, 0.0201}, 0.05, 50.0},
      {"3C123", {"0437+296", "J0437+2940", "0433+295", "B0433+295"}, {1.8017, -0.7884, -0.1035, -0.0248, 0.0090}, 0.06, 50.0},
      {"3C295", {"1411+522", "J1411+5212", "1409+524", "B1409+524"}, {1.4701, -0.7658, -0.2780, -0.0347, 0.0399}, 0.05, 50.0},
  };
  return list;
}

std::string normalised(const std::string& name) {
  std::string out;
  for (char c : name)
    if (c != ' ') out += char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

FluxModel FluxModel::manual(const Stokes& flux, double ref_freq_hz, std::vector<double> spix) {
  FluxModel m;
  m.source_ = "manual";
  m.flux_ = flux;
  m.ref_hz_ = ref_freq_hz;
  m.coefficients_ = std::move(spix);
  return m;
}

FluxModel FluxModel::logPolynomial(std::string source, std::vector<double> coefficients, double min_hz, double max_hz) {
  FluxModel m;
  m.source_ = std::move(source);
  m.log_polynomial_ = true;
  m.coefficients_ = std::move(coefficients);
  m.min_hz_ = min_hz;
  m.max_hz_ = max_hz;
  return m;
}

Stokes FluxModel::at(double freq_hz) const {
  if (log_polynomial_) {
    const double x = std::log10(freq_hz / 1e9);
    double log_s = 0.0, power = 1.0;
    for (double a : coefficients_) log_s += a * power, power *= x;
    return {std::pow(10.0, log_s), 0.0, 0.0, 0.0};
  }
  // CASA's manual model takes the curvature terms in log10, as its flux-density code does.
  const double x = std::log10(freq_hz / ref_hz_);
  double exponent = 0.0, power = 1.0;
  for (double a : coefficients_) exponent += a * power, power *= x;
  const double scale = std::pow(freq_hz / ref_hz_, exponent);
  return {flux_[0] * scale, flux_[1] * scale, flux_[2] * scale, flux_[3] * scale};
}

std::optional<FluxModel> perleyButler2017(const std::string& field_name) {
  const std::string wanted = normalised(field_name);
  for (const auto& c : calibrators()) {
    bool match = wanted == c.name;
    for (const char* alias : c.aliases) match |= wanted == alias;
    if (match) return FluxModel::logPolynomial(c.name, c.coefficients, c.min_ghz * 1e9, c.max_ghz * 1e9);
  }
  return std::nullopt;
}

std::string perleyButler2017Sources() {
  std::string out;
  for (const auto& c : calibrators()) {
    if (!out.empty()) out += ", ";
    out += std::string(c.name) + " (" + c.aliases[0] + ", " + c.aliases[1] + ")";
  }
  return out;
}

std::array<double, 2> correlationOf(const Stokes& s, int corr_type) {
  using casacore::Stokes;
  const double i = s[0], q = s[1], u = s[2], v = s[3];
  switch (corr_type) {
    case Stokes::RR: return {i + v, 0.0};
    case Stokes::LL: return {i - v, 0.0};
    case Stokes::RL: return {q, u};
    case Stokes::LR: return {q, -u};
    case Stokes::XX: return {i + q, 0.0};
    case Stokes::YY: return {i - q, 0.0};
    case Stokes::XY: return {u, v};
    case Stokes::YX: return {u, -v};
    case Stokes::I: return {i, 0.0};
    case Stokes::Q: return {q, 0.0};
    case Stokes::U: return {u, 0.0};
    case Stokes::V: return {v, 0.0};
    default: return {0.0, 0.0};
  }
}

}  // namespace ptclean::imager
