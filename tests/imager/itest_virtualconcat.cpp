// `ptclean virtualconcat`: MSs split by time come back row for row (and survive a partition of
// the Multi-MS); MSs of different antennas, spws and fields get the union of their subtables with
// every visibility unchanged; keepcopy moves or copies; visweightscale; a failure gives moved
// inputs back as they were; bad input is named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "list_partition.h"
#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kPython = "/usr/bin/python3 ";
const std::string kSameRows = kPython + PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";
const std::string kConcatCheck = kPython + PTCLEAN_SOURCE_DIR "/tests/support/concat_check.py ";

std::string simulate(const TempDir& dir, const std::string& name, const std::string& extra) {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set nspw=2 --set nchan=4 --set nintegrations=4 --set noise=0.1 " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

CommandResult virtualconcat(const std::string& arguments, const std::string& prefix = "") {
  return runCommand(prefix + ptcleanBinary() + " virtualconcat " + arguments);
}


std::string python(const std::string& code) {
  auto r = runCommand(kPython + "-c \"from casacore import tables as t; import numpy as np; " + code + "\"");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

std::size_t tableRows(const std::string& table) {
  return std::stoul(python("print(t.table('" + table + "', ack=False).nrows())"));
}

/// Every file under `ms` (links as their targets) with its bytes; table.lock files by size only
/// (opening a table may rewrite its lock information). With `main_bytes` false, the storage files
/// of the main table by name only: values written back lay out their buckets anew.
std::map<std::string, std::string> snapshot(const fs::path& ms, bool main_bytes = true) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(ms)) {
    const std::string name = fs::relative(entry.path(), ms).string();
    if (entry.is_symlink()) {
      files[name] = "-> " + fs::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file()) {
      if (!main_bytes && name.rfind("table.f", 0) == 0) {
        files[name] = "main-table storage";
        continue;
      }
      if (entry.path().filename() == "table.lock") {
        files[name] = "size " + std::to_string(entry.file_size());
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      files[name] = bytes.str();
    }
  }
  return files;
}

/// The files that differ between two snapshots ("" when none).
std::string changedFiles(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after) {
  std::string changed;
  for (const auto& [name, bytes] : before) {
    const auto found = after.find(name);
    if (found == after.end() || found->second != bytes) changed += " " + name;
  }
  for (const auto& [name, bytes] : after)
    if (!before.count(name)) changed += " +" + name;
  return changed;
}

void expectNoOutput(const TempDir& dir, const std::string& concatvis) {
  for (const auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_NE(entry.path().filename().string().rfind(concatvis, 0), 0u) << "left behind: " << entry.path();
}

}  // namespace

TEST(VirtualConcat, TimeSplitRoundTripThroughPartition) {
  TempDir dir("vconcat-roundtrip");
  const std::string src = simulate(dir, "src.ms", "--set array=vla --set nscans=6 --set 'fields=[\"J2000 09h01m00.0 34d10m00.0\"]'");
  const std::size_t rows = 27 * 26 / 2 * 4 * 6 * 2;
  for (const auto& [name, scans] : {std::pair{"early.ms", "1~3"}, std::pair{"late.ms", "4~6"}}) {
    auto r = runCommand(ptcleanBinary() + " partition --createmms false --flagbackup false --vis " + src +
                        " --outputvis " + (dir / name) + " --scan " + scans);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // Given latest first: virtualconcat sorts them by time, so early.ms becomes Sub-MS 0000.
  auto r = virtualconcat("--vis " + (dir / "late.ms") + " " + (dir / "early.ms") + " --concatvis " + (dir / "cat.mms") +
                         " --keepcopy true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sorted by their first time"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "early.ms") && fs::exists(dir / "late.ms"));
  auto same = runCommand(kSameRows + src + " " + (dir / "cat.mms"));
  EXPECT_EQ(same.exit_code, 0) << same.output;

  // CASA's layout; CASA's virtualconcat writes no axis, read as an empty one.
  const fs::path first = fs::path(dir / "cat.mms") / "SUBMSS" / "cat.mms.0000.ms";
  const fs::path second = fs::path(dir / "cat.mms") / "SUBMSS" / "cat.mms.0001.ms";
  EXPECT_EQ(fs::read_symlink(fs::path(dir / "cat.mms") / "ANTENNA"), fs::path("SUBMSS/cat.mms.0000.ms/ANTENNA"));
  for (const char* linked : {"ANTENNA", "SPECTRAL_WINDOW", "FIELD", "POLARIZATION", "DATA_DESCRIPTION", "FEED"})
    EXPECT_EQ(fs::read_symlink(second / linked), fs::path("../cat.mms.0000.ms") / linked);
  for (const char* copied : {"SOURCE", "HISTORY"}) EXPECT_FALSE(fs::is_symlink(second / copied)) << copied;
  auto list = runCommand(ptcleanBinary() + " listpartition " + (dir / "cat.mms"));
  EXPECT_NE(list.output.find("This is a Multi-MS with separation axis = \n"), std::string::npos) << list.output;
  auto dict = listPartitionJson(dir / "cat.mms");
  ASSERT_EQ(dict.size(), 2u);
  EXPECT_EQ(totalRows(dict), rows);
  EXPECT_EQ(dict["0"]["scanId"].size(), 3u);
  EXPECT_TRUE(dict["0"]["scanId"].contains("1")) << dict.dump();
  EXPECT_TRUE(dict["1"]["scanId"].contains("4")) << dict.dump();
  EXPECT_EQ(tableRows(first.string() + "/ANTENNA"), 27u);
  EXPECT_EQ(tableRows(first.string() + "/SPECTRAL_WINDOW"), 2u);
  EXPECT_EQ(tableRows(first.string() + "/FIELD"), 2u);

  // The Multi-MS partitions like any MS.
  auto again = runCommand(ptcleanBinary() + " partition --flagbackup false --numsubms 3 --vis " + (dir / "cat.mms") +
                          " --outputvis " + (dir / "re.mms"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  auto same_again = runCommand(kSameRows + src + " " + (dir / "re.mms"));
  EXPECT_EQ(same_again.exit_code, 0) << same_again.output;
  auto re = listPartitionJson(dir / "re.mms");
  EXPECT_EQ(re.size(), 3u);
  EXPECT_EQ(totalRows(re), rows);
}

TEST(VirtualConcat, DifferentSubtablesGetTheirUnion) {
  TempDir dir("vconcat-union");
  // 10 and 12 antennas of the VLA (thinned differently), other frequencies, another field.
  const std::string a = simulate(dir, "a.ms", "--set array=vla --set antennas=10 --set nscans=2");
  const std::string b = simulate(dir, "b.ms",
                                 "--set array=vla --set antennas=12 --set nscans=3 --set freq=1.404GHz"
                                 " --set 'phasecenter=\"J2000 10h00m00.0 20d00m00.0\"' --set start_time=2024-01-02T00:00:00");
  auto r = virtualconcat("--vis " + b + " " + a + " --concatvis " + (dir / "ab.mms") + " --keepcopy true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string mms = dir / "ab.mms";
  auto names = [&](const std::string& ms) {
    std::istringstream in(python("print(' '.join(t.table('" + ms + "/ANTENNA', ack=False).getcol('NAME')))"));
    std::set<std::string> set;
    for (std::string name; in >> name;) set.insert(name);
    return set;
  };
  std::set<std::string> both = names(a);
  for (const auto& name : names(b)) both.insert(name);
  EXPECT_EQ(names(mms), both);
  EXPECT_EQ(tableRows(mms + "/ANTENNA"), both.size());
  EXPECT_EQ(tableRows(mms + "/FEED"), both.size());
  // Spws: 1.400 and 1.404 GHz from a, 1.404 and 1.408 GHz from b; 1.404 GHz is shared.
  EXPECT_EQ(python("print(sorted(round(f) for f in t.table('" + mms + "/SPECTRAL_WINDOW', ack=False).getcol('REF_FREQUENCY')))"),
            "[1400000000, 1404000000, 1408000000]\n");
  EXPECT_EQ(tableRows(mms + "/DATA_DESCRIPTION"), 3u);
  EXPECT_EQ(tableRows(mms + "/FIELD"), 2u);  // same name, different direction
  EXPECT_EQ(tableRows(mms + "/OBSERVATION"), 2u);
  // Every visibility of each input is in the Multi-MS unchanged, found by names and frequencies.
  for (const auto& ms : {a, b}) {
    auto check = runCommand(kConcatCheck + mms + " " + ms);
    EXPECT_EQ(check.exit_code, 0) << ms << ": " << check.output;
  }
  auto dict = listPartitionJson(mms);
  EXPECT_EQ(totalRows(dict), std::size_t(45 * 4 * 2 * 2 + 66 * 4 * 3 * 2));
  // b's observation is new, so its scans follow a's (as CASA's concat numbers them).
  EXPECT_TRUE(dict["1"]["scanId"].contains("3") && dict["1"]["scanId"].contains("5")) << dict.dump();
}

TEST(VirtualConcat, KeepcopyCopiesAndOtherwiseMoves) {
  TempDir dir("vconcat-keepcopy");
  const std::string a = simulate(dir, "a.ms", "--set array=vla --set antennas=8 --set nscans=2");
  const std::string b = simulate(dir, "b.ms", "--set array=vla --set antennas=8 --set nscans=2 --set start_time=2024-01-02T00:00:00");
  const auto before_a = snapshot(a), before_b = snapshot(b);
  auto copied = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "copy.mms") + " --keepcopy true");
  ASSERT_EQ(copied.exit_code, 0) << copied.output;
  EXPECT_EQ(changedFiles(before_a, snapshot(a)), "") << "keepcopy=true changed " << a;
  EXPECT_EQ(changedFiles(before_b, snapshot(b)), "") << "keepcopy=true changed " << b;

  // keepcopy=false (the default), under mpirun: rank 0 moves the inputs in.
  auto moved = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "moved.mms"), mpirunPrefix(2) + " ");
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_FALSE(fs::exists(a));
  EXPECT_FALSE(fs::exists(b));
  auto same = runCommand(kSameRows + (dir / "copy.mms") + " " + (dir / "moved.mms"));
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_FALSE(fs::exists(dir / "moved.mms.partition-staging"));
  EXPECT_FALSE(fs::exists(dir / "moved.mms.virtualconcat-undo"));
}

