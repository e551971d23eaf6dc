// FFT kernels with Google Benchmark: an in-place 2D complex FFT (FFTW3, FFTW_ESTIMATE, one
// thread, as gridding/fft.cpp plans its transforms) with the plan made once and reused, against a
// fresh plan made and destroyed on every call; plus the planning alone, and a plan made once with
// FFTW_MEASURE. items/s = Mpixels_per_s = pixels transformed per second (complex float, in place).
//   build/bench/bench_fft --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <random>

namespace {

struct FloatGrid {
  explicit FloatGrid(std::size_t n) : n(n), data(fftwf_alloc_complex(n * n)) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    for (std::size_t i = 0; i < n * n; ++i) {
      data[i][0] = uni(rng);
      data[i][1] = uni(rng);
    }
  }
  ~FloatGrid() { fftwf_free(data); }
  FloatGrid(const FloatGrid&) = delete;
  FloatGrid& operator=(const FloatGrid&) = delete;
  std::size_t n;
  fftwf_complex* data;
};

void setCounters(benchmark::State& state, std::size_t n) {
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n * n));
  state.counters["Mpixels_per_s"] =
      benchmark::Counter(double(n * n) / 1e6, benchmark::Counter::kIsIterationInvariantRate);
}

/// One plan for the whole run: what the gridder does across w-planes and major cycles.
void fft2dComplexFloat_PlanReused(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  FloatGrid grid(n);
  fftwf_plan plan = fftwf_plan_dft_2d(int(n), int(n), grid.data, grid.data, FFTW_FORWARD, FFTW_ESTIMATE);
  for (auto _ : state) {
    fftwf_execute(plan);
    benchmark::ClobberMemory();
  }
  fftwf_destroy_plan(plan);
  setCounters(state, n);
}

/// A plan made, executed once and destroyed on every call (FFTW_ESTIMATE, so no measuring).
void fft2dComplexFloat_FreshPlanPerCall(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  FloatGrid grid(n);
  for (auto _ : state) {
    fftwf_plan plan = fftwf_plan_dft_2d(int(n), int(n), grid.data, grid.data, FFTW_FORWARD, FFTW_ESTIMATE);
    fftwf_execute(plan);
    fftwf_destroy_plan(plan);
    benchmark::ClobberMemory();
  }
  setCounters(state, n);
}

/// Planning alone (no execution): the cost a fresh plan per call adds. Time per plan only.
void fft2dComplexFloat_PlanOnlyEstimate(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  FloatGrid grid(n);
  for (auto _ : state) {
    fftwf_plan plan = fftwf_plan_dft_2d(int(n), int(n), grid.data, grid.data, FFTW_FORWARD, FFTW_ESTIMATE);
    benchmark::DoNotOptimize(plan);
    fftwf_destroy_plan(plan);
  }
}

/// A plan reused, made once with FFTW_MEASURE (which times candidate algorithms; untimed here,
/// its first planning time is the counter plan_s): what a better plan than FFTW_ESTIMATE's is worth.
void fft2dComplexFloat_PlanReusedMeasure(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  FloatGrid grid(n);
  const auto start = std::chrono::steady_clock::now();
  fftwf_plan plan = fftwf_plan_dft_2d(int(n), int(n), grid.data, grid.data, FFTW_FORWARD, FFTW_MEASURE);
  // Google Benchmark may call this function more than once; later plans reuse the wisdom that
  // the first one gathered, so the counter keeps the first (cold) planning time.
  static std::map<std::size_t, double> first_plan_s;
  const double plan_s = first_plan_s.try_emplace(
      n, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()).first->second;
  for (auto _ : state) {
    fftwf_execute(plan);
    benchmark::ClobberMemory();
  }
  fftwf_destroy_plan(plan);
  setCounters(state, n);
  state.counters["plan_s"] = plan_s;
}

}  // namespace

BENCHMARK(fft2dComplexFloat_PlanReused)->ArgName("n")->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(fft2dComplexFloat_FreshPlanPerCall)->ArgName("n")->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(fft2dComplexFloat_PlanOnlyEstimate)->ArgName("n")->Arg(1024)->Arg(2048)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(fft2dComplexFloat_PlanReusedMeasure)->ArgName("n")->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
