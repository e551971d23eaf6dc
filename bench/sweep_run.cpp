#include "sweep_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <regex>

#include "sweep_text.h"

namespace ptclean::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string tail(const std::string& s, std::size_t n = 3000) { return s.size() > n ? s.substr(s.size() - n) : s; }

std::string mmss(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
  return buffer;
}

double maxRssMiB(const std::string& time_text) {
  const auto at = time_text.find("Maximum resident set size (kbytes):");
  if (at == std::string::npos) return -1;
  return std::atof(time_text.c_str() + at + 36) / 1024.0;
}

void removeImages(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "run.json" && name != "log.txt" && name != "time.txt") fs::remove_all(entry.path(), ec);
  }
}

/// One run of `mix` (the `run`-th) into out_dir/runs/<mix>-<run>; false, said on stderr, on failure.
bool runOnce(const Mix& mix, int run, const RunSetup& setup, Run& r) {
  const fs::path dir = setup.out_dir / "runs" / (mix.name() + "-" + std::to_string(run));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string command;
  const std::string timer = setup.have_time ? "/usr/bin/time -v -o " + quote((dir / "time.txt").string()) + " " : "";
  if (mix.wsclean) {
    command = timer + "wsclean " + wscleanArgs(*setup.settings, setup.cores, (dir / "ws").string());
  } else {
    command = "OMP_NUM_THREADS=" + std::to_string(mix.threads) + " OMPI_MCA_rmaps_base_oversubscribe=1 " + timer +
              quote(setup.mpirun) + setup.mpi_flags + " -x OMP_NUM_THREADS -n " + std::to_string(mix.ranks) + " " +
              quote(setup.ptclean) + " -v image" + setup.base_args + " --set threads=" + std::to_string(mix.threads) +
              " --set " + quote("imagename=" + (dir / "img").string()) + " --timings " +
              quote((dir / "run.json").string());
  }
  command += " > " + quote((dir / "log.txt").string()) + " 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  r.mix = mix;
  r.run = run;
  r.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string log = readFile(dir / "log.txt");
  if (status != 0) {
    std::cerr << "ptclean_sweep: run failed: " << command << "\n" << tail(log) << "\n";
    return false;
  }
  if (setup.have_time) r.peak_mib = maxRssMiB(readFile(dir / "time.txt"));
  if (mix.wsclean) {
    r.wall = r.elapsed;
  } else {
    json doc;
    try {
      doc = json::parse(readFile(dir / "run.json"));
    } catch (const std::exception& e) {
      std::cerr << "ptclean_sweep: cannot read " << (dir / "run.json") << ": " << e.what() << "\n";
      return false;
    }
    if (doc.value("ranks", 0) != mix.ranks || doc.value("threads", 0) != mix.threads) {
      std::cerr << "ptclean_sweep: " << (dir / "run.json").string() << " reports " << doc.value("ranks", 0) << " x "
                << doc.value("threads", 0) << ", not " << mix.name() << "\n";
      return false;
    }
    r.wall = doc.value("wall", 0.0);
    for (const auto& phase : doc["phases"]) {
      double worst = 0;
      for (const auto& rank : doc["per_rank"]) worst = std::max(worst, rank.value(phase.get<std::string>(), 0.0));
      r.phases[phase.get<std::string>()] = worst;
    }
    if (doc.contains("samples")) r.samples = doc["samples"].get<long long>();
    static const std::regex read_line("read ([0-9]+) Stokes I samples");
    long long sum = 0;
    bool found = false;
    for (std::sregex_iterator it(log.begin(), log.end(), read_line), end; it != end; ++it) {
      sum += std::stoll((*it)[1].str());
      found = true;
    }
    if (r.samples < 0 && found) r.samples = sum;
    if (r.samples > 0 && r.wall > 0) r.vis_per_s = double(r.samples) / r.wall;
  }
  if (!setup.keep_images) removeImages(dir);
  return true;
}

}  // namespace

bool runSweep(const std::vector<Mix>& mixes, int runs, const RunSetup& setup, std::vector<Run>& results) {
  const auto start = std::chrono::steady_clock::now();
  const int total = int(mixes.size()) * runs;
  int done = 0;
  for (int run = 1; run <= runs; ++run) {
    for (std::size_t i = 0; i < mixes.size(); ++i) {
      const Mix& mix = mixes[i];
      const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string eta = done == 0 ? "--:--" : mmss(spent / done * (total - done));
      std::fprintf(stderr, "mix %zu of %zu (%s), run %d of %d, ETA %s\n", i + 1, mixes.size(), mix.name().c_str(), run,
                   runs, eta.c_str());
      Run r;
      if (!runOnce(mix, run, setup, r)) return false;
      results.push_back(r);
      ++done;
    }
  }
  return true;
}

std::vector<std::string> phaseNames(const std::vector<Run>& results, const fs::path& out_dir) {
  std::vector<std::string> phases;
  for (const auto& r : results)
    if (!r.mix.wsclean && phases.empty()) {
      json doc = json::parse(readFile(out_dir / "runs" / (r.mix.name() + "-1") / "run.json"));
      for (const auto& p : doc["phases"]) phases.push_back(p.get<std::string>());
    }
  return phases;
}

}  // namespace ptclean::bench
