// MeasurementSet read kernel with Google Benchmark: MB/s of bulk reads of DATA + FLAG +
// WEIGHT_SPECTRUM with casacore ArrayColumn::getColumnRange, 8192 rows at a time, into buffers
// reused from chunk to chunk (as imager/ms_reader.cpp reads). The MS is simulated once per run
// in a temporary folder by `ptclean simulate` (64 channels x 4 correlations, 60 integrations per
// scan) and removed at exit. Just written, it is read from the page cache: this measures
// casacore's decoding and copying, not the disk. MB = 1e6 bytes of the in-memory arrays read
// (complex float DATA 8 B, Bool FLAG 1 B, float WEIGHT_SPECTRUM 4 B per sample).
//   build/bench/bench_ms_read --benchmark_counters_tabular=true
// PTCLEAN_BENCH_MS=path reads an existing MS instead.
#include <benchmark/benchmark.h>

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/Table.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

/// The simulated MS, made on first use and removed when the program ends.
class TempMs {
 public:
  TempMs() {
    if (const char* given = std::getenv("PTCLEAN_BENCH_MS")) {
      path_ = given;
      return;
    }
    std::string pattern = (fs::temp_directory_path() / "ptclean-bench-ms-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    path_ = (dir_ / "bench.ms").string();
    const std::string command = std::string("'") + PTCLEAN_BINARY + "' simulate --set vis='" + path_ +
                                "' --set nchan=64 --set nintegrations=60 > '" + (dir_ / "simulate.log").string() +
                                "' 2>&1";
    if (std::system(command.c_str()) != 0) {
      fs::remove_all(dir_);
      throw std::runtime_error("ptclean simulate failed: " + command);
    }
  }
  ~TempMs() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  fs::path dir_;
  std::string path_;
};

const TempMs& tempMs() {
  static TempMs ms;
  return ms;
}

void msReadDataFlagWeightSpectrum(benchmark::State& state) {
  const long chunk = long(state.range(0));
  casacore::Table table(tempMs().path(), casacore::Table::Old);
  casacore::ArrayColumn<casacore::Complex> data(table, "DATA");
  casacore::ArrayColumn<casacore::Bool> flag(table, "FLAG");
  casacore::ArrayColumn<casacore::Float> spectrum(table, "WEIGHT_SPECTRUM");
  casacore::Array<casacore::Complex> data_buffer;
  casacore::Array<casacore::Bool> flag_buffer;
  casacore::Array<casacore::Float> spectrum_buffer;
  const long rows = long(table.nrow());
  double bytes = 0.0;
  for (auto _ : state) {
    bytes = 0.0;
    for (long start = 0; start < rows; start += chunk) {
      const long n = std::min(chunk, rows - start);
      const casacore::Slicer slice(casacore::IPosition(1, start), casacore::IPosition(1, n));
      data.getColumnRange(slice, data_buffer, true);
      flag.getColumnRange(slice, flag_buffer, true);
      spectrum.getColumnRange(slice, spectrum_buffer, true);
      bytes += double(data_buffer.nelements()) * sizeof(casacore::Complex) +
               double(flag_buffer.nelements()) * sizeof(casacore::Bool) +
               double(spectrum_buffer.nelements()) * sizeof(casacore::Float);
    }
    benchmark::DoNotOptimize(data_buffer.data());
  }
  state.SetBytesProcessed(std::int64_t(bytes) * std::int64_t(state.iterations()));
  state.counters["MB_per_s"] = benchmark::Counter(bytes / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MB_per_pass"] = bytes / 1e6;
  state.counters["rows"] = double(rows);
}

}  // namespace

BENCHMARK(msReadDataFlagWeightSpectrum)->ArgName("chunk_rows")->Arg(8192)->Unit(benchmark::kMillisecond)->UseRealTime();
