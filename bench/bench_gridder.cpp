// Gridding kernels with Google Benchmark: visibilities per second of invert (dirty image + PSF)
// and predict, by accuracy and image size, on random uv-coverage with a w-term.
//   build/bench/bench_gridder --benchmark_counters_tabular=true
// vis_per_s is the whole call (sorting and FFTs included); loop_vis_per_s is the spreading (or
// reading) loop alone, which is then set against this machine's limits for one thread
// (machine_limits.h, measured at start-up): its memory traffic with no cache reuse at all
// (loop_GBps, of_triad) and its FLOPs (loop_GFLOPps, of_fma), counted per w-plane touched as
//   invert (G = 2 grids): taps 2 W D + D FMAs; row values 2 W G multiplies; rows 2 W^2 G FMAs;
//                         bytes: the 40-byte item, and W^2 cells of 8 B read and written per grid;
//   predict:              taps as above; rows 2 W^2 (multiply + FMA); bytes: the item, W^2
//                         cells read, and the 16-byte sum read and written;
// with W the support and D the degree of the kernel polynomials. An FMA is 2 FLOPs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "machine_limits.h"
#include "ptclean/gridding/gridder.h"

namespace {

const ptclean::bench::MachineLimits& limits() {
  static const ptclean::bench::MachineLimits measured = ptclean::bench::measureMachineLimits(1);
  return measured;
}

/// Loop throughput and its share of the machine's limits, from per-plane bytes and FLOPs.
void setLoopCounters(benchmark::State& state, const ptclean::gridding::Gridder& gridder, double samples,
                     double loop_seconds, bool invert) {
  const auto& choice = gridder.lastChoice();
  const double W = choice.support, D = choice.poly_degree, G = invert ? 2 : 1;
  const double planes = std::min<double>(W, double(choice.w_planes));
  const double taps_flops = 2.0 * (2 * W * D + D);
  const double flops = planes * (invert ? taps_flops + 2 * W * G + 4 * W * W * G : taps_flops + 6 * W * W);
  const double bytes = planes * (invert ? 40 + G * 16 * W * W : 40 + 8 * W * W + 32);
  const double loop_rate = loop_seconds > 0 ? samples / loop_seconds : 0;
  state.counters["loop_vis_per_s"] = loop_rate;
  state.counters["loop_GBps"] = loop_rate * bytes / 1e9;
  state.counters["of_triad"] = loop_rate * bytes / 1e9 / limits().triad_gbps;
  state.counters["loop_GFLOPps"] = loop_rate * flops / 1e9;
  state.counters["of_fma"] = loop_rate * flops / 1e9 / limits().fma_gflops;
  state.counters["triad_GBps"] = limits().triad_gbps;
  state.counters["fma_GFLOPps"] = limits().fma_gflops;
}

constexpr double kArcsec = std::numbers::pi / 180.0 / 3600.0;

struct Data {
  std::vector<double> uvw, freq{1.4e9, 1.41e9, 1.42e9, 1.43e9};
  std::vector<std::complex<float>> vis;
  std::vector<float> weight;
  ptclean::gridding::VisibilityView view() const {
    return {uvw.size() / 3, freq.size(), uvw.data(), freq.data(), vis.data(), weight.data()};
  }
};

/// Baselines up to 5 km, |w| up to 2 km: like the WSClean comparison set.
Data makeData(std::size_t rows) {
  Data d;
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  for (std::size_t r = 0; r < rows; ++r) {
    d.uvw.insert(d.uvw.end(), {3500.0 * uni(rng), 3500.0 * uni(rng), 2000.0 * uni(rng)});
    for (std::size_t c = 0; c < d.freq.size(); ++c) {
      d.vis.emplace_back(float(uni(rng)), float(uni(rng)));
      d.weight.push_back(1.0f);
    }
  }
  return d;
}

void invertWithPsf(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const double accuracy = std::pow(10.0, -double(state.range(1)));
  static const Data data = makeData(250000);
  ptclean::gridding::Gridder gridder({n, n, 2048.0 / double(n) * kArcsec, 2048.0 / double(n) * kArcsec},
                                     {accuracy, true, 1});
  std::vector<double> image(n * n), psf(n * n);
  auto view = data.view();
  limits();
  double loop_seconds = 0;
  for (auto _ : state) {
    gridder.invert({&view, 1}, image, psf);
    loop_seconds += gridder.lastTimings().grid;
  }
  const double samples = double(data.vis.size());
  setLoopCounters(state, gridder, samples * double(state.iterations()), loop_seconds, true);
  state.counters["vis_per_s"] = benchmark::Counter(samples, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["support"] = gridder.lastChoice().support;
  state.counters["w_planes"] = double(gridder.lastChoice().w_planes);
}

void predict(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const double accuracy = std::pow(10.0, -double(state.range(1)));
  static const Data data = makeData(250000);
  ptclean::gridding::Gridder gridder({n, n, 2048.0 / double(n) * kArcsec, 2048.0 / double(n) * kArcsec},
                                     {accuracy, true, 1});
  std::vector<double> model(n * n, 0.0);
  model[n * n / 2 + n / 2] = 1.0;
  std::vector<std::complex<float>> out(data.vis.size());
  std::complex<float>* outputs[] = {out.data()};
  auto view = data.view();
  limits();
  double loop_seconds = 0;
  for (auto _ : state) {
    gridder.predict({&view, 1}, model, outputs);
    loop_seconds += gridder.lastTimings().grid;
  }
  setLoopCounters(state, gridder, double(data.vis.size()) * double(state.iterations()), loop_seconds, false);
  state.counters["vis_per_s"] = benchmark::Counter(double(data.vis.size()), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

// Arguments: image size, -log10(accuracy). One thread: per-thread throughput.
BENCHMARK(invertWithPsf)->ArgsProduct({{1024, 2048}, {2, 4, 6}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(predict)->ArgsProduct({{1024, 2048}, {2, 4, 6}})->Unit(benchmark::kMillisecond)->UseRealTime();
