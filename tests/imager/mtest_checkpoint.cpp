// Checkpoint and restart (HDF5): a 2-rank run stopped by SIGTERM, or killed while it writes a
// checkpoint, continues with `--restart` to the images of an uninterrupted run; a restart on
// other keys or other data is refused, naming what differs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ms_oracle.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using ptclean::testing::runCommand;

const std::string kImageArgs = " --set imsize=256 --set cell=4arcsec --set datacolumn=data --set niter=1000"
                               " --set cycleniter=40 --set weighting=briggs --set robust=0";

std::string simulate(const fs::path& ms, const std::string& hourangle_start = "-2h") {
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms.string() +
                        " --set array=vla --set nchan=4 --set nintegrations=30 --set noise=0.1"
                        " --set hourangle_start=" + hourangle_start +
                        " --set 'sources=[{type=\"point\", l=0.0, m=0.0, flux=1.0},"
                        " {type=\"point\", l=60.0, m=-40.0, flux=0.5}]'");
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  return sim.output;
}

std::string mpirun2() { return ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary(); }

/// The largest difference between the two runs' images over the three outputs, over the peak.
double worstDifference(const std::string& a, const std::string& b) {
  double worst = 0;
  auto image = ptclean::testing::readFits(a + ".image.fits");
  double peak = 0;
  for (double v : image.pixels) peak = std::max(peak, std::abs(v));
  for (const char* suffix : {".image.fits", ".residual.fits", ".model.fits"}) {
    auto x = ptclean::testing::readFits(a + suffix), y = ptclean::testing::readFits(b + suffix);
    EXPECT_EQ(x.pixels.size(), y.pixels.size());
    for (std::size_t i = 0; i < x.pixels.size(); ++i) worst = std::max(worst, std::abs(x.pixels[i] - y.pixels[i]));
  }
  return worst / peak;
}

/// Files of `dir` whose names start with `prefix`.
std::vector<std::string> filesStartingWith(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Runs `command` in the background and, once `log` shows major cycle `cycle` done, sends
/// SIGTERM to the ranks (as Slurm signals every task); returns the run's output and exit code.
ptclean::testing::CommandResult runAndTerminateAfterCycle(const std::string& command, const fs::path& log,
                                                         const std::string& imagename, int cycle) {
  const std::string marker = "major cycle " + std::to_string(cycle) + " (predict";
  return runCommand("(" + command + " > " + log.string() + " 2>&1) & pid=$!; for i in $(seq 1200); do grep -q '" +
                    marker + "' " + log.string() + " && break; sleep 0.05; done; pkill -TERM -f '^" +
                    ptclean::testing::ptcleanBinary() + " image.*imagename=" + imagename +
                    "'; wait $pid; echo \"rc=$?\"; cat " + log.string());
}

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    simulate(ms);
    auto ref = runCommand(mpirun2() + " image --set vis=" + ms.string() + kImageArgs + " --set imagename=" + reference);
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
  }
  ptclean::testing::TempDir dir{"checkpoint"};
  fs::path ms = dir / "points.ms";
  std::string reference = dir / "reference";
};

TEST_F(Checkpoint, SigtermAfterTheSecondCycleThenRestartGivesTheUninterruptedImages) {
  const std::string run = dir / "run";
  const std::string checkpoint = run + ".checkpoint.h5";
  auto stopped = runAndTerminateAfterCycle(
      mpirun2() + " image --set vis=" + ms.string() + kImageArgs + " --set checkpoint=true --set imagename=" + run,
      dir / "run.log", run, 2);
  EXPECT_NE(stopped.output.find("rc=143"), std::string::npos) << stopped.output;
  // The line names the lowest rank that had the signal at that safe point: the signals reach the
  // two ranks one after the other, so either may be first (rank 1 was, in one CI run).
  EXPECT_TRUE(std::regex_search(stopped.output, std::regex("ptclean: error: (client \\(rank 0\\)|server-1 \\(rank 1\\)): "
                                                           "interrupted by SIGTERM after major cycle [0-9]+; no outputs were written")))
      << stopped.output;
  EXPECT_NE(stopped.output.find("continue with: mpirun -n 2 ptclean image --restart " + checkpoint), std::string::npos)
      << stopped.output;
  // No image under its final name: only the checkpoint (and the log).
  EXPECT_EQ(filesStartingWith(dir.path(), "run"), (std::vector<std::string>{"run.checkpoint.h5", "run.log"}));

  // h5dump reads it, and it holds what docs/reliability.md says.
  auto dump = runCommand("h5dump -H " + checkpoint);
  ASSERT_EQ(dump.exit_code, 0) << dump.output;
  for (const char* item : {"GROUP \"images\"", "DATASET \"model\"", "DATASET \"residual\"", "GROUP \"cycle\"",
                           "DATASET \"ended_by\"", "ATTRIBUTE \"uvw_weight_checksum\"", "DATASET \"config\"",
                           "ATTRIBUTE \"major_rad\""})
    EXPECT_NE(dump.output.find(item), std::string::npos) << item << "\n" << dump.output;

  auto restarted = runCommand(mpirun2() + " image --restart " + checkpoint);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  EXPECT_NE(restarted.output.find("continuing from " + checkpoint + ": major cycle"), std::string::npos)
      << restarted.output;
  const double difference = worstDifference(reference, run);
  std::printf("restart after SIGTERM: max difference / peak = %.2e\n", difference);
  EXPECT_LE(difference, 1e-5);
  EXPECT_FALSE(fs::exists(checkpoint)) << "a complete run removes its checkpoint";
}

