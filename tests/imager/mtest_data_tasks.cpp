// The MMS-aware data tasks (split, hanningsmooth, flagdata, listobs; uvcontsub, cvel2 and
// mstransform on the real MSs): on a Multi-MS of every separation
// axis, under 1 and 3 ranks, each gives what it gives on the monolithic MS, row for row; their
// numbers against an independent python-casacore computation; bad input; the real MSs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSameRows = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";
const std::string kTaskChecks = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/task_checks.py ";

std::string ptcleanOn(int ranks) { return (ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary(); }

std::string simulate(const TempDir& dir, const std::string& name) {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=4 --set nchan=8 --set nintegrations=4 --set nscans=6"
                      " --set noise=0.2 --set 'sources=[{type=\"point\", l=30, m=20, flux=1.0, spix=-0.7}]'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Some flags to begin with, so that averaging and smoothing meet them.
  r = runCommand(ptcleanBinary() + " flagdata --vis " + ms + " --mode clip --clipminmax '[0, 1.25]' --flagbackup false");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

std::string partitionMs(const std::string& ms, const std::string& out, const std::string& axis) {
  auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + out + " --separationaxis " + axis +
                      " --numsubms 3 --flagbackup false");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return out;
}

std::string readme(const std::string& mms) {
  std::ifstream in(fs::path(mms) / "table.info");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string pythonValue(const std::string& expression) {
  auto r = runCommand("/usr/bin/python3 -c \"from casacore import tables as t; print(" + expression + ")\"");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output.substr(0, r.output.find_last_not_of('\n') + 1);
}

/// The JSON that a command prints on standard output (its log, on standard error, left out).
nlohmann::json jsonOutput(const std::string& command) {
  auto r = runCommand("(" + command + " 2>/dev/null)");
  EXPECT_EQ(r.exit_code, 0) << command << ": " << r.output;
  return nlohmann::json::parse(r.output);
}

struct Axis {
  std::string name, text;
};
const std::vector<Axis> kAxes = {{"auto", "scan,spw"}, {"scan", "scan"}, {"spw", "spw"}};

}  // namespace

TEST(DataTasks, SplitAndHanningsmoothOnAnMmsEqualTheMonolithicRun) {
  TempDir dir("data-tasks-split");
  const std::string ms = simulate(dir, "src.ms");
  struct Task {
    std::string command, options;
  };
  const std::vector<Task> tasks = {
      {"split", "--datacolumn data --spw 1~3 --width 3 --keepflags false"},
      {"split", "--datacolumn corrected --field 0 --scan 2~5 --correlation RR,LL"},
      {"hanningsmooth", "--spw 0,2"},
  };
  std::vector<std::string> mono;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    mono.push_back(dir / ("mono" + std::to_string(t) + ".ms"));
    auto r = runCommand(ptcleanOn(1) + " " + tasks[t].command + " --vis " + ms + " --outputvis " + mono[t] + " " + tasks[t].options);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // split's corrected falls back to DATA (the MS has no CORRECTED_DATA), saying so.
  EXPECT_EQ(pythonValue("t.table('" + mono[0] + "/SPECTRAL_WINDOW', ack=False).getcol('NUM_CHAN').tolist()"), "[3, 3, 3]");
  EXPECT_EQ(pythonValue("sorted(set(t.table('" + mono[0] + "', ack=False).getcol('DATA_DESC_ID')))"), "[0, 1, 2]");
  for (const Axis& axis : kAxes) {
    const std::string mms = partitionMs(ms, dir / (axis.name + ".mms"), axis.name);
    for (int ranks : {1, 3}) {
      for (std::size_t t = 0; t < tasks.size(); ++t) {
        const std::string out = dir / (axis.name + std::to_string(ranks) + "_" + std::to_string(t) + ".mms");
        auto r = runCommand(ptcleanOn(ranks) + " " + tasks[t].command + " --vis " + mms + " --outputvis " + out + " " +
                            tasks[t].options);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        if (ranks == 3) EXPECT_NE(r.output.find("[server-2] " + tasks[t].command + ": Sub-MS"), std::string::npos) << r.output;
        auto same = runCommand(kSameRows + mono[t] + " " + out);
        EXPECT_EQ(same.exit_code, 0) << axis.name << " x " << ranks << " ranks, " << tasks[t].command << " "
                                     << tasks[t].options << ": " << same.output;
        EXPECT_NE(readme(out).find("AxisType = " + axis.text), std::string::npos) << out;
        EXPECT_TRUE(fs::is_directory(fs::path(out) / "SUBMSS")) << out;
      }
    }
  }
  // keepmms=false: a plain MS from a Multi-MS, equal as well.
  const std::string plain = dir / "plain.ms";
  auto r = runCommand(ptcleanOn(3) + " split --vis " + dir / "auto.mms" + " --outputvis " + plain + " --keepmms false " +
                      tasks[0].options);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(fs::path(plain) / "SUBMSS"));
  EXPECT_EQ(runCommand(kSameRows + mono[0] + " " + plain).exit_code, 0);
}

