// Checkpoint files: what is written is read back; a file cut short, a foreign file and another
// run's keys give messages that name the file and the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checkpoint.h"
#include "test_support.h"

namespace {

using ptclean::imager::Checkpoint;

Checkpoint sample() {
  Checkpoint c;
  c.config = "niter = 100\nimagename = 'x'\n";
  c.data = {1234, 0xfedcba9876543210ULL};
  c.nx = 4, c.ny = 3;
  for (int i = 0; i < 12; ++i) {
    c.model.push_back(0.5 * i);
    c.residual.push_back(-1.0 / (i + 1));
    c.mask.push_back(std::uint8_t(i % 2));
  }
  c.automask = ptclean::deconvolution::AutoMasker::State{c.mask, 3, true};
  c.progress.control = {70, 2, 0.125};
  c.progress.cycle_threshold_was_global = true;
  c.progress.history = {{1.0, 0.01, 0.2, 40, 0.3, "iteration budget"}, {0.3, 0.01, 0.05, 30, 0.04, "cycle threshold"}};
  c.beam = {1e-5, 5e-6, 0.3};
  return c;
}

TEST(CheckpointFile, WhatIsWrittenIsReadBack) {
  ptclean::testing::TempDir dir("checkpoint-unit");
  const std::string path = dir / "a.h5";
  const Checkpoint c = sample();
  ptclean::imager::writeCheckpoint(path, c);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const Checkpoint r = ptclean::imager::readCheckpoint(path);
  EXPECT_EQ(r.config, c.config);
  EXPECT_EQ(r.data, c.data);
  EXPECT_EQ(r.nx, 4u);
  EXPECT_EQ(r.ny, 3u);
  EXPECT_EQ(r.model, c.model);
  EXPECT_EQ(r.residual, c.residual);
  EXPECT_EQ(r.mask, c.mask);
  ASSERT_TRUE(r.automask.has_value());
  EXPECT_EQ(r.automask->mask, c.mask);
  EXPECT_EQ(r.automask->updates, 3);
  EXPECT_TRUE(r.automask->stopped);
  EXPECT_EQ(r.progress.control.iterations_done, 70);
  EXPECT_EQ(r.progress.control.major_cycles_done, 2);
  EXPECT_EQ(r.progress.control.lowest_peak, 0.125);
  EXPECT_TRUE(r.progress.cycle_threshold_was_global);
  ASSERT_EQ(r.progress.history.size(), 2u);
  EXPECT_EQ(r.progress.history[1].ended_by, "cycle threshold");
  EXPECT_EQ(r.progress.history[0].iterations, 40);
  EXPECT_EQ(r.beam.pa_rad, 0.3);
}

TEST(CheckpointFile, ARewriteReplacesTheFileWhole) {
  ptclean::testing::TempDir dir("checkpoint-unit");
  const std::string path = dir / "a.h5";
  Checkpoint c = sample();
  ptclean::imager::writeCheckpoint(path, c);
  c.progress.control.major_cycles_done = 3;
  c.progress.history.push_back({0.04, 0.01, 0.02, 10, 0.02, "cycle threshold"});
  c.automask.reset();
  ptclean::imager::writeCheckpoint(path, c);
  const Checkpoint r = ptclean::imager::readCheckpoint(path);
  EXPECT_EQ(r.progress.history.size(), 3u);
  EXPECT_FALSE(r.automask.has_value());
}

TEST(CheckpointFile, BadFilesAreNamedWithTheirProblem) {
  ptclean::testing::TempDir dir("checkpoint-unit");
  auto message = [](const std::string& path) {
    try {
      ptclean::imager::readCheckpoint(path);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(dir / "none.h5"), "checkpoint " + (dir / "none.h5") + ": no such file");
  std::ofstream(dir / "text.h5") << "not hdf5";
  EXPECT_EQ(message(dir / "text.h5"), "checkpoint " + (dir / "text.h5") + ": not an HDF5 file");
  // A file cut short: the bytes of a good one, truncated.
  const std::string good = dir / "good.h5", cut = dir / "cut.h5";
  ptclean::imager::writeCheckpoint(good, sample());
  std::filesystem::copy_file(good, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(good) / 2);
  EXPECT_NE(message(cut).find("checkpoint " + cut), std::string::npos) << message(cut);
  EXPECT_NE(message(cut), "no error");
}

TEST(CheckpointFile, KeyDifferencesAreNamedAndNumbersCompareByValue) {
  using ptclean::imager::configDifferences;
  EXPECT_EQ(configDifferences("gain = 0.1\nniter = 10\n", "gain = 0.10000000000000001\nniter = 10\n"), "");
  EXPECT_EQ(configDifferences("niter = 10\nthreads = 2\n", "niter = 10\nthreads = 4\ncheckpoint = true\n"), "");
  EXPECT_EQ(configDifferences("niter = 10\nvis = 'a.ms'\n", "niter = 20\nvis = 'b.ms'\n"),
            "niter: 10 in the checkpoint, 20 now; vis: 'a.ms' in the checkpoint, 'b.ms' now");
  EXPECT_EQ(ptclean::imager::dataDifference({10, 1}, {10, 1}), "");
  EXPECT_EQ(ptclean::imager::dataDifference({10, 1}, {12, 1}), "12 rows selected now, 10 in the checkpoint");
}

}  // namespace