TEST_F(Checkpoint, AKillDuringTheCheckpointWriteLeavesThePreviousOneToRestartFrom) {
  const std::string run = dir / "killed";
  const std::string checkpoint = dir / "saved-killed.h5";
  auto killed = runCommand("PTCLEAN_TEST_KILL_IN_CHECKPOINT=3 " + mpirun2() + " image --set vis=" + ms.string() +
                           kImageArgs + " --checkpoint " + checkpoint + " --set imagename=" + run);
  EXPECT_NE(killed.exit_code, 0) << killed.output;
  EXPECT_TRUE(fs::exists(checkpoint + ".partial")) << "the kill came during the write";
  ASSERT_TRUE(fs::exists(checkpoint)) << killed.output;
  EXPECT_TRUE(filesStartingWith(dir.path(), "killed.").empty());  // no image under its final name

  auto restarted = runCommand(mpirun2() + " image --restart " + checkpoint);
  ASSERT_EQ(restarted.exit_code, 0) << restarted.output;
  EXPECT_NE(restarted.output.find("continuing from " + checkpoint + ": major cycle 2,"), std::string::npos)
      << restarted.output;
  const double difference = worstDifference(reference, run);
  std::printf("restart after a kill during the write: max difference / peak = %.2e\n", difference);
  EXPECT_LE(difference, 1e-5);
}

TEST_F(Checkpoint, ARestartWithOtherKeysOrOtherDataIsRefusedNamingWhatDiffers) {
  const std::string run = dir / "refused";
  const std::string checkpoint = dir / "saved-refused.h5";
  auto killed = runCommand("PTCLEAN_TEST_KILL_IN_CHECKPOINT=2 " + mpirun2() + " image --set vis=" + ms.string() +
                           kImageArgs + " --checkpoint " + checkpoint + " --set imagename=" + run);
  ASSERT_TRUE(fs::exists(checkpoint)) << killed.output;

  auto other_keys = runCommand(mpirun2() + " image --restart " + checkpoint + " --set niter=500 --set robust=0.5");
  EXPECT_EQ(other_keys.exit_code, 2) << other_keys.output;
  EXPECT_NE(other_keys.output.find("the keys differ from the checkpoint's: niter: 1000 in the checkpoint, 500 now; "
                                   "robust: 0 in the checkpoint, 0.5 now"), std::string::npos) << other_keys.output;

  // The same path, other data: observed at other hour angles (same rows, other UVW).
  fs::remove_all(ms);
  simulate(ms, "-1h");
  auto other_data = runCommand(mpirun2() + " image --restart " + checkpoint);
  EXPECT_NE(other_data.exit_code, 0) << other_data.output;
  EXPECT_NE(other_data.output.find("the selected data differ from the checkpoint's: the checksum of UVW and weights "
                                   "differs"), std::string::npos) << other_data.output;
  auto not_hdf5 = runCommand(mpirun2() + " image --restart " + ms.string() + "/table.dat");
  EXPECT_NE(not_hdf5.output.find("checkpoint " + ms.string() + "/table.dat: not an HDF5 file"), std::string::npos)
      << not_hdf5.output;
  EXPECT_TRUE(filesStartingWith(dir.path(), "refused.").empty());
  EXPECT_TRUE(fs::exists(checkpoint)) << "a refused restart keeps the checkpoint";
}

TEST_F(Checkpoint, AnExistingCheckpointIsNotOverwrittenByANewRun) {
  const std::string checkpoint = dir / "old.h5";
  std::ofstream(checkpoint) << "an earlier run's checkpoint";
  auto r = runCommand(mpirun2() + " image --set vis=" + ms.string() + kImageArgs + " --checkpoint " + checkpoint +
                      " --set imagename=" + (dir / "new"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("checkpoint " + checkpoint + " exists: continue that run with --restart " + checkpoint),
            std::string::npos) << r.output;
}

}  // namespace
