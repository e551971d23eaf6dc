#include "fft.h"

#include <fftw3.h>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace ptclean::gridding {
namespace {

std::mutex& plannerMutex() {
  static std::mutex mutex;  // FFTW's planner is not thread-safe
  return mutex;
}

void initThreadsOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    fftw_init_threads();
    fftwf_init_threads();
  });
}

using PlanKey = std::tuple<std::size_t, std::size_t, bool, int>;

fftw_plan planDouble(std::complex<double>* data, std::size_t ny, std::size_t nx, bool forward, int threads) {
  static std::map<PlanKey, fftw_plan> plans;
  std::lock_guard lock(plannerMutex());
  initThreadsOnce();
  PlanKey key{ny, nx, forward, threads};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  fftw_plan_with_nthreads(threads);
  auto* p = reinterpret_cast<fftw_complex*>(data);
  // FFTW_ESTIMATE never touches the data, so planning on a live grid is safe.
  fftw_plan plan = fftw_plan_dft_2d(int(ny), int(nx), p, p, forward ? FFTW_FORWARD : FFTW_BACKWARD,
                                    FFTW_ESTIMATE);
  plans.emplace(key, plan);
  return plan;
}

fftwf_plan planFloat(std::complex<float>* data, std::size_t ny, std::size_t nx, bool forward, int threads) {
  static std::map<PlanKey, fftwf_plan> plans;
  std::lock_guard lock(plannerMutex());
  initThreadsOnce();
  PlanKey key{ny, nx, forward, threads};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  fftwf_plan_with_nthreads(threads);
  auto* p = reinterpret_cast<fftwf_complex*>(data);
  fftwf_plan plan = fftwf_plan_dft_2d(int(ny), int(nx), p, p, forward ? FFTW_FORWARD : FFTW_BACKWARD,
                                      FFTW_ESTIMATE);
  plans.emplace(key, plan);
  return plan;
}

}  // namespace

template <typename T>
void FftGrid<T>::Free::operator()(std::complex<T>* p) const {
  fftw_free(p);
}

template <typename T>
FftGrid<T>::FftGrid(std::size_t ny, std::size_t nx)
    : data_(static_cast<std::complex<T>*>(fftw_malloc(sizeof(std::complex<T>) * ny * nx))),
      ny_(ny), nx_(nx) {
  if (!data_) throw std::bad_alloc();
}

template <typename T>
void FftGrid<T>::zero(int threads) {
  std::complex<T>* p = data_.get();
  const std::ptrdiff_t rows = std::ptrdiff_t(ny_);
  const std::size_t nx = nx_;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t y = 0; y < rows; ++y) std::memset(static_cast<void*>(p + y * nx), 0, sizeof(std::complex<T>) * nx);
}

template <>
void fft2d<double>(FftGrid<double>& grid, bool forward, int threads) {
  fftw_plan plan = planDouble(grid.data(), grid.ny(), grid.nx(), forward, threads);
  auto* p = reinterpret_cast<fftw_complex*>(grid.data());
  fftw_execute_dft(plan, p, p);
}

template <>
void fft2d<float>(FftGrid<float>& grid, bool forward, int threads) {
  fftwf_plan plan = planFloat(grid.data(), grid.ny(), grid.nx(), forward, threads);
  auto* p = reinterpret_cast<fftwf_complex*>(grid.data());
  fftwf_execute_dft(plan, p, p);
}

template class FftGrid<float>;
template class FftGrid<double>;

}  // namespace ptclean::gridding
