// Machine-limit kernels with Google Benchmark, to put the other kernels in proportion
// (the kernels themselves are in machine_limits.cpp, shared with bench_gridder):
//  - streamTriadBandwidth: a STREAM-like triad a[i] = b[i] + s * c[i] over three arrays of
//    64 MiB of doubles each (8 Mi elements), OpenMP static schedule, first-touch initialised by
//    the same threads. GB/s = 24 bytes per element (STREAM's count: 2 reads + 1 write, no
//    write-allocate) / s, in 1e9 bytes.
//  - fmaFlopRate: fused multiply-adds on registers, 12 independent 4-wide double chains per
//    thread (enough to hide the FMA latency), no memory traffic. GFLOP/s = 2 per FMA per lane.
// Threads: 1 and all (omp_get_max_threads()).
//   build/bench/bench_stream --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstddef>
#include <memory>
#include <omp.h>

#include "machine_limits.h"

namespace {

constexpr std::size_t kElements = (std::size_t(64) << 20) / sizeof(double);  // 64 MiB per array

void streamTriadBandwidth(benchmark::State& state) {
  const int threads = int(state.range(0));
  const std::ptrdiff_t n = std::ptrdiff_t(kElements);
  std::unique_ptr<double[]> a(new double[kElements]), b(new double[kElements]), c(new double[kElements]);
  double* pa = a.get();
  double* pb = b.get();
  double* pc = c.get();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    pa[i] = 0.0;
    pb[i] = 1.0;
    pc[i] = 2.0;
  }
  for (auto _ : state) {
    ptclean::bench::triadPass(pa, pb, pc, kElements, 3.0, threads);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(pa[n / 2]);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(3 * kElements * sizeof(double)));
  state.counters["GB_per_s"] =
      benchmark::Counter(3.0 * double(kElements * sizeof(double)) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

void fmaFlopRate(benchmark::State& state) {
  const int threads = int(state.range(0));
  double sink = 0.0;
  for (auto _ : state) {
    double total = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += ptclean::bench::fmaChains(double(omp_get_thread_num()));
    sink += total;
  }
  benchmark::DoNotOptimize(sink);
  const double flops_per_call = double(threads) * ptclean::bench::kFmaFlopsPerCall;
  state.counters["GFLOP_per_s"] = benchmark::Counter(flops_per_call / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

void oneAndAllThreads(benchmark::internal::Benchmark* b) {
  b->Arg(1);
  if (omp_get_max_threads() > 1) b->Arg(omp_get_max_threads());
}

}  // namespace

BENCHMARK(streamTriadBandwidth)->ArgName("threads")->Apply(oneAndAllThreads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(fmaFlopRate)->ArgName("threads")->Apply(oneAndAllThreads)->Unit(benchmark::kMillisecond)->UseRealTime();