TEST(DataTasks, SplitAndHanningsmoothNumbersAgreeWithPythonCasacore) {
  TempDir dir("data-tasks-numbers");
  const std::string ms = simulate(dir, "src.ms");
  UnchangedGuard unchanged(ms);
  const std::string averaged = dir / "avg.ms", smoothed = dir / "hann.ms";
  auto r = runCommand(ptcleanBinary() + " split --vis " + ms + " --outputvis " + averaged + " --datacolumn data --width 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto check = runCommand(kTaskChecks + "average " + ms + " " + averaged + " 3");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  r = runCommand(ptcleanBinary() + " hanningsmooth --vis " + ms + " --outputvis " + smoothed);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  check = runCommand(kTaskChecks + "hanning " + ms + " " + smoothed);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // A plain MS under MPI: rank 0 alone, and the log says so.
  r = runCommand(ptcleanOn(2) + " hanningsmooth --vis " + ms + " --outputvis " + dir / "hann2.ms");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("processed as one MS by the client (rank 0) alone"), std::string::npos) << r.output;
  EXPECT_EQ(runCommand(kSameRows + smoothed + " " + dir / "hann2.ms").exit_code, 0);
}

TEST(DataTasks, SplitTimeAveragingAgreesWithPythonCasacoreAndOnAnMms) {
  TempDir dir("data-tasks-timebin");
  const std::string ms = dir / "small.ms";
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=2 --set nchan=4 --set nintegrations=4 --set nscans=2 --set noise=0.2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(runCommand(ptcleanBinary() + " flagdata --vis " + ms + " --mode clip --clipminmax '[0, 1.2]' --flagbackup false").exit_code, 0);
  const std::string averaged = dir / "avg.ms";
  r = runCommand(ptcleanBinary() + " split --vis " + ms + " --outputvis " + averaged + " --datacolumn data --timebin 30s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto check = runCommand(kTaskChecks + "timeavg " + ms + " " + averaged);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  // Scans kept apart: a Multi-MS by scan runs in parallel and equals the monolithic run.
  const std::string by_scan = partitionMs(ms, dir / "scan.mms", "scan");
  r = runCommand(ptcleanOn(3) + " split --vis " + by_scan + " --outputvis " + dir / "avg.mms" + " --datacolumn data --timebin 30s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(runCommand(kSameRows + averaged + " " + dir / "avg.mms").exit_code, 0);
  // Scans combined: the bins would cross the Sub-MSs, so it runs in serial into a plain MS.
  r = runCommand(ptcleanBinary() + " split --vis " + ms + " --outputvis " + dir / "comb.ms" +
                 " --datacolumn data --timebin 1000s --combine scan");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanOn(3) + " split --vis " + by_scan + " --outputvis " + dir / "comb.mms" +
                 " --datacolumn data --timebin 1000s --combine scan");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("it is processed in serial and will create an output MS"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "comb.mms/SUBMSS"));
  EXPECT_EQ(runCommand(kSameRows + dir / "comb.ms" + " " + dir / "comb.mms").exit_code, 0);
  EXPECT_EQ(pythonValue("t.table('" + dir / "comb.ms" + "', ack=False).nrows()"), "702") << "one row per baseline and spw";
}

