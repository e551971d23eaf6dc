// Re-phasing visibilities to another phase centre: new UVW = A(new) A(old)^T UVW, and
// V_new = V_old exp(+2 pi i (w_old - w_new) f / c) under V = sum S exp(+2 pi i (ul + vm + w(n-1))).
#pragma once

#include <array>

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

}  // namespace ptclean::imager
