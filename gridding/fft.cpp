#include "fft.h"

#include "huge_page_allocator.h"

#include <fftw3.h>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace ptclean::gridding {
std::mutex& fftwPlannerMutex() {
  static std::mutex mutex;
  return mutex;
}

template <typename T>
void FftGrid<T>::Free::operator()(std::complex<T>* p) const {
  HugePageAllocator<std::complex<T>>().deallocate(p, count);
}

template <typename T>
FftGrid<T>::FftGrid(std::size_t ny, std::size_t nx)
    : data_(HugePageAllocator<std::complex<T>>().allocate(ny * nx), Free{ny * nx}), ny_(ny), nx_(nx),
      fresh_(ny * nx * sizeof(std::complex<T>) >= (std::size_t(2) << 20)) {}

template <typename T>
void FftGrid<T>::zero(int threads) {
  if (fresh_) {
    fresh_ = false;
    return;
  }
  std::complex<T>* p = data_.get();
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
  const std::size_t nx = nx_;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) std::memset(static_cast<void*>(p + y * nx), 0, sizeof(std::complex<T>) * nx);
}

template <typename T>
void FftGrid<T>::zeroSupport(std::size_t row_begin, std::size_t row_end, std::size_t col_low,
                             std::size_t col_high, int threads) {
  fresh_ = false;
  std::complex<T>* p = data_.get();
  const std::size_t nx = nx_;
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) {
    std::complex<T>* row = p + y * nx;
    if (std::size_t(y) >= row_begin && std::size_t(y) < row_end) {
      std::memset(static_cast<void*>(row), 0, sizeof(std::complex<T>) * nx);
    } else {
      std::memset(static_cast<void*>(row), 0, sizeof(std::complex<T>) * col_low);
      std::memset(static_cast<void*>(row + nx - col_high), 0, sizeof(std::complex<T>) * col_high);
    }
  }
}

namespace {

template <typename T>
struct Fftw;

template <>
struct Fftw<double> {
  using Plan = fftw_plan;
  using Complex = fftw_complex;
  static Plan many(int n, int howmany, Complex* p, int stride, int dist, int sign) {
    return fftw_plan_many_dft(1, &n, howmany, p, nullptr, stride, dist, p, nullptr, stride, dist, sign,
                              FFTW_ESTIMATE | FFTW_UNALIGNED);
  }
  static void run(Plan plan, Complex* p) { fftw_execute_dft(plan, p, p); }
  static void destroy(Plan plan) { fftw_destroy_plan(plan); }
};

template <>
struct Fftw<float> {
  using Plan = fftwf_plan;
  using Complex = fftwf_complex;
  static Plan many(int n, int howmany, Complex* p, int stride, int dist, int sign) {
    return fftwf_plan_many_dft(1, &n, howmany, p, nullptr, stride, dist, p, nullptr, stride, dist, sign,
                               FFTW_ESTIMATE | FFTW_UNALIGNED);
  }
  static void run(Plan plan, Complex* p) { fftwf_execute_dft(plan, p, p); }
  static void destroy(Plan plan) { fftwf_destroy_plan(plan); }
};

/// The plans of one precision; destroyed at exit, so that LeakSanitizer sees FFTW's memory freed.
template <typename T>
struct PlanCache : std::map<std::tuple<int, int, int, int, bool>, typename Fftw<T>::Plan> {
  ~PlanCache() {
    for (const auto& entry : *this) Fftw<T>::destroy(entry.second);
  }
};

/// 1D plans, one per (length, batch, stride, direction), made once per process.
template <typename T>
typename Fftw<T>::Plan cachedPlan(int n, int howmany, int stride, int dist, bool forward, typename Fftw<T>::Complex* p) {
  using Key = std::tuple<int, int, int, int, bool>;
  static PlanCache<T> plans;
  std::lock_guard lock(fftwPlannerMutex());
  Key key{n, howmany, stride, dist, forward};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  auto plan = Fftw<T>::many(n, howmany, p, stride, dist, forward ? FFTW_FORWARD : FFTW_BACKWARD);
  plans.emplace(key, plan);
  return plan;
}

constexpr std::size_t kColumnBatch = 16;  // columns transformed together: cache lines are shared

template <typename T>
void transformRows(FftGrid<T>& grid, const FftSupport& s, bool forward, int threads) {
  auto* data = reinterpret_cast<typename Fftw<T>::Complex*>(grid.data());
  const int nx = int(grid.nx());
  auto plan = cachedPlan<T>(nx, 1, 1, nx, forward, data);
  const std::ptrdiff_t begin = std::ptrdiff_t(s.row_begin), end = std::ptrdiff_t(s.row_end);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t row = begin; row < end; ++row) Fftw<T>::run(plan, data + row * nx);
}

template <typename T>
void transformColumns(FftGrid<T>& grid, const FftSupport& s, bool forward, int threads) {
  auto* data = reinterpret_cast<typename Fftw<T>::Complex*>(grid.data());
  const int nx = int(grid.nx()), ny = int(grid.ny());
  // Batches of columns within [0, col_low) and [nx - col_high, nx).
  std::vector<std::pair<std::size_t, std::size_t>> batches;  // (first column, count)
  auto addRange = [&](std::size_t first, std::size_t count) {
    for (std::size_t c = 0; c < count; c += kColumnBatch) batches.emplace_back(first + c, std::min(kColumnBatch, count - c));
  };
  addRange(0, s.col_low);
  addRange(grid.nx() - s.col_high, s.col_high);
  auto full = cachedPlan<T>(ny, int(kColumnBatch), nx, 1, forward, data);
  const std::ptrdiff_t n = std::ptrdiff_t(batches.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t b = 0; b < n; ++b) {
    auto [first, count] = batches[std::size_t(b)];
    auto plan = count == kColumnBatch ? full : cachedPlan<T>(ny, int(count), nx, 1, forward, data);
    Fftw<T>::run(plan, data + first);
  }
}

}  // namespace

template <typename T>
void prunedFft2d(FftGrid<T>& grid, const FftSupport& support, bool forward, int threads) {
  if (forward) {
    transformRows(grid, support, true, threads);
    transformColumns(grid, support, true, threads);
  } else {
    transformColumns(grid, support, false, threads);
    transformRows(grid, support, false, threads);
  }
}

template void prunedFft2d<float>(FftGrid<float>&, const FftSupport&, bool, int);
template void prunedFft2d<double>(FftGrid<double>&, const FftSupport&, bool, int);

template class FftGrid<float>;
template class FftGrid<double>;

}  // namespace ptclean::gridding