TEST(DataTasks, FlagdataModesOnAnMmsEqualTheMonolithicRun) {
  TempDir dir("data-tasks-flag");
  const std::string source = simulate(dir, "src.ms");
  const std::string antenna = pythonValue("t.table('" + source + "/ANTENNA', ack=False).getcol('NAME')[3]");
  const std::string commands = dir / "online_flags.txt";
  std::ofstream(commands) << "# online flags, as importasdm writes them\n"
                          << "mode='manual' antenna='" << antenna << "' scan='2' reason='FOCUS_ERROR'\n"
                          << "mode='clip' clipminmax=[0.0, 1.3] correlation='ABS_LL' spw='1' reason='CLIP'\n";
  const std::vector<std::string> runs = {
      "--mode manual --antenna '" + antenna + "&&*' --spw 0:2~4",
      "--mode manual --autocorr true",
      "--mode clip --clipminmax '[0.0, 1.35]' --correlation ABS_RR",
      "--mode clip --clipzeros true --datacolumn data",
      "--mode quack --quackinterval 12 --quackmode endb",
      "--mode shadow --tolerance -60",
      "--mode list --inpfile " + commands,
  };
  const std::string mono = dir / "mono.ms";
  fs::copy(source, mono, fs::copy_options::recursive);
  for (const auto& run : runs) {
    auto r = runCommand(ptcleanBinary() + " flagdata --vis " + mono + " --flagbackup false " + run);
    ASSERT_EQ(r.exit_code, 0) << run << ": " << r.output;
  }
  const auto mono_summary = jsonOutput(ptcleanBinary() + " flagdata --vis " + mono + " --mode summary");
  EXPECT_GT(mono_summary["flagged"].get<double>(), 0.0);
  EXPECT_LT(mono_summary["flagged"].get<double>(), mono_summary["total"].get<double>());
  EXPECT_EQ(mono_summary["scan"]["2"]["total"], mono_summary["scan"]["3"]["total"]);
  EXPECT_DOUBLE_EQ(mono_summary["fraction"].get<double>(),
                   mono_summary["flagged"].get<double>() / mono_summary["total"].get<double>());
  EXPECT_DOUBLE_EQ(mono_summary["scan"]["2"]["fraction"].get<double>(),
                   mono_summary["scan"]["2"]["flagged"].get<double>() / mono_summary["scan"]["2"]["total"].get<double>());
  for (const Axis& axis : kAxes) {
    const std::string pristine = partitionMs(source, dir / (axis.name + ".mms"), axis.name);
    for (int ranks : {1, 3}) {
      const std::string mms = dir / (axis.name + std::to_string(ranks) + ".mms");
      ASSERT_EQ(runCommand("cp -r " + pristine + " " + mms).exit_code, 0);
      for (const auto& run : runs) {
        auto r = runCommand(ptcleanOn(ranks) + " flagdata --vis " + mms + " --flagbackup false " + run);
        ASSERT_EQ(r.exit_code, 0) << run << ": " << r.output;
      }
      auto same = runCommand(kSameRows + mono + " " + mms);
      EXPECT_EQ(same.exit_code, 0) << axis.name << " x " << ranks << ": " << same.output;
      EXPECT_EQ(jsonOutput(ptcleanOn(ranks) + " flagdata --vis " + mms + " --mode summary"), mono_summary)
          << axis.name << " x " << ranks;
    }
  }
}

