#include "phase_rotation.h"

#include <cmath>

namespace ptclean::imager {
namespace {

/// Rows: the u, v and w unit vectors for a phase centre, in equatorial XYZ.
std::array<double, 9> uvwBasis(double ra, double dec) {
  const double sa = std::sin(ra), ca = std::cos(ra), sd = std::sin(dec), cd = std::cos(dec);
  return {-sa, ca, 0.0, -sd * ca, -sd * sa, cd, cd * ca, cd * sa, sd};
}

}  // namespace

PhaseRotation::PhaseRotation(double ra_from, double dec_from, double ra_to, double dec_to) {
  identity_ = std::abs(ra_from - ra_to) < 1e-13 && std::abs(dec_from - dec_to) < 1e-13;
  const auto a_from = uvwBasis(ra_from, dec_from), a_to = uvwBasis(ra_to, dec_to);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double sum = 0.0;
      for (int k = 0; k < 3; ++k) sum += a_to[3 * i + k] * a_from[3 * j + k];
      matrix_[3 * i + j] = sum;
    }
}

double PhaseRotation::apply(double* uvw) const {
  if (identity_) return 0.0;
  const double u = uvw[0], v = uvw[1], w = uvw[2];
  for (int i = 0; i < 3; ++i) uvw[i] = matrix_[3 * i] * u + matrix_[3 * i + 1] * v + matrix_[3 * i + 2] * w;
  return w - uvw[2];
}

std::complex<float> rephasingFactor(double dw_m, double freq_hz) {
  constexpr double kSpeedOfLight = 299792458.0;
  constexpr double kTwoPi = 6.283185307179586;
  // Whole turns dropped before the float conversion: dw f / c can be thousands of turns.
  return std::polar(1.0f, float(kTwoPi * std::fmod(dw_m * freq_hz / kSpeedOfLight, 1.0)));
}

}  // namespace ptclean::imager
