// In-place 2D complex FFTs with FFTW plans that are made once and reused (across w-planes and
// major cycles), and grid buffers aligned for FFTW.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>

namespace ptclean::gridding {

/// A 2D grid of complex<T>, rows of nx, allocated with fftw_malloc.
template <typename T>
class FftGrid {
 public:
  FftGrid() = default;
  FftGrid(std::size_t ny, std::size_t nx);
  std::complex<T>* data() { return data_.get(); }
  const std::complex<T>* data() const { return data_.get(); }
  std::size_t nx() const { return nx_; }
  std::size_t ny() const { return ny_; }
  void zero(int threads);

 private:
  struct Free {
    void operator()(std::complex<T>* p) const;
  };
  std::unique_ptr<std::complex<T>[], Free> data_;
  std::size_t ny_ = 0, nx_ = 0;
};

/// forward: out[k] = sum_j in[j] e^{-2 pi i j k / n}; backward: e^{+...}, both unnormalised.
template <typename T>
void fft2d(FftGrid<T>& grid, bool forward, int threads);

}  // namespace ptclean::gridding
