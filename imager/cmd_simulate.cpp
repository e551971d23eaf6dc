// `ptclean simulate`: config -> SimulationSettings -> a MeasurementSet written all or nothing.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>

#include "commands.h"
#include "config.h"
#include "ms_simulator.h"

namespace ptclean::imager {
namespace {

namespace fs = std::filesystem;

// Written under a temporary name and renamed at the end, so that an interrupted run never
// leaves a half-written MeasurementSet that looks complete.
class StagedOutput {
 public:
  explicit StagedOutput(std::string final_path) : final_(std::move(final_path)) {
    std::random_device rd;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".tmp-%06x", rd() & 0xffffffu);
    staged_ = final_ + suffix;
  }
  ~StagedOutput() {
    std::error_code ignored;
    if (!committed_) fs::remove_all(staged_, ignored);
  }
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;
  const std::string& path() const { return staged_; }
  void commit() {
    fs::rename(staged_, final_);
    committed_ = true;
  }

 private:
  std::string final_, staged_;
  bool committed_ = false;
};

std::string humanLength(double metres) {
  char text[32];
  if (metres >= 1000) {
    std::snprintf(text, sizeof text, "%.2f km", metres / 1000);
  } else {
    std::snprintf(text, sizeof text, "%.0f m", metres);
  }
  return text;
}

}  // namespace

int runSimulateCommand(const std::string& config_file, const std::vector<std::string>& overrides,
                       int threads) {
  const Config cfg = Config::load(simulateKeys(), config_file, overrides);
  if (!cfg.has("vis") || cfg.string("vis").empty()) {
    throw ConfigError("key 'vis' is required: the MeasurementSet to write (e.g. --set vis=sim.ms)");
  }
  std::string ms_path = cfg.string("vis");
  while (ms_path.size() > 1 && ms_path.back() == '/') ms_path.pop_back();
  const SimulationSettings settings = simulationSettingsFrom(cfg);

  std::error_code ec;
  if (fs::exists(fs::symlink_status(ms_path, ec))) {
    throw std::runtime_error("simulate: output already exists: " + ms_path);
  }
  const fs::path parent = fs::absolute(ms_path).parent_path();
  if (!fs::is_directory(parent)) {
    throw std::runtime_error("simulate: output folder does not exist: " + parent.string());
  }

  const auto start = std::chrono::steady_clock::now();
  StagedOutput out(ms_path);
  const SimulationSummary sum = simulateMs(settings, out.path(), threads);
  out.commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf(
      "simulate: wrote %s: %zu antennas (%zu baselines, longest %s), %zu spw x %zu channels x "
      "%zu correlations, %zu rows, %zu visibilities, %.1f s\n",
      ms_path.c_str(), sum.antennas, sum.baselines, humanLength(sum.max_baseline_m).c_str(),
      sum.spws, sum.channels, sum.correlations, sum.rows, sum.visibilities, seconds);
  std::fflush(stdout);
  return 0;
}

}  // namespace ptclean::imager
