// Ctrl-C (SIGINT) stops a run at its next safe point with one line and exit code 130, and leaves
// no output, half-written or not.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

TEST(Interrupt, SigintLeavesNoOutputs) {
  ptclean::testing::TempDir dir("sigint");
  const std::string ms = dir / "long.ms";
  auto sim = ptclean::testing::runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                                          " --set array=vla --set nchan=4 --set nintegrations=30 --set noise=0.1");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  // Thousands of tiny minor cycles: still running when the signal comes.
  const std::string run = ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" +
                          (dir / "out") + " --set imsize=256 --set cell=8arcsec --set datacolumn=data" +
                          " --set niter=1000000 --set cycleniter=2";
  auto r = ptclean::testing::runCommand("(" + run + " 2>&1) & pid=$!; sleep 2; kill -INT $pid; wait $pid; echo \"rc=$?\"");
  EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ptclean: error: interrupted by SIGINT"), std::string::npos) << r.output;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().rfind("out", 0), std::string::npos) << "left behind: " << entry.path();
}

TEST(Interrupt, SigintDuringPartitionLeavesNoMultiMs) {
  ptclean::testing::TempDir dir("sigint-partition");
  const std::string ms = dir / "src.ms";
  auto sim = ptclean::testing::runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                                          " --set array=vla --set nchan=2 --set nintegrations=10");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  // One Sub-MS per baseline (351 of them): still writing them when the signal comes.
  const std::string run = ptclean::testing::ptcleanBinary() + " partition --vis " + ms + " --outputvis " +
                          (dir / "out.mms") + " --separationaxis baseline --numsubms 1000";
  // The signal goes once the Sub-MSs are being written (their staging folder exists): sooner, on a
  // loaded machine, it could reach the process before its handler is installed, and a background
  // job of a non-interactive shell ignores SIGINT until then.
  const std::string staging = dir / "out.mms.partition-staging";
  auto r = ptclean::testing::runCommand("(" + run + " 2>&1) & pid=$!; for i in $(seq 600); do [ -d " + staging +
                                        " ] && break; sleep 0.1; done; sleep 0.5; kill -INT $pid; wait $pid; echo \"rc=$?\"");
  EXPECT_NE(r.output.find("rc=130"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("interrupted by SIGINT while writing Sub-MSs"), std::string::npos) << r.output;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().rfind("out", 0), std::string::npos) << "left behind: " << entry.path();
}
