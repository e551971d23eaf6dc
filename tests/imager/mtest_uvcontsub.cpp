// uvcontsub: a line on a sloped continuum is subtracted to the noise (against python-casacore);
// on a Multi-MS it runs per Sub-MS and equals the monolithic run, except with combine='spw' on
// an 'auto' partition, where it warns as CASA does and processes the Multi-MS in serial into a
// plain MS; bad fitspw values are named.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "list_partition.h"
#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSameRows = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";
const std::string kTaskChecks = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/task_checks.py ";
const std::string kFit = " --datacolumn data --fitspw '0:0~9;23~31,1:0~9;23~31,2,3' --fitorder 1 ";

std::string ptcleanOn(int ranks) { return (ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary(); }

/// 4 spws x 32 channels of 1 MHz from 1.4 GHz: a continuum with spectral index -0.7 at the phase
/// centre and a line in spw 1 (channel 16, 3 MHz wide), without noise.
std::string simulateLine(const TempDir& dir, const std::string& name, double noise = 0.0) {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=4 --set nchan=32 --set nintegrations=3 --set nscans=2"
                      " --set noise=" + std::to_string(noise) +
                      " --set 'sources=[{type=\"point\", l=0, m=0, flux=1.0, spix=-0.7, reffreq=\"1.4GHz\"},"
                      " {type=\"point\", l=0, m=0, flux=0.5, line_freq=\"1.448GHz\", line_fwhm=\"3MHz\"}]'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

}  // namespace

TEST(Uvcontsub, ALineOnASlopedContinuumIsSubtractedToTheNoise) {
  TempDir dir("uvcontsub-line");
  const std::string ms = simulateLine(dir, "line.ms");
  UnchangedGuard unchanged(ms);
  const std::string out = dir / "line.contsub";
  auto r = runCommand(ptcleanBinary() + " uvcontsub --vis " + ms + " --outputvis " + out + kFit +
                      " --spw 1 --want_cont true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "line.cont")) << r.output;
  auto check = runCommand(kTaskChecks + "contsub " + ms + " " + out + " " + dir / "line.cont" + " 1 0-9,23-31");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // One polynomial (of order 2: 128 MHz of a power law) across the spws: the continuum of spw 0
  // is as well removed.
  r = runCommand(ptcleanBinary() + " uvcontsub --vis " + ms + " --outputvis " + dir / "all.contsub" +
                 " --datacolumn data --fitspw '0:0~9;23~31,1:0~9;23~31,2,3' --fitorder 2 --combine spw --want_cont true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  check = runCommand(kTaskChecks + "contsub " + ms + " " + dir / "all.contsub" + " " + dir / "all.cont" + " 0 0-31 noline");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(Uvcontsub, MultiMsInParallelOrInSerialEqualsTheMonolithicRun) {
  TempDir dir("uvcontsub-mms");
  const std::string ms = simulateLine(dir, "line.ms", 0.05);
  struct Partition {
    std::string name, axis;
    int count;
  };
  const std::vector<Partition> partitions = {{"auto", "auto", 3}, {"scan", "scan", 2}, {"spw", "spw", 2}};
  std::map<std::string, bool> splits_scans;  // whether some scan's spws are in several Sub-MSs
  for (const auto& p : partitions) {
    auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + dir / (p.name + ".mms") +
                        " --separationaxis " + p.axis + " --numsubms " + std::to_string(p.count) + " --flagbackup false");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::map<std::string, int> parts_of_scan;
    const nlohmann::json dict = listPartitionJson(dir / (p.name + ".mms"));
    for (const auto& [index, part] : dict.items())
      for (const auto& [scan, info] : part["scanId"].items()) ++parts_of_scan[scan];
    splits_scans[p.name] = std::any_of(parts_of_scan.begin(), parts_of_scan.end(), [](const auto& e) { return e.second > 1; });
  }
  EXPECT_FALSE(splits_scans["scan"]);
  EXPECT_TRUE(splits_scans["spw"]);
  for (const std::string combine : {"", "spw"}) {
    const std::string mono = dir / ("mono" + combine + ".contsub");
    auto r = runCommand(ptcleanBinary() + " uvcontsub --vis " + ms + " --outputvis " + mono + kFit + " --combine '" + combine + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const auto& p : partitions)
    for (int ranks : {1, 3}) {
      const std::string out = dir / (p.name + combine + std::to_string(ranks) + ".contsub");
      r = runCommand(ptcleanOn(ranks) + " uvcontsub --vis " + dir / (p.name + ".mms") + " --outputvis " + out + kFit +
                     " --combine '" + combine + "'");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      const bool serial = combine == "spw" && splits_scans[p.name];
      const auto warned = r.output.find(
          "Cannot run with combine='spw' in parallel because the Sub-MSs do not contain all the selected spws");
      EXPECT_EQ(warned != std::string::npos, serial) << p.name << " x " << ranks << " combine=" << combine << ": " << r.output;
      if (serial)
        EXPECT_NE(r.output.find("The Multi-MS will be processed in serial and will create an output MS"), std::string::npos);
      EXPECT_EQ(fs::exists(fs::path(out) / "SUBMSS"), !serial) << p.name << " combine=" << combine;
      auto same = runCommand(kSameRows + mono + " " + out);
      EXPECT_EQ(same.exit_code, 0) << p.name << " combine=" << combine << ": " << same.output;
    }
  }
}

TEST(Uvcontsub, FitspwSelectingNothingIsNamed) {
  TempDir dir("uvcontsub-bad");
  const std::string ms = simulateLine(dir, "line.ms");
  UnchangedGuard unchanged(ms);
  struct Case {
    std::string options, expected;
  };
  for (const Case& c : {Case{"--fitspw 7", "fitspw"}, Case{"--spw 2 --fitspw '1:0~9'", "no channel to fit in spw 2"},
                        Case{"--spw 1 --fitspw '1:0~31' --excludechans true", "no channel to fit in spw 1"},
                        Case{"--fitorder -1", "fitorder"}, Case{"--combine scan", "combine"}}) {
    auto r = runCommand(ptcleanOn(2) + " uvcontsub --vis " + ms + " --outputvis " + dir / "x.contsub" + " --datacolumn data " + c.options);
    EXPECT_NE(r.exit_code, 0) << c.options;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.options << ": " << r.output;
    EXPECT_FALSE(fs::exists(dir / "x.contsub")) << c.options;
  }
}