TEST(VirtualConcat, FailureGivesMovedInputsBack) {
  TempDir dir("vconcat-rollback");
  const std::string a = simulate(dir, "a.ms", "--set array=vla --set antennas=8 --set nscans=2");
  const std::string b = simulate(dir, "b.ms", "--set array=vla --set antennas=10 --set nscans=2 --set start_time=2024-01-02T00:00:00");
  // b.ms names an antenna its ANTENNA table lacks: found only after both are moved in, a.ms's
  // weights scaled and its subtables merged with b.ms's.
  python("m = t.table('" + b + "', readonly=False, ack=False); m.putcell('ANTENNA2', 5, 99); m.close()");
  fs::copy(a, dir / "a-before.ms", fs::copy_options::recursive);
  fs::copy(b, dir / "b-before.ms", fs::copy_options::recursive);
  const auto before_a = snapshot(a, false), before_b = snapshot(b, false);
  auto r = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "x.mms") + " --visweightscale 2 3");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("vis '" + b + "': ANTENNA2 99 has no row in its ANTENNA table"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("moved " + a + " back"), std::string::npos) << r.output;
  // Subtables byte for byte; the main table value for value (WEIGHT, SIGMA, IDs written back).
  EXPECT_EQ(changedFiles(before_a, snapshot(a, false)), "") << a << " is not as it was";
  EXPECT_EQ(changedFiles(before_b, snapshot(b, false)), "") << b << " is not as it was";
  for (const std::string& ms : {a, b}) {
    auto same = runCommand(kSameRows + ms + " " + fs::path(ms).replace_extension("").string() + "-before.ms");
    EXPECT_EQ(same.exit_code, 0) << ms << ": " << same.output;
  }
  expectNoOutput(dir, "x.mms");
}

