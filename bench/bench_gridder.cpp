// Gridding kernels with Google Benchmark: visibilities per second of invert (dirty image + PSF)
// and predict, by accuracy and image size, on random uv-coverage with a w-term.
//   build/bench/bench_gridder --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "ptclean/gridding/gridder.h"

namespace {

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
  for (auto _ : state) gridder.invert({&view, 1}, image, psf);
  const double samples = double(data.vis.size());
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
  for (auto _ : state) gridder.predict({&view, 1}, model, outputs);
  state.counters["vis_per_s"] = benchmark::Counter(double(data.vis.size()), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

// Arguments: image size, -log10(accuracy). One thread: per-thread throughput.
BENCHMARK(invertWithPsf)->ArgsProduct({{1024, 2048}, {2, 4, 6}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(predict)->ArgsProduct({{1024, 2048}, {2, 4, 6}})->Unit(benchmark::kMillisecond)->UseRealTime();
