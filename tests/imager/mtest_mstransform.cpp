// mstransform and cvel2: regridding a real MS to LSRK gives casacore's measures' frequencies to
// 1 Hz; a smooth spectrum is interpolated to 1e-4; on a Multi-MS under 3 ranks the output equals
// the monolithic run; channel averaging equals split's; combinespws puts the spws side by side;
// bad keys are named.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSameRows = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";
// Regridding converts frames with casacore's measures, whose cached nutation and precession
// terms depend on the times converted before: a Sub-MS's Doppler factors can differ from the
// monolithic run's in the 13th digit, so its data may differ by float rounding.
const std::string kRounding = " --relative 1e-6";
const std::string kTaskChecks = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/task_checks.py ";

std::string ptcleanOn(int ranks) { return (ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary(); }

/// 2 spws x 32 channels of 1 MHz from 1.4 GHz: a power law (index -0.7) at the phase centre.
std::string simulateSmooth(const TempDir& dir, double noise = 0.0) {
  const std::string ms = dir / "smooth.ms";
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=2 --set nchan=32 --set nintegrations=4 --set nscans=3"
                      " --set noise=" + std::to_string(noise) +
                      " --set 'sources=[{type=\"point\", l=0, m=0, flux=1.0, spix=-0.7, reffreq=\"1.4GHz\"}]'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

}  // namespace

TEST(Mstransform, Cvel2ToLsrkGivesCasacoreMeasuresFrequencies) {
  if (!haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
  TempDir dir("cvel2-lsrk");
  const std::string ms = unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path()).string();
  UnchangedGuard unchanged(ms);
  const std::string out = dir / "lsrk.ms";
  auto r = runCommand(ptcleanBinary() + " cvel2 --vis " + ms + " --outputvis " + out + " --datacolumn data --outframe LSRK");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto check = runCommand(kTaskChecks + "lsrk " + ms + " " + out + " 2>/dev/null");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // Its Multi-MS under 2 ranks: the same grid and data.
  r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + dir / "real.mms" +
                 " --separationaxis baseline --numsubms 3 --flagbackup false");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanOn(2) + " cvel2 --vis " + dir / "real.mms" + " --outputvis " + dir / "lsrk.mms" +
                 " --datacolumn data --outframe LSRK");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto same = runCommand(kSameRows + out + " " + dir / "lsrk.mms" + kRounding);
  EXPECT_EQ(same.exit_code, 0) << same.output;
}

TEST(Mstransform, ASmoothSpectrumIsInterpolatedTo1e4) {
  TempDir dir("cvel2-smooth");
  const std::string ms = simulateSmooth(dir);
  for (const std::string interpolation : {"linear", "cubic"}) {
    const std::string out = dir / (interpolation + ".ms");
    auto r = runCommand(ptcleanBinary() + " cvel2 --vis " + ms + " --outputvis " + out +
                        " --datacolumn data --spw 0 --mode frequency --start 1.4005GHz --width 1MHz --interpolation " +
                        interpolation);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto check = runCommand(kTaskChecks + "smooth " + out + " 1.0 -0.7 1.4e9");
    EXPECT_EQ(check.exit_code, 0) << interpolation << ": " << check.output;
  }
  // Nearest-channel "interpolation" is off by half a channel's slope: the check can fail.
  auto r = runCommand(ptcleanBinary() + " cvel2 --vis " + ms + " --outputvis " + dir / "nearest.ms" +
                      " --datacolumn data --spw 0 --mode frequency --start 1.4005GHz --width 1MHz --interpolation nearest");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(runCommand(kTaskChecks + "smooth " + dir / "nearest.ms" + " 1.0 -0.7 1.4e9").exit_code, 0);
}

