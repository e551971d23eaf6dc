// The cost model (bench/cost_model.h) recovers the unit costs of runs made to follow it, and
// the projection (bench/projection.h) applies them as its formulas say.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "cost_model.h"
#include "projection.h"
#include "test_support.h"

namespace {

using ptclean::bench::CostModel;

CostModel knownCosts() {
  CostModel c;
  c.read_s_per_sample = 1e-7;
  c.grid_core_s_per_visit = 4e-8;
  c.degrid_core_s_per_visit = 9e-8;
  c.fft_core_s_per_point = 2e-9;
  c.reduce_s_per_byte_level = 1e-10;
  c.minor_core_s_per_pixel_iteration = 1.6e-9;
  c.write_s_per_pixel = 1.4e-7;
  return c;
}

/// A run.json whose seconds are exactly what `c` gives for its work, shared evenly over ranks.
std::string writeRun(const std::string& path, const CostModel& c, int ranks, int threads) {
  const double samples = 4e6, planes = 6, cycles = 3, nx = 512, grid_nx = 840, iterations = 1000;
  const double grid_pixels = grid_nx * grid_nx, pixels = nx * nx;
  const double transforms = planes * 2 + cycles * 2 * planes;
  const double reduced = 2 * pixels + cycles * pixels;
  nlohmann::json doc;
  doc["ranks"] = ranks;
  doc["threads"] = threads;
  doc["wall"] = 1.0;
  doc["phases"] = {"read", "grid", "fft", "reduce", "minor", "degrid", "write"};
  doc["image"] = {{"nx", nx}, {"ny", nx}};
  doc["grid"] = {{"nx", grid_nx}, {"ny", grid_nx}, {"support", 6}, {"w_planes", planes}};
  for (int r = 0; r < ranks; ++r) {
    const double mine = samples / ranks;
    const double gridded = mine * planes * (2 + cycles), degridded = mine * planes * cycles;
    nlohmann::json rank;
    rank["rank"] = r;
    rank["read"] = mine * c.read_s_per_sample;
    rank["grid"] = gridded * c.grid_core_s_per_visit / threads;
    rank["degrid"] = degridded * c.degrid_core_s_per_visit / threads;
    rank["fft"] = transforms * grid_pixels * std::log2(grid_pixels) * c.fft_core_s_per_point / threads;
    rank["reduce"] = reduced * 8 * std::ceil(std::log2(double(ranks))) * c.reduce_s_per_byte_level;
    rank["minor"] = r == 0 ? iterations * pixels * c.minor_core_s_per_pixel_iteration / threads : 0.0;
    rank["write"] = r == 0 ? pixels * c.write_s_per_pixel : 0.0;
    rank["work"] = {{"samples", mine},
                    {"gridded_plane_visits", gridded},
                    {"degridded_plane_visits", degridded},
                    {"fft_transforms", transforms},
                    {"reduced_values", reduced},
                    {"minor_iterations", r == 0 ? iterations : 0.0},
                    {"major_cycles", cycles}};
    doc["per_rank"].push_back(rank);
  }
  std::ofstream(path) << doc.dump(1);
  return path;
}

void expectRelativelyNear(double got, double want, const char* what) {
  EXPECT_NEAR(got, want, 1e-9 * std::abs(want)) << what;
}

}  // namespace

TEST(CostModel, FitRecoversTheUnitCostsAndPredictsEveryMix) {
  ptclean::testing::TempDir dir("cost_model");
  const CostModel truth = knownCosts();
  std::vector<ptclean::bench::MeasuredRun> runs{
      ptclean::bench::loadMeasuredRun(writeRun(dir / "1x1.json", truth, 1, 1)),
      ptclean::bench::loadMeasuredRun(writeRun(dir / "1x2.json", truth, 1, 2)),
      ptclean::bench::loadMeasuredRun(writeRun(dir / "4x1.json", truth, 4, 1))};
  const CostModel fit = ptclean::bench::fitCostModel(runs);
  EXPECT_EQ(fit.single_rank_runs, 1);
  EXPECT_EQ(fit.multi_rank_runs, 1);
  expectRelativelyNear(fit.read_s_per_sample, truth.read_s_per_sample, "read");
  expectRelativelyNear(fit.grid_core_s_per_visit, truth.grid_core_s_per_visit, "grid");
  expectRelativelyNear(fit.degrid_core_s_per_visit, truth.degrid_core_s_per_visit, "degrid");
  expectRelativelyNear(fit.fft_core_s_per_point, truth.fft_core_s_per_point, "fft");
  expectRelativelyNear(fit.reduce_s_per_byte_level, truth.reduce_s_per_byte_level, "reduce");
  expectRelativelyNear(fit.minor_core_s_per_pixel_iteration, truth.minor_core_s_per_pixel_iteration, "minor");
  expectRelativelyNear(fit.write_s_per_pixel, truth.write_s_per_pixel, "write");
  for (const auto& run : runs) {
    const auto predicted = ptclean::bench::predictPhases(fit, run);
    for (const auto& phase : ptclean::bench::modelPhases())
      EXPECT_NEAR(predicted.at(phase), run.maxSeconds(phase), 1e-9 * (1.0 + run.maxSeconds(phase)))
          << run.source << " " << phase;
  }
}

