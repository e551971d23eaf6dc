#include "machine_limits.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <memory>

namespace ptclean::bench {

namespace {

using v4d = double __attribute__((vector_size(32)));
constexpr int kChains = 12;  // enough independent chains to hide the FMA latency
constexpr long kSteps = 1L << 20;
static_assert(kFmaFlopsPerCall == double(kSteps) * kChains * 4 * 2);

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void triadPass(double* a, const double* b, const double* c, std::size_t n, double s, int threads) {
  const std::ptrdiff_t count = std::ptrdiff_t(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < count; ++i) a[i] = b[i] + s * c[i];
}

double fmaChains(double seed) {
  v4d x[kChains];
  for (int k = 0; k < kChains; ++k) x[k] = v4d{seed + k, seed + k + 0.25, seed + k + 0.5, seed + k + 0.75};
  const v4d m = {0.999999, 0.999999, 0.999999, 0.999999};  // < 1: the values stay finite
  const v4d add = {1e-6, 1e-6, 1e-6, 1e-6};
  for (long step = 0; step < kSteps; ++step) {
#pragma GCC unroll 12
    for (int k = 0; k < kChains; ++k) x[k] = x[k] * m + add;  // fused: -ffp-contract=fast (CMake)
  }
  v4d sum = x[0];
  for (int k = 1; k < kChains; ++k) sum += x[k];
  return sum[0] + sum[1] + sum[2] + sum[3];
}

MachineLimits measureMachineLimits(int threads) {
  MachineLimits limits;
  constexpr std::size_t n = (std::size_t(64) << 20) / sizeof(double);  // 64 MiB per array
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  const std::ptrdiff_t count = std::ptrdiff_t(n);
  double *pa = a.get(), *pb = b.get(), *pc = c.get();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < count; ++i) pa[i] = 0.0, pb[i] = 1.0, pc[i] = 2.0;  // first touch
  for (int pass = 0; pass < 8; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    triadPass(pa, pb, pc, n, 3.0, threads);
    limits.triad_gbps = std::max(limits.triad_gbps, 24.0 * double(n) / secondsSince(start) / 1e9);
  }
  double sink = 0.0;
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    double total = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += fmaChains(double(omp_get_thread_num()));
    const double seconds = secondsSince(start);
    sink += total;
    limits.fma_gflops = std::max(limits.fma_gflops, kFmaFlopsPerCall * threads / seconds / 1e9);
  }
  static volatile double keep;  // the chains' result is used, so they are not optimised away
  keep = sink;
  return limits;
}

}  // namespace ptclean::bench
