// Minor-cycle kernels with Google Benchmark: Hogbom and Clark CLEAN iterations (components) per
// second through the public deconvolution API, on 1024^2 and 2048^2 images, with 1 and all threads.
// The PSF is realistic in shape: a Gaussian main lobe (FWHM 4 px), a negative first sidelobe ring
// (-8 % at 7 px) and a positive second ring (+3 % at 12 px). The residual is 40 point sources
// (0.05 .. 1 Jy) convolved with it plus 1 mJy Gaussian noise; every benchmark iteration restores
// it (untimed) and runs one minor cycle of 100 components with gain 0.1 and threshold 0.
//   build/bench/bench_minor_cycle --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <omp.h>
#include <random>
#include <string>
#include <vector>

#include "ptclean/deconvolution/deconvolver.h"

namespace {

namespace dc = ptclean::deconvolution;

constexpr long kComponents = 100;
constexpr int kPsfRadius = 24;  ///< beyond this the PSF below is < 1e-6: sources are pasted within it

double psfValue(double r) {
  const double sigma = 4.0 / 2.3548;  // FWHM 4 px
  auto ring = [r](double centre, double width) { return std::exp(-0.5 * (r - centre) * (r - centre) / (width * width)); };
  return std::exp(-0.5 * r * r / (sigma * sigma)) - 0.08 * ring(7.0, 1.5) + 0.03 * ring(12.0, 2.0);
}

struct Images {
  std::size_t n = 0;
  std::vector<double> psf, residual;
};

const Images& images(std::size_t n) {
  static Images cache[2];
  Images& im = cache[n == 1024 ? 0 : 1];
  if (im.n == n) return im;
  im.n = n;
  im.psf.assign(n * n, 0.0);
  const long c = long(n / 2);
  for (long y = 0; y < long(n); ++y)
    for (long x = 0; x < long(n); ++x) im.psf[y * n + x] = psfValue(std::hypot(double(x - c), double(y - c)));
  im.psf[c * n + c] = 1.0;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 1e-3);
  im.residual.resize(n * n);
  for (double& v : im.residual) v = noise(rng);
  std::uniform_int_distribution<long> pos(kPsfRadius, long(n) - 1 - kPsfRadius);
  std::uniform_real_distribution<double> flux(0.05, 1.0);
  for (int s = 0; s < 40; ++s) {
    const long sx = pos(rng), sy = pos(rng);
    const double f = flux(rng);
    for (long dy = -kPsfRadius; dy <= kPsfRadius; ++dy)
      for (long dx = -kPsfRadius; dx <= kPsfRadius; ++dx)
        im.residual[(sy + dy) * n + sx + dx] += f * im.psf[(c + dy) * n + c + dx];
  }
  return im;
}

void minorCycleIterations(benchmark::State& state, const std::string& algorithm) {
  const std::size_t n = std::size_t(state.range(0));
  const int threads = int(state.range(1));
  const Images& im = images(n);
  auto clean = dc::makeDeconvolver({.type = dc::algorithmFromName(algorithm)});
  std::vector<double> residual(n * n), model(n * n);
  long components = 0;
  for (auto _ : state) {
    state.PauseTiming();
    residual = im.residual;
    std::fill(model.begin(), model.end(), 0.0);
    state.ResumeTiming();
    const dc::MinorCycleResult r = clean->executeMajorIteration(
        {n, n, residual, model, im.psf, {}},
        {.gain = 0.1, .max_iterations = kComponents, .threshold = 0.0, .threads = threads});
    components += r.iterations;
  }
  state.counters["iterations_per_s"] = benchmark::Counter(double(components), benchmark::Counter::kIsRate);
  state.counters["iterations"] = double(components) / double(state.iterations());
  state.counters["threads"] = threads;
}

void sizesAndThreads(benchmark::internal::Benchmark* b) {
  const int max_threads = omp_get_max_threads();
  for (long n : {1024, 2048}) {
    b->Args({n, 1});
    if (max_threads > 1) b->Args({n, max_threads});
  }
}

}  // namespace

BENCHMARK_CAPTURE(minorCycleIterations, hogbom, std::string("hogbom"))
    ->ArgNames({"n", "threads"})->Apply(sizesAndThreads)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(minorCycleIterations, clark, std::string("clark"))
    ->ArgNames({"n", "threads"})->Apply(sizesAndThreads)->Unit(benchmark::kMillisecond)->UseRealTime();