TEST(DataTasks, FlagdataBackupAndRflagThresholdsPerSubMs) {
  TempDir dir("data-tasks-rflag");
  const std::string ms = simulate(dir, "src.ms");
  const std::string mms = partitionMs(ms, dir / "src.mms", "auto");
  const auto report = jsonOutput(ptcleanOn(3) + " flagdata --vis " + mms + " --mode rflag --action calculate");
  ASSERT_EQ(report["parts"].size(), 3u);
  for (const auto& part : report["parts"]) {
    ASSERT_FALSE(part["rflag"].empty());
    for (const auto& threshold : part["rflag"]) {
      EXPECT_GT(threshold["timedev"].get<double>(), 0.0);
      EXPECT_GT(threshold["freqdev"].get<double>(), 0.0);
    }
  }
  {
    UnchangedGuard calculate_leaves_flags(mms + "/SUBMSS");
    ASSERT_EQ(runCommand(ptcleanOn(2) + " flagdata --vis " + mms + " --mode rflag --action calculate").exit_code, 0);
  }
  auto r = runCommand(ptcleanOn(3) + " flagdata --vis " + mms + " --mode rflag");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(mms + ".flagversions/flags.flagdata_1"));
  std::ifstream list(mms + ".flagversions/FLAG_VERSION_LIST");
  std::string text((std::istreambuf_iterator<char>(list)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("flagdata_1 : Flags autosave on"), std::string::npos) << text;
}

