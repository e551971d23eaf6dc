// The "exponential of semicircle" (ES) gridding kernel of Barnett et al. (2019), as ducc0 uses:
//   phi(z) = exp(beta * (sqrt(1 - z^2) - 1)) for |z| < 1, with z = 2 d / W over W grid cells,
// its Fourier transform (for the image-plane correction), and a piecewise polynomial that
// evaluates all W taps of one visibility with one vectorisable Horner loop.
#pragma once

#include <vector>

namespace ptclean::gridding {

struct EsKernel {
  int support = 0;   ///< W, taps per dimension
  double beta = 0.0;
  double operator()(double z) const;  ///< phi(z), zero outside |z| < 1
  /// Fourier transform of the kernel in grid units, psi_hat(xi) = int psi(d) cos(2 pi d xi) dd,
  /// by Gauss-Legendre quadrature with `nodes` points on half the support.
  double fourier(double xi, int nodes = 0) const;
};

/// Worst-case aliasing error of `kernel` for an image that fills 1/oversampling of the grid:
/// max over |xi| <= 1/(2 sigma) of sum_{m != 0} |psi_hat(xi + m)| / psi_hat(xi).
double aliasingError(const EsKernel& kernel, double oversampling);

/// Gauss-Legendre nodes and weights on [0, 1].
void gaussLegendre(int n, std::vector<double>& nodes, std::vector<double>& weights);

/// psi at the W taps of one visibility, as polynomials in t in [-1, 1] (the fractional offset):
/// tap j = sum_d coeff[d * W + j] t^d. Fitted at Chebyshev nodes and checked on a fine grid.
struct KernelPolynomial {
  int support = 0;
  int degree = 0;
  std::vector<double> coeff;  ///< (degree + 1) x support
  double max_fit_error = 0.0;
  static KernelPolynomial fit(const EsKernel& kernel, double tolerance);
};

}  // namespace ptclean::gridding
