#include "fourier_resampler.h"

#include <fftw3.h>

#include <algorithm>
#include <complex>
#include <memory>
#include <stdexcept>

#include "fft.h"

namespace ptclean::gridding {
namespace {

constexpr int kBatch = 16;  // columns transformed together: cache lines are shared

inline std::size_t wrapIndex(long d, std::size_t n) { return std::size_t((d % long(n) + long(n)) % long(n)); }

fftw_complex* asFftw(double* p) { return reinterpret_cast<fftw_complex*>(p); }

/// Column transforms of length n over `columns` columns of a row-major array with `stride`
/// complex values per row, in batches of kBatch.
struct ColumnPlans {
  fftw_plan full = nullptr, rest = nullptr;
  int n = 0, columns = 0, stride = 0;
  void make(int length, int count, int row_stride, int sign, double* buffer) {
    n = length, columns = count, stride = row_stride;
    auto plan = [&](int howmany) {
      return fftw_plan_many_dft(1, &n, howmany, asFftw(buffer), nullptr, stride, 1, asFftw(buffer), nullptr,
                                stride, 1, sign, FFTW_ESTIMATE | FFTW_UNALIGNED);
    };
    full = plan(kBatch);
    if (columns % kBatch) rest = plan(columns % kBatch);
  }
  void run(double* data, int threads) const {
    const std::ptrdiff_t batches = (columns + kBatch - 1) / kBatch;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t b = 0; b < batches; ++b) {
      const int first = int(b) * kBatch;
      fftw_complex* p = asFftw(data) + first;
      fftw_execute_dft(columns - first >= kBatch ? full : rest, p, p);
    }
  }
  void destroy() {
    if (full) fftw_destroy_plan(full);
    if (rest) fftw_destroy_plan(rest);
  }
};

fftw_plan rowPlan(int n, bool to_complex) {
  std::vector<double> real(std::size_t(n) + 2), spectrum(std::size_t(n) + 2);
  return to_complex ? fftw_plan_dft_r2c_1d(n, real.data(), asFftw(spectrum.data()), FFTW_ESTIMATE | FFTW_UNALIGNED)
                    : fftw_plan_dft_c2r_1d(n, asFftw(spectrum.data()), real.data(), FFTW_ESTIMATE | FFTW_UNALIGNED);
}

}  // namespace

/// Owns its plans, so that a constructor failing half-way (or refusing its sizes) frees them.
struct FourierResampler::Plans {
  fftw_plan coarse_r2c = nullptr, coarse_c2r = nullptr, fine_r2c = nullptr, fine_c2r = nullptr;
  ColumnPlans coarse_forward, coarse_backward, fine_forward, fine_backward;
  Plans() = default;
  Plans(const Plans&) = delete;
  Plans& operator=(const Plans&) = delete;
  ~Plans() {
    std::lock_guard lock(fftwPlannerMutex());
    for (fftw_plan p : {coarse_r2c, coarse_c2r, fine_r2c, fine_c2r})
      if (p) fftw_destroy_plan(p);
    coarse_forward.destroy();
    coarse_backward.destroy();
    fine_forward.destroy();
    fine_backward.destroy();
  }
};

FourierResampler::FourierResampler(const ResampleShape& shape, int threads)
    : shape_(shape), threads_(std::max(1, threads)), kx_(shape.coarse_nx / 2), plans_(std::make_unique<Plans>()) {
  const auto& s = shape;
  if (s.coarse_nx % 2 || s.coarse_ny % 2 || s.period_nx % 2 || s.period_ny % 2 || s.coarse_nx > s.period_nx ||
      s.coarse_ny > s.period_ny || s.nx > s.period_nx || s.ny > s.period_ny || s.coarse_nx < 2 || s.coarse_ny < 2)
    throw std::logic_error("FourierResampler: inconsistent sizes");
  const std::size_t half = s.coarse_nx / 2 + 1;
  spectrum_.assign(2 * s.coarse_ny * half, 0.0);
  padded_.assign(2 * s.period_ny * kx_, 0.0);
  std::lock_guard lock(fftwPlannerMutex());
  plans_->coarse_r2c = rowPlan(int(s.coarse_nx), true);
  plans_->coarse_c2r = rowPlan(int(s.coarse_nx), false);
  plans_->fine_r2c = rowPlan(int(s.period_nx), true);
  plans_->fine_c2r = rowPlan(int(s.period_nx), false);
  plans_->coarse_forward.make(int(s.coarse_ny), int(kx_), int(half), FFTW_FORWARD, spectrum_.data());
  plans_->coarse_backward.make(int(s.coarse_ny), int(kx_), int(half), FFTW_BACKWARD, spectrum_.data());
  plans_->fine_forward.make(int(s.period_ny), int(kx_), int(kx_), FFTW_FORWARD, padded_.data());
  plans_->fine_backward.make(int(s.period_ny), int(kx_), int(kx_), FFTW_BACKWARD, padded_.data());
}

FourierResampler::~FourierResampler() = default;