TEST(VirtualConcat, VisweightscaleScalesEachInput) {
  TempDir dir("vconcat-weights");
  const std::string a = simulate(dir, "a.ms", "--set array=vla --set antennas=8 --set nscans=2");
  const std::string b = simulate(dir, "b.ms", "--set array=vla --set antennas=8 --set nscans=2 --set start_time=2024-01-02T00:00:00");
  // Factors follow their inputs through the sorting: a.ms (given second) is the first member.
  auto r = virtualconcat("--vis " + b + " " + a + " --concatvis " + (dir / "w.mms") + " --keepcopy true --visweightscale 1 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto first = runCommand(kConcatCheck + (dir / "w.mms") + " " + a + " 2");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  auto second = runCommand(kConcatCheck + (dir / "w.mms") + " " + b + " 1");
  EXPECT_EQ(second.exit_code, 0) << second.output;
  const std::string sub = dir / "w.mms/SUBMSS/w.mms.0000.ms";
  EXPECT_EQ(python("print(np.allclose(t.table('" + sub + "', ack=False).getcol('WEIGHT'), 2 * t.table('" + a +
                   "', ack=False).getcol('WEIGHT')))"),
            "True\n");
}

TEST(VirtualConcat, BadInputIsNamed) {
  TempDir dir("vconcat-bad");
  const std::string a = simulate(dir, "a.ms", "--set array=vla --set antennas=6 --set nscans=1");
  const std::string b = simulate(dir, "b.ms", "--set array=vla --set antennas=6 --set nscans=1 --set start_time=2024-01-02T00:00:00");
  const auto before_a = snapshot(a);

  auto missing = virtualconcat("--vis " + a + " " + (dir / "nothing.ms") + " --concatvis " + (dir / "x.mms"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find(dir / "nothing.ms"), std::string::npos) << missing.output;
  EXPECT_EQ(changedFiles(before_a, snapshot(a)), "");
  expectNoOutput(dir, "x.mms");

  fs::create_directories(dir / "empty.ms");
  auto not_ms = virtualconcat("--vis " + a + " " + (dir / "empty.ms") + " --concatvis " + (dir / "x.mms"));
  EXPECT_NE(not_ms.exit_code, 0);
  EXPECT_NE(not_ms.output.find("'" + (dir / "empty.ms") + "' is not a MeasurementSet"), std::string::npos) << not_ms.output;

  // An existing concatvis is refused and left alone; so are the inputs.
  fs::create_directories(dir / "there.mms");
  std::ofstream(dir / "there.mms/keep") << "mine";
  auto exists = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "there.mms"));
  EXPECT_NE(exists.exit_code, 0);
  EXPECT_NE(exists.output.find("'" + (dir / "there.mms") + "' already exists"), std::string::npos) << exists.output;
  EXPECT_TRUE(fs::exists(dir / "there.mms/keep"));
  EXPECT_TRUE(fs::exists(a) && fs::exists(b));

  // Keys are checked by name before anything is read (exit code 2).
  auto scales = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "y.mms") + " --visweightscale 2");
  EXPECT_EQ(scales.exit_code, 2) << scales.output;
  EXPECT_NE(scales.output.find("key 'visweightscale'"), std::string::npos) << scales.output;
  auto tolerance = virtualconcat("--vis " + a + " " + b + " --concatvis " + (dir / "y.mms") + " --dirtol 5");
  EXPECT_EQ(tolerance.exit_code, 2) << tolerance.output;
  EXPECT_NE(tolerance.output.find("key 'dirtol'"), std::string::npos) << tolerance.output;
  auto same = virtualconcat("--vis " + a + " " + b + " --concatvis " + a);
  EXPECT_EQ(same.exit_code, 2) << same.output;
  EXPECT_NE(same.output.find("key 'concatvis'"), std::string::npos) << same.output;
  expectNoOutput(dir, "y.mms");

  // One input is allowed, as in CASA: a Multi-MS of one Sub-MS.
  auto one = virtualconcat("--vis " + a + " --concatvis " + (dir / "one.mms") + " --keepcopy true");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto same_rows = runCommand(kSameRows + a + " " + (dir / "one.mms"));
  EXPECT_EQ(same_rows.exit_code, 0) << same_rows.output;
}

