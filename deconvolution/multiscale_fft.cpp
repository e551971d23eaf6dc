#include "multiscale_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

namespace ptclean::deconvolution {
namespace {

// FFTW's planner is not thread-safe, and plans are made on first use from any thread: one lock,
// and the plans are kept for the life of the process (a handful of sizes per run).
enum class Kind { RowForward, RowBackward, ColumnsForward, ColumnsBackward };

/// Destroyed at exit, so that LeakSanitizer sees FFTW's memory freed.
struct PlanCache : std::map<std::tuple<Kind, int, int, int>, fftw_plan> {
  ~PlanCache() {
    for (const auto& entry : *this) fftw_destroy_plan(entry.second);
  }
};

fftw_plan cachedPlan(Kind kind, int n, int howmany, int stride, void* in, void* out) {
  static std::mutex mutex;
  static PlanCache plans;
  std::lock_guard lock(mutex);
  const auto key = std::make_tuple(kind, n, howmany, stride);
  if (auto found = plans.find(key); found != plans.end()) return found->second;
  const unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
  fftw_plan plan = nullptr;
  auto* cin = static_cast<fftw_complex*>(in);
  auto* cout = static_cast<fftw_complex*>(out);
  switch (kind) {
    case Kind::RowForward: plan = fftw_plan_dft_r2c_1d(n, static_cast<double*>(in), cout, flags); break;
    case Kind::RowBackward: plan = fftw_plan_dft_c2r_1d(n, cin, static_cast<double*>(out), flags); break;
    case Kind::ColumnsForward:
    case Kind::ColumnsBackward:
      plan = fftw_plan_many_dft(1, &n, howmany, cin, nullptr, stride, 1, cin, nullptr, stride, 1,
                                kind == Kind::ColumnsForward ? FFTW_FORWARD : FFTW_BACKWARD, flags);
      break;
  }
  plans.emplace(key, plan);
  return plan;
}

constexpr std::size_t kColumnBatch = 16;  // columns transformed together share cache lines

}  // namespace

std::size_t fastFftSize(std::size_t n) {
  for (std::size_t m = std::max<std::size_t>(n, 1);; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2, 3, 5, 7})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

void RealFft2d::forward(const double* image, std::complex<double>* spectrum, int threads) const {
  const std::size_t nh = halfNx();
  auto* in = const_cast<double*>(image);  // r2c out of place keeps its input
  auto* out = reinterpret_cast<fftw_complex*>(spectrum);
  fftw_plan plan = cachedPlan(Kind::RowForward, int(nx_), 1, 1, in, out);
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) fftw_execute_dft_r2c(plan, in + y * nx_, out + y * nh);
  columns(spectrum, true, threads);
}

void RealFft2d::backward(std::complex<double>* spectrum, double* image, int threads) const {
  const std::size_t nh = halfNx();
  columns(spectrum, false, threads);
  auto* in = reinterpret_cast<fftw_complex*>(spectrum);
  fftw_plan plan = cachedPlan(Kind::RowBackward, int(nx_), 1, 1, in, image);
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) fftw_execute_dft_c2r(plan, in + y * nh, image + y * nx_);
}

void RealFft2d::columns(std::complex<double>* spectrum, bool forward, int threads) const {
  const std::size_t nh = halfNx();
  auto* data = reinterpret_cast<fftw_complex*>(spectrum);
  const Kind kind = forward ? Kind::ColumnsForward : Kind::ColumnsBackward;
  const std::size_t tail = nh % kColumnBatch;
  fftw_plan full = nh >= kColumnBatch ? cachedPlan(kind, int(ny_), int(kColumnBatch), int(nh), data, data) : nullptr;
  fftw_plan last = tail ? cachedPlan(kind, int(ny_), int(tail), int(nh), data, data) : nullptr;
  const std::ptrdiff_t batches = std::ptrdiff_t((nh + kColumnBatch - 1) / kColumnBatch);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t b = 0; b < batches; ++b) {
    const std::size_t first = std::size_t(b) * kColumnBatch;
    fftw_execute_dft(first + kColumnBatch <= nh ? full : last, data + first, data + first);
  }
}

}  // namespace ptclean::deconvolution
