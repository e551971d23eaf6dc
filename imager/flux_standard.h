// C++17-clean. The flux densities setjy writes: CASA's 'manual' standard (Stokes [I,Q,U,V] at a
// reference frequency with a spectral index and curvature) and 'Perley-Butler 2017' (Perley &
// Butler 2017, ApJS 230, 7, table 6: log10(S/Jy) = sum_k a_k log10(nu/GHz)^k) for its steady
// sources 3C286, 3C48, 3C138, 3C147, 3C196, 3C123 and 3C295, named as CASA knows them (3C286,
// 1331+305, J1331+3030, ...).
//
//   auto model = perleyButler2017("J1331+3030");   // nullopt for a field it does not know
//   Stokes s = model->at(1.4e9);                      // {15.08.., 0, 0, 0}
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ptclean::imager {

using Stokes = std::array<double, 4>;  ///< I, Q, U, V in Jy

class FluxModel {
 public:
  /// Manual: S(nu) = flux * (nu/ref)^(spix[0] + spix[1] log10(nu/ref) + ...), for every Stokes.
  static FluxModel manual(const Stokes& flux, double ref_freq_hz, std::vector<double> spix);
  /// Perley-Butler: log10(I/Jy) = sum_k coefficients[k] log10(nu/GHz)^k; Q = U = V = 0.
  static FluxModel logPolynomial(std::string source, std::vector<double> coefficients, double min_hz, double max_hz);

  Stokes at(double freq_hz) const;
  const std::string& source() const { return source_; }
  /// Whether `freq_hz` is inside the range the coefficients were fitted over.
  bool covers(double freq_hz) const { return freq_hz >= min_hz_ && freq_hz <= max_hz_; }

 private:
  std::string source_;
  bool log_polynomial_ = false;
  Stokes flux_{};
  double ref_hz_ = 1e9, min_hz_ = 0, max_hz_ = 1e300;
  std::vector<double> coefficients_;
};

/// The Perley-Butler 2017 model of the source a field is named after (case and spaces ignored).
std::optional<FluxModel> perleyButler2017(const std::string& field_name);

/// The names setjy knows, for messages: "3C286 (1331+305, J1331+3030), 3C48 (...)".
std::string perleyButler2017Sources();

/// The correlation value of Stokes `s` for casacore Stokes type `corr_type` (RR = I + V,
/// RL = Q + iU, XX = I + Q, XY = U + iV, ...; I, Q, U, V themselves).
std::array<double, 2> correlationOf(const Stokes& s, int corr_type);

}  // namespace ptclean::imager