// Along y the spectra move between the coarse period (coarse_ny rows) and the fine one
// (period_ny rows): frequencies |ky| < coarse_ny / 2 keep their place, the rest are zero.
void FourierResampler::upsample(std::span<const double> coarse, std::span<double> fine) {
  const auto& s = shape_;
  if (coarse.size() != s.coarse_nx * s.coarse_ny || fine.size() != s.nx * s.ny)
    throw std::logic_error("FourierResampler::upsample: wrong image sizes");
  const std::size_t half = s.coarse_nx / 2 + 1, fine_half = s.period_nx / 2 + 1;
  std::complex<double>* spectrum = reinterpret_cast<std::complex<double>*>(spectrum_.data());
  std::complex<double>* padded = reinterpret_cast<std::complex<double>*>(padded_.data());
  const std::ptrdiff_t coarse_rows = std::ptrdiff_t(s.coarse_ny);
#pragma omp parallel num_threads(threads_)
  {
    std::vector<double> row(s.coarse_nx);
#pragma omp for schedule(static)
    for (std::ptrdiff_t y = 0; y < coarse_rows; ++y) {
      const double* in = coarse.data() + std::size_t(y) * s.coarse_nx;
      for (std::size_t x = 0; x < s.coarse_nx; ++x) row[wrapIndex(long(x) - long(s.coarse_nx / 2), s.coarse_nx)] = in[x];
      const std::size_t wrapped = wrapIndex(long(y) - long(s.coarse_ny / 2), s.coarse_ny);
      fftw_execute_dft_r2c(plans_->coarse_r2c, row.data(), asFftw(spectrum_.data() + 2 * wrapped * half));
    }
  }
  plans_->coarse_forward.run(spectrum_.data(), threads_);
  std::fill(padded_.begin(), padded_.end(), 0.0);
  const long band = long(s.coarse_ny / 2);
  for (long ky = 1 - band; ky < band; ++ky)
    std::copy_n(spectrum + wrapIndex(ky, s.coarse_ny) * half, kx_, padded + wrapIndex(ky, s.period_ny) * kx_);
  plans_->fine_backward.run(padded_.data(), threads_);
  const double scale = 1.0 / (double(s.coarse_nx) * double(s.coarse_ny));
  const std::ptrdiff_t rows = std::ptrdiff_t(s.ny);
#pragma omp parallel num_threads(threads_)
  {
    std::vector<std::complex<double>> line(fine_half);
    std::vector<double> out(s.period_nx + 2);
#pragma omp for schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) {
      const std::size_t source = wrapIndex(long(y) - long(s.ny / 2), s.period_ny);
      std::fill(line.begin(), line.end(), 0.0);
      std::copy_n(padded + source * kx_, kx_, line.begin());
      fftw_execute_dft_c2r(plans_->fine_c2r, asFftw(reinterpret_cast<double*>(line.data())), out.data());
      double* target = fine.data() + std::size_t(y) * s.nx;
      for (std::size_t x = 0; x < s.nx; ++x)
        target[x] = scale * out[wrapIndex(long(x) - long(s.nx / 2), s.period_nx)];
    }
  }
}

void FourierResampler::downsample(std::span<const double> fine, std::span<double> coarse) {
  const auto& s = shape_;
  if (coarse.size() != s.coarse_nx * s.coarse_ny || fine.size() != s.nx * s.ny)
    throw std::logic_error("FourierResampler::downsample: wrong image sizes");
  const std::size_t half = s.coarse_nx / 2 + 1, fine_half = s.period_nx / 2 + 1;
  std::complex<double>* spectrum = reinterpret_cast<std::complex<double>*>(spectrum_.data());
  std::complex<double>* padded = reinterpret_cast<std::complex<double>*>(padded_.data());
  std::fill(padded_.begin(), padded_.end(), 0.0);
  const std::ptrdiff_t rows = std::ptrdiff_t(s.ny);
#pragma omp parallel num_threads(threads_)
  {
    std::vector<std::complex<double>> line(fine_half);
    std::vector<double> in(s.period_nx + 2, 0.0);
#pragma omp for schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) {
      std::fill(in.begin(), in.end(), 0.0);
      const double* source = fine.data() + std::size_t(y) * s.nx;
      for (std::size_t x = 0; x < s.nx; ++x) in[wrapIndex(long(x) - long(s.nx / 2), s.period_nx)] = source[x];
      fftw_execute_dft_r2c(plans_->fine_r2c, in.data(), asFftw(reinterpret_cast<double*>(line.data())));
      const std::size_t target = wrapIndex(long(y) - long(s.ny / 2), s.period_ny);
      std::copy_n(line.begin(), kx_, padded + target * kx_);
    }
  }
  plans_->fine_forward.run(padded_.data(), threads_);
  std::fill(spectrum_.begin(), spectrum_.end(), 0.0);
  const long band = long(s.coarse_ny / 2);
  for (long ky = 1 - band; ky < band; ++ky)
    std::copy_n(padded + wrapIndex(ky, s.period_ny) * kx_, kx_, spectrum + wrapIndex(ky, s.coarse_ny) * half);
  plans_->coarse_backward.run(spectrum_.data(), threads_);
  const double scale = 1.0 / (double(s.coarse_nx) * double(s.coarse_ny));
  const std::ptrdiff_t coarse_rows = std::ptrdiff_t(s.coarse_ny);
#pragma omp parallel num_threads(threads_)
  {
    std::vector<double> row(s.coarse_nx + 2);
#pragma omp for schedule(static)
    for (std::ptrdiff_t y = 0; y < coarse_rows; ++y) {
      const std::size_t wrapped = wrapIndex(long(y) - long(s.coarse_ny / 2), s.coarse_ny);
      // c2r overwrites its input; the spectrum is not needed again in this call.
      fftw_execute_dft_c2r(plans_->coarse_c2r, asFftw(spectrum_.data() + 2 * wrapped * half), row.data());
      double* out = coarse.data() + std::size_t(y) * s.coarse_nx;
      for (std::size_t x = 0; x < s.coarse_nx; ++x) out[x] = scale * row[wrapIndex(long(x) - long(s.coarse_nx / 2), s.coarse_nx)];
    }
  }
}

}  // namespace ptclean::gridding