TEST(Mstransform, MultiMsEqualsTheMonolithicRunAndAveragingEqualsSplit) {
  TempDir dir("mstransform-mms");
  const std::string ms = simulateSmooth(dir, 0.1);
  const std::vector<std::string> runs = {
      "cvel2 --datacolumn data --outframe LSRK --mode frequency --width 2MHz --interpolation cubic",
      "mstransform --datacolumn data --regridms true --outframe BARY --mode velocity --restfreq 1.42GHz --width 300km/s "
      "--chanaverage true --chanbin 2 --spw 1 --timeaverage true --timebin 20s",
  };
  std::vector<std::string> mono;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    mono.push_back(dir / ("mono" + std::to_string(i) + ".ms"));
    auto r = runCommand(ptcleanBinary() + " " + runs[i] + " --vis " + ms + " --outputvis " + mono[i]);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  for (const std::string axis : {"auto", "scan", "spw"}) {
    const std::string mms = dir / (axis + ".mms");
    auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + mms + " --separationaxis " + axis +
                        " --numsubms 3 --flagbackup false");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (int ranks : {1, 3})
      for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::string multi = dir / (axis + std::to_string(ranks) + "_" + std::to_string(i) + ".mms");
        r = runCommand(ptcleanOn(ranks) + " " + runs[i] + " --vis " + mms + " --outputvis " + multi);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        auto same = runCommand(kSameRows + mono[i] + " " + multi + kRounding);
        EXPECT_EQ(same.exit_code, 0) << axis << " x " << ranks << ": " << runs[i] << ": " << same.output;
        EXPECT_TRUE(fs::is_directory(fs::path(multi) / "SUBMSS"));
      }
  }
  auto r = runCommand(ptcleanBinary() + " mstransform --vis " + ms + " --outputvis " + dir / "avg.ms" +
                      " --datacolumn data --chanaverage true --chanbin 4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanBinary() + " split --vis " + ms + " --outputvis " + dir / "split.ms" + " --datacolumn data --width 4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(runCommand(kSameRows + dir / "avg.ms" + " " + dir / "split.ms").exit_code, 0);
}

TEST(Mstransform, CombinespwsPutsTheSpwsSideBySide) {
  TempDir dir("mstransform-combine");
  const std::string ms = dir / "four.ms";
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=4 --set nchan=4 --set nintegrations=3 --set nscans=2 --set noise=0.1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(runCommand(ptcleanBinary() + " flagdata --vis " + ms + " --mode clip --clipminmax '[0, 1.1]' --flagbackup false").exit_code, 0);
  const std::string mono = dir / "one.ms";
  r = runCommand(ptcleanBinary() + " mstransform --vis " + ms + " --outputvis " + mono + " --datacolumn data --combinespws true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto check = runCommand(kTaskChecks + "combine " + ms + " " + mono);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  for (const std::string axis : {"scan", "auto"}) {
    const std::string mms = dir / (axis + ".mms");
    r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + mms + " --separationaxis " + axis +
                   " --numsubms 2 --flagbackup false");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string out = dir / (axis + "_one.mms");
    r = runCommand(ptcleanOn(3) + " mstransform --vis " + mms + " --outputvis " + out + " --datacolumn data --combinespws true");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // By scan every Sub-MS holds all the spws of its scans: in parallel. auto splits them: serial.
    const bool serial = axis == "auto";
    EXPECT_EQ(r.output.find("it is processed in serial") != std::string::npos, serial) << r.output;
    EXPECT_EQ(fs::exists(fs::path(out) / "SUBMSS"), !serial);
    auto same = runCommand(kSameRows + mono + " " + out);
    EXPECT_EQ(same.exit_code, 0) << axis << ": " << same.output;
  }
}

TEST(Mstransform, BadKeysAreNamed) {
  TempDir dir("mstransform-bad");
  const std::string ms = simulateSmooth(dir);
  UnchangedGuard unchanged(ms);
  struct Case {
    std::string options, expected;
  };
  for (const Case& c : {Case{"cvel2 --mode velocity", "key 'restfreq' is required"},
                        Case{"cvel2 --outframe NOWHERE", "unknown frame 'NOWHERE'"},
                        Case{"cvel2 --interpolation spline", "key 'interpolation'"},
                        Case{"cvel2 --mode frequency --start 1.2GHz --nchan -1", "start"},
                        Case{"cvel2 --mode frequency --width 3km", "key 'width'"},
                        Case{"mstransform --combinespws true --regridms true", "combinespws"},
                        Case{"mstransform --chanaverage true --chanbin 0", "chanbin"}}) {
    auto r = runCommand(ptcleanOn(2) + " " + c.options + " --vis " + ms + " --outputvis " + dir / "x.ms" + " --datacolumn data");
    EXPECT_NE(r.exit_code, 0) << c.options;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.options << ": " << r.output;
    EXPECT_FALSE(fs::exists(dir / "x.ms")) << c.options;
  }
}