TEST(DataTasks, BadInputIsNamedAndLeavesTheDataAsItWas) {
  TempDir dir("data-tasks-bad");
  const std::string ms = simulate(dir, "src.ms");
  const std::string mms = partitionMs(ms, dir / "src.mms", "auto");
  struct Case {
    std::string command, expected;
  };
  const std::vector<Case> cases = {
      {"flagdata --vis " + mms + " --mode wobble", "'wobble' is not a flagdata mode"},
      {"flagdata --vis " + mms + " --mode clip --clipminmax '[5, 1]'", "clipminmax"},
      {"flagdata --vis " + mms + " --mode quack --quackmode middle", "quackmode"},
      {"flagdata --vis " + mms + " --mode list --inpfile " + dir / "none.txt", "none.txt"},
      {"split --vis " + mms + " --outputvis " + dir / "x.ms" + " --width 0", "key 'width'"},
      {"split --vis " + mms + " --outputvis " + dir / "x.ms" + " --width '[2, 3]' --spw 0~2", "3 selected spws"},
      {"split --vis " + mms + " --outputvis " + dir / "x.ms" + " --spw 9", "Spw Expression: No match found for 9"},
      {"split --vis " + mms + " --outputvis " + dir / "x.ms" + " --timebin 10parsecs", "key 'timebin'"},
      {"split --vis " + mms + " --outputvis " + dir / "x.ms" + " --timebin 10s --combine field", "key 'combine'"},
      {"split --vis " + mms + " --outputvis " + ms, "already exists"},
  };
  {
    UnchangedGuard unchanged(mms + "/SUBMSS");
    for (const auto& c : cases) {
      auto r = runCommand(ptcleanOn(2) + " " + c.command);
      EXPECT_NE(r.exit_code, 0) << c.command;
      EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.command << ": " << r.output;
      EXPECT_FALSE(fs::exists(dir / "x.ms")) << c.command;
    }
    // A read-only Sub-MS: nothing is flagged anywhere, and no backup is written.
    const fs::path sub = fs::path(mms) / "SUBMSS" / "src.mms.0002.ms";
    ASSERT_EQ(runCommand("chmod -R a-w " + sub.string()).exit_code, 0);
    auto r = runCommand(ptcleanOn(3) + " flagdata --vis " + mms + " --mode manual --spw 0");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("src.mms.0002.ms' in place: it is read-only"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(mms + ".flagversions"));
    ASSERT_EQ(runCommand("chmod -R u+w " + sub.string()).exit_code, 0);
  }
  // A Sub-MS that cannot be read fails the task, naming it, and leaves no output.
  const fs::path broken = fs::path(mms) / "SUBMSS" / "src.mms.0001.ms";
  fs::remove(broken / "table.f0");
  auto r = runCommand(ptcleanOn(3) + " split --vis " + mms + " --outputvis " + dir / "out.mms" + " --datacolumn data");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("src.mms.0001.ms"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out.mms"));
  EXPECT_FALSE(fs::exists(dir / "out.mms.partition-staging"));
}

TEST(DataTasks, RealMsAndTheirMultiMs) {
  for (const std::string tgz : {"vla_day2_tdem0003.ms.tgz", "vlba_mojave_m87.ms.tgz"}) {
    if (!haveSharedData(tgz)) GTEST_SKIP() << "no shared data";
    TempDir dir("data-tasks-real");
    const std::string ms = unpackSharedMs(tgz, dir.path()).string();
    UnchangedGuard unchanged(ms);
    const std::string mms = dir / "real.mms";
    auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + mms +
                        " --separationaxis baseline --numsubms 3 --flagbackup false");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string width = tgz.rfind("vla", 0) == 0 ? "4" : "1";  // 64 channels, or 1
    const bool vla = tgz.rfind("vla", 0) == 0;
    const std::vector<std::string> tasks = {
        "split --datacolumn data --width " + width + " --correlation RR,LL", "hanningsmooth --datacolumn data",
        vla ? "uvcontsub --datacolumn data --fitspw '0:0~20;44~63' --fitorder 1" : "uvcontsub --datacolumn data --combine spw",
        "cvel2 --datacolumn data --outframe LSRK", "mstransform --datacolumn data --chanaverage true --chanbin " + width};
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      const std::string a = dir / ("a" + std::to_string(t) + ".ms"), b = dir / ("b" + std::to_string(t) + ".mms");
      r = runCommand(ptcleanBinary() + " " + tasks[t] + " --vis " + ms + " --outputvis " + a);
      ASSERT_EQ(r.exit_code, 0) << tgz << " " << tasks[t] << ": " << r.output;
      r = runCommand(ptcleanOn(2) + " " + tasks[t] + " --vis " + mms + " --outputvis " + b);
      ASSERT_EQ(r.exit_code, 0) << tgz << " " << tasks[t] << ": " << r.output;
      // cvel2's Doppler factors may differ by float rounding between Sub-MSs (mtest_mstransform.cpp).
      const std::string rounding = tasks[t].rfind("cvel2", 0) == 0 ? " --relative 1e-6" : "";
      auto same = runCommand(kSameRows + a + " " + b + rounding);
      EXPECT_EQ(same.exit_code, 0) << tgz << " " << tasks[t] << ": " << same.output;
    }
    // listobs: the Multi-MS summarised as its source.
    auto plain_summary = jsonOutput(ptcleanBinary() + " listobs --json " + ms);
    auto multi_summary = jsonOutput(ptcleanBinary() + " listobs --json " + mms);
    plain_summary.erase("ms");
    multi_summary.erase("ms");
    EXPECT_EQ(plain_summary, multi_summary) << tgz;
    // flagdata on copies, so that the input stays as it is.
    const std::string flagged_ms = dir / "f.ms", flagged_mms = dir / "f.mms";
    ASSERT_EQ(runCommand("cp -r " + ms + " " + flagged_ms + " && cp -r " + mms + " " + flagged_mms).exit_code, 0);
    for (const std::string run : {"--mode clip --clipzeros true --clipminmax '[0, 5]'", "--mode quack --quackinterval 20",
                                  "--mode shadow"}) {
      ASSERT_EQ(runCommand(ptcleanBinary() + " flagdata --flagbackup false --vis " + flagged_ms + " " + run).exit_code, 0);
      r = runCommand(ptcleanOn(2) + " flagdata --flagbackup false --vis " + flagged_mms + " " + run);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    auto same = runCommand(kSameRows + flagged_ms + " " + flagged_mms);
    EXPECT_EQ(same.exit_code, 0) << tgz << " flagdata: " << same.output;
    EXPECT_EQ(jsonOutput(ptcleanBinary() + " flagdata --vis " + flagged_ms + " --mode summary"),
              jsonOutput(ptcleanOn(2) + " flagdata --vis " + flagged_mms + " --mode summary"))
        << tgz;
  }
}
