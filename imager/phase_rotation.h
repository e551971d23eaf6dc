// Re-phasing visibilities to another phase centre: new UVW = A(new) A(old)^T UVW, and
// V_new = V_old exp(+2 pi i (w_old - w_new) f / c) under V = sum S exp(+2 pi i (ul + vm + w(n-1))).
#pragma once

#include <array>
#include <complex>

namespace ptclean::imager {

class PhaseRotation {
 public:
  PhaseRotation(double ra_from, double dec_from, double ra_to, double dec_to);
  bool identity() const { return identity_; }
  /// Rotates uvw (metres) in place and returns w_old - w_new (metres).
  double apply(double* uvw) const;

 private:
  std::array<double, 9> matrix_{};
  bool identity_ = true;
};

/// exp(+2 pi i dw f / c): what re-phasing multiplies a visibility by, for the w shift `dw_m`
/// (metres) that apply() returned; its conjugate undoes it (writing a model back to the MS).
std::complex<float> rephasingFactor(double dw_m, double freq_hz);

}  // namespace ptclean::imager
