// ptclean_sweep: runs `ptclean image` under every MPI ranks x OpenMP threads mix that fills N
// cores, k times each, and writes sweep.csv, sweep.json, sweep.md and sweep.png (median phase
// split per mix as stacked bars, and parallel efficiency) into an output folder.
//
//   ptclean_sweep [config.toml] [--set key=value ...] [--cores N] [--runs k] [--out DIR]
//                 [--oversubscribe-mixes] [--wsclean] [--project WORKLOAD.toml]
//                 [--ptclean PATH] [--mpirun PATH]
//
// Every run is `OMP_NUM_THREADS=T /usr/bin/time -v mpirun --oversubscribe --bind-to none -n R
// ptclean -v image ... --set threads=T --timings run.json`; run.json's ranks and threads are
// checked against the mix. Phase times are the maximum over ranks of each phase in run.json, the
// wall time is run.json's "wall" (ptclean's own, from start to end of the image
// command; the mpirun start-up is in "elapsed"). Peak memory is GNU time's "Maximum resident set
// size": the peak RSS of the largest single process of the run (a rank or mpirun itself).
// The sample count is the sum over ranks of the "read N Stokes I samples" log lines (-v makes
// every rank log).
// The mixes: 1x1 (always, as the baseline), every R x T = N, and with --oversubscribe-mixes every
// R x T = 2N. Parallel efficiency of a mix R x T: E = t(1x1) / (min(R*T, N) * t(RxT)), with median walls,
// i.e. the speed-up over one rank with one thread divided by the cores the mix can use.
//
// This file reads the command line and puts the pieces together: sweep_mixes (which mixes),
// sweep_settings (the config and WSClean's equivalent), sweep_run (running them), sweep_summary
// (medians and efficiency), sweep_report (CSV, JSON, Markdown) and sweep_figure (the PNG).
// --project fits bench/cost_model.h to the runs and writes projection.md (bench/projection.h).
#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "projection_report.h"
#include "sweep_figure.h"
#include "sweep_mixes.h"
#include "sweep_report.h"
#include "sweep_run.h"
#include "sweep_settings.h"
#include "sweep_summary.h"
#include "sweep_text.h"

namespace fs = std::filesystem;
using namespace ptclean::bench;

namespace {

std::string selfDir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

bool onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  for (std::string dir; std::getline(ss, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

}  // namespace

static int sweep(int argc, char** argv) {
  CLI::App app{"ptclean_sweep: ptclean image over every MPI ranks x OpenMP threads mix of N cores"};
  std::string config, out = "sweep-out", ptclean, mpirun = PTCLEAN_SWEEP_MPIEXEC, workload;
  std::vector<std::string> overrides;
  int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  int runs = 3;
  bool oversubscribe_mixes = false, with_wsclean = false, keep_images = false;
  app.add_option("config", config, "TOML file of `ptclean image` keys")->check(CLI::ExistingFile);
  app.add_option("--set", overrides, "key=value for `ptclean image`, overriding the config file")->take_all();
  app.add_option("--cores,-n", cores, "cores N: mixes with ranks x threads = N (default: nproc)")->check(CLI::PositiveNumber);
  app.add_option("--runs,-k", runs, "runs per mix (default 3)")->check(CLI::PositiveNumber);
  app.add_option("--out,-o", out, "output folder (default sweep-out)");
  app.add_flag("--oversubscribe-mixes", oversubscribe_mixes, "also the mixes with ranks x threads = 2N");
  app.add_flag("--wsclean", with_wsclean, "also run WSClean (if on PATH) with -j N once per run");
  app.add_flag("--keep-images", keep_images, "keep each run's images (removed by default)");
  app.add_option("--project", workload, "also fit the cost model and project this workload (projection.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--ptclean", ptclean, "the ptclean binary (default: ../imager/ptclean next to this program)");
  app.add_option("--mpirun", mpirun, "the mpirun binary");
  CLI11_PARSE(app, argc, argv);

  if (ptclean.empty()) {
    ptclean = (fs::path(selfDir()) / ".." / "imager" / "ptclean").lexically_normal().string();
    if (!fs::exists(ptclean)) ptclean = PTCLEAN_SWEEP_DEFAULT_PTCLEAN;
  }
  if (!fs::exists(ptclean)) {
    std::cerr << "ptclean_sweep: no ptclean binary at " << ptclean << " (use --ptclean)\n";
    return 1;
  }
  const bool have_time = ::access("/usr/bin/time", X_OK) == 0;
  if (!have_time) std::cerr << "ptclean_sweep: /usr/bin/time not found; peak memory is not measured\n";

  Settings settings;
  try {
    if (!config.empty()) settings.table = toml::parse_file(config);
  } catch (const toml::parse_error& e) {
    std::cerr << "ptclean_sweep: " << config << ": " << e.description() << "\n";
    return 1;
  }
  for (const auto& o : overrides) settings.overlay(o);
  if (with_wsclean && !onPath("wsclean")) {
    std::cerr << "ptclean_sweep: --wsclean given but wsclean is not on PATH; skipping WSClean\n";
    with_wsclean = false;
  }

  const std::vector<Mix> mixes = sweepMixes(cores, oversubscribe_mixes, with_wsclean);
  const fs::path out_dir = fs::absolute(out);
  fs::create_directories(out_dir / "runs");
  RunSetup setup;
  setup.ptclean = ptclean;
  setup.mpirun = mpirun;
  if (!config.empty()) setup.base_args += " " + quote(config);
  for (const auto& o : overrides) setup.base_args += " --set " + quote(o);
  setup.mpi_flags = " --oversubscribe --bind-to none";
  if (::geteuid() == 0) setup.mpi_flags += " --allow-run-as-root";
  setup.settings = &settings;
  setup.cores = cores;
  setup.have_time = have_time;
  setup.keep_images = keep_images;
  setup.out_dir = out_dir;
  std::vector<Run> results;
  if (!runSweep(mixes, runs, setup, results)) return 1;

  SweepFacts facts;
  for (int a = 0; a < argc; ++a) facts.command_line += (a ? " " : "") + std::string(argv[a]);
  facts.cores = cores;
  facts.runs_per_mix = runs;
  facts.phases = phaseNames(results, out_dir);
  facts.samples = sweepSamples(results);
  facts.with_wsclean = with_wsclean;
  const std::vector<MixSummary> summaries = summariseMixes(mixes, results, facts.samples, cores);
  writeReports(out_dir, facts, results, summaries);
  drawFigure(summaries, facts.phases, cores, (out_dir / "sweep.png").string());
  std::cerr << "ptclean_sweep: wrote " << (out_dir / "sweep.csv").string() << ", sweep.json, sweep.md, sweep.png\n";
  std::cout << readFile(out_dir / "sweep.md");
  if (!workload.empty()) {
    std::vector<fs::path> run_jsons;
    for (const auto& r : results)
      if (!r.mix.wsclean) run_jsons.push_back(out_dir / "runs" / (r.mix.name() + "-" + std::to_string(r.run)) / "run.json");
    try {
      std::cout << "\n" << writeProjection(run_jsons, workload, out_dir / "projection.md");
    } catch (const std::exception& e) {
      std::cerr << "ptclean_sweep: --project: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}

// An exception that gets this far (a filesystem error, say an --out folder that cannot be made)
// ends the sweep with its message and status 1, not with std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return sweep(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ptclean_sweep: " << e.what() << "\n";
    return 1;
  }
}
