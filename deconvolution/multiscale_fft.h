// Real 2D FFTs for multi-scale CLEAN: 1D FFTW transforms over rows, then columns, shared among
// threads with OpenMP. Each 1D transform is the same whatever the thread count, so results do
// not depend on it.
//
//   RealFft2d fft(nx, ny);
//   std::vector<std::complex<double>> spectrum(fft.spectrumSize());
//   fft.forward(image.data(), spectrum.data(), threads);   // unnormalised
//   fft.backward(spectrum.data(), image.data(), threads);  // spectrum is overwritten
#pragma once

#include <complex>
#include <cstddef>

namespace ptclean::deconvolution {

/// offset modulo size, in [0, size): where an offset from pixel 0 lands on a periodic grid.
inline std::size_t wrappedIndex(long offset, std::size_t size) {
  const long n = long(size);
  return std::size_t(((offset % n) + n) % n);
}

/// The smallest n' >= n whose only prime factors are 2, 3, 5 and 7 (fast for FFTW).
std::size_t fastFftSize(std::size_t n);

class RealFft2d {
 public:
  RealFft2d() = default;
  RealFft2d(std::size_t nx, std::size_t ny) : nx_(nx), ny_(ny) {}
  std::size_t nx() const { return nx_; }
  std::size_t ny() const { return ny_; }
  std::size_t halfNx() const { return nx_ / 2 + 1; }
  std::size_t spectrumSize() const { return halfNx() * ny_; }  ///< rows of halfNx() values

  /// image (nx * ny, x fastest; kept) -> spectrum (ny rows of nx/2 + 1).
  void forward(const double* image, std::complex<double>* spectrum, int threads) const;
  /// spectrum (destroyed) -> image; the result is nx * ny times the original (FFTW's convention).
  void backward(std::complex<double>* spectrum, double* image, int threads) const;

 private:
  void columns(std::complex<double>* spectrum, bool forward, int threads) const;
  std::size_t nx_ = 0, ny_ = 0;
};

}  // namespace ptclean::deconvolution
