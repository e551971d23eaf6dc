// In-place 2D complex FFTs with FFTW plans that are made once and reused (across w-planes and
// major cycles), and grid buffers aligned for FFTW. The pruned transform skips the grid rows that
// hold no data and the columns that fall outside the image: with an oversampled grid and an image
// finer than the data's resolution, most of a full 2D FFT would transform zeros.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>

namespace ptclean::gridding {

/// FFTW's planner is not thread-safe: every plan is made under this lock.
std::mutex& fftwPlannerMutex();

/// A 2D grid of complex<T>, rows of nx, aligned (for FFTW and SIMD) and on huge pages.
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
  /// Zeroes rows [row_begin, row_end) and the columns [0, col_low) and [nx - col_high, nx):
  /// after a pruned FFT nothing else can be non-zero.
  void zeroSupport(std::size_t row_begin, std::size_t row_end, std::size_t col_low, std::size_t col_high,
                   int threads);

 private:
  struct Free {
    std::size_t count = 0;
    void operator()(std::complex<T>* p) const;
  };
  std::unique_ptr<std::complex<T>[], Free> data_;
  std::size_t ny_ = 0, nx_ = 0;
  bool fresh_ = false;  ///< newly mapped pages are zero already: the first zero() is free
};

/// Which part of the grid matters: the rows [row_begin, row_end) that hold (or receive) data, and
/// the columns [0, col_low) and [nx - col_high, nx) that the image reads (or writes).
struct FftSupport {
  std::size_t row_begin = 0, row_end = 0;
  std::size_t col_low = 0, col_high = 0;
};

/// Unnormalised; forward is e^{-2 pi i j k / n}, backward e^{+...}.
/// forward (grid -> image): rows in the support along x, then the image's columns along y.
/// backward (image -> grid): the image's columns along y, then the rows in the support along x.
/// Values outside the support are left unspecified.
template <typename T>
void prunedFft2d(FftGrid<T>& grid, const FftSupport& support, bool forward, int threads);

}  // namespace ptclean::gridding