TEST(VirtualConcat, SharedDataOfTwoTelescopes) {
  if (!haveSharedData("vla_day2_tdem0003.ms.tgz") || !haveSharedData("vlba_mojave_m87.ms.tgz")) GTEST_SKIP() << "no shared data";
  TempDir dir("vconcat-shared");
  fs::create_directories(dir.path() / "vla");
  fs::create_directories(dir.path() / "vlba");
  const std::string vla = unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path() / "vla").string();
  const std::string vlba = unpackSharedMs("vlba_mojave_m87.ms.tgz", dir.path() / "vlba").string();
  // A real SOURCE (with a SOURCE_MODEL record column) and HISTORY; 64 and 1 channels.
  auto r = virtualconcat("--vis " + vla + " " + vlba + " --concatvis " + (dir / "both.mms") + " --keepcopy true");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const auto& ms : {vla, vlba}) {
    auto check = runCommand(kConcatCheck + (dir / "both.mms") + " " + ms);
    EXPECT_EQ(check.exit_code, 0) << ms << ": " << check.output;
  }
  EXPECT_EQ(tableRows(dir / "both.mms/ANTENNA"), tableRows(vla + "/ANTENNA") + tableRows(vlba + "/ANTENNA"));
  EXPECT_EQ(tableRows(dir / "both.mms/HISTORY"), tableRows(vla + "/HISTORY") + tableRows(vlba + "/HISTORY") + 1);

  // VLBA scans 1-4 and 5-10 as two MSs, moved back together.
  for (const auto& [name, scans] : {std::pair{"m1.ms", "1~4"}, std::pair{"m2.ms", "5~10"}}) {
    auto p = runCommand(ptcleanBinary() + " partition --createmms false --flagbackup false --vis " + vlba +
                        " --outputvis " + (dir / name) + " --scan " + scans);
    ASSERT_EQ(p.exit_code, 0) << p.output;
  }
  auto m = virtualconcat("--vis " + (dir / "m2.ms") + " " + (dir / "m1.ms") + " --concatvis " + (dir / "m.mms"));
  ASSERT_EQ(m.exit_code, 0) << m.output;
  auto same = runCommand(kSameRows + vlba + " " + (dir / "m.mms"));
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(tableRows(dir / "m.mms/SPECTRAL_WINDOW"), tableRows(vlba + "/SPECTRAL_WINDOW"));
  EXPECT_EQ(tableRows(dir / "m.mms/SOURCE"), tableRows(vlba + "/SOURCE"));
}