TEST(CostModel, NeedsAOneByOneRunAndWorkCounts) {
  ptclean::testing::TempDir dir("cost_model_errors");
  std::vector<ptclean::bench::MeasuredRun> multi{
      ptclean::bench::loadMeasuredRun(writeRun(dir / "2x1.json", knownCosts(), 2, 1))};
  EXPECT_THROW(ptclean::bench::fitCostModel(multi), std::runtime_error);

  nlohmann::json old = nlohmann::json::parse(std::ifstream(writeRun(dir / "old.json", knownCosts(), 1, 1)));
  old.erase("image");
  std::ofstream(dir / "old.json") << old.dump();
  try {
    ptclean::bench::loadMeasuredRun(dir / "old.json");
    FAIL() << "a run.json without work counts was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("old.json: no \"image\""), std::string::npos) << e.what();
  }
}

TEST(Projection, AppliesTheFormulasAndNamesTheLimitingPhase) {
  ptclean::testing::TempDir dir("projection");
  const std::string file = dir / "w.toml";
  std::ofstream(file) << "name = 'test'\nantennas = 11\nintegrations = 100\nspws = 2\nchannels_per_spw = 10\n"
                         "imsize = 1000\nmajor_cycles = 4\niterations = 5000\nranks = [4, 64]\n"
                         "network_GBps = 10\nfilesystem_GBps = 1e-4\n";
  const auto workload = ptclean::bench::loadWorkload(file);
  EXPECT_EQ(workload.ranks, (std::vector<int>{1, 4, 64}));  // 1 is added as the baseline
  EXPECT_DOUBLE_EQ(workload.samples(), 55.0 * 100 * 2 * 10);
  const CostModel c = knownCosts();
  const auto runs = ptclean::bench::project(c, workload, 2.0);
  ASSERT_EQ(runs.size(), 3u);
  const double pixels = 1e6, grid_pixels = 4e6;
  for (const auto& run : runs) {
    const double per_rank = workload.samples() / run.ranks;
    // The file system is slower than reading: 2.86 MB at 0.1 MB/s.
    EXPECT_DOUBLE_EQ(run.seconds.at("read"), workload.msBytes() / 1e5);
    EXPECT_DOUBLE_EQ(run.seconds.at("grid"), per_rank * 1 * 6 * c.grid_core_s_per_visit);
    EXPECT_DOUBLE_EQ(run.seconds.at("degrid"), per_rank * 4 * c.degrid_core_s_per_visit);
    EXPECT_DOUBLE_EQ(run.seconds.at("fft"), 10 * grid_pixels * std::log2(grid_pixels) * c.fft_core_s_per_point);
    EXPECT_DOUBLE_EQ(run.seconds.at("minor"), 5000 * pixels * c.minor_core_s_per_pixel_iteration);
    // The network (1e-10 s per byte) is as slow as the measured reduce here.
    const double levels = std::ceil(std::log2(double(run.ranks)));
    EXPECT_DOUBLE_EQ(run.seconds.at("reduce"), 6 * pixels * 8 * levels * 1e-10);
    EXPECT_LE(run.efficiency, 1.0 + 1e-12);
  }
  EXPECT_DOUBLE_EQ(runs[0].speedup, 1.0);
  EXPECT_EQ(runs.back().largest, "read");  // 28.6 s of file system, against 8 s of minor cycle
  const std::string md = ptclean::bench::projectionMarkdown(c, workload, runs, {});
  EXPECT_NE(md.find("at 64 ranks the largest phase is **read**"), std::string::npos) << md;

  std::ofstream(dir / "bad.toml") << "antennas = 11\n";
  try {
    ptclean::bench::loadWorkload(dir / "bad.toml");
    FAIL() << "a workload without integrations was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing key 'integrations'"), std::string::npos) << e.what();
  }
}
