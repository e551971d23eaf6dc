// setjy and applycal against python-casacore: data corrupted by known gains, a time-variable
// gain, a bandpass and delays (tables written by `ptclean gencal` and by python-casacore in
// CASA's layout) come back to the truth; calwt scales the weights by |g_i g_j|^2; missing
// solutions flag; MODEL_DATA follows the flux formulas; a Multi-MS under 1 and 3 ranks gives the
// MS's result; bad tables and spwmaps are refused with nothing written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSameRows = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";
const std::string kCalChecks = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/cal_checks.py ";

std::string ptcleanOn(int ranks) { return (ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary(); }

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// 8 VLA antennas, 2 spws x 16 channels, 2 scans: two point sources, no noise.
std::string simulate(const TempDir& dir, const std::string& name, const std::string& freq = "1.4GHz") {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms + " --set freq=" + freq +
                      " --set array=vla --set antennas=8 --set nspw=2 --set nchan=16 --set nintegrations=5 --set nscans=2"
                      " --set 'sources=[{type=\"point\", l=0, m=0, flux=1.0}, {type=\"point\", l=30, m=-20, flux=0.5}]'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

std::string partition(const TempDir& dir, const std::string& ms, const std::string& name) {
  auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + dir / name +
                      " --separationaxis scan --numsubms 2 --flagbackup false");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir / name;
}

}  // namespace

TEST(Applycal, CorruptedDataComeBackToTheTruthOnAnMsAndAMultiMs) {
  TempDir dir("applycal");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(kCalChecks + "corrupt " + ms + " " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The constant gains from gencal: amplitudes, then phases combined into the same table.
  for (const char* type : {"amp", "ph"}) {
    r = runCommand(ptcleanBinary() + " gencal --vis " + ms + " --caltable " + dir / "gencal.G" + " --caltype " + type +
                   " --parameter '" + fileText(dir / (std::string(type) + ".txt")) + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string mms1 = partition(dir, ms, "one.mms"), mms3 = partition(dir, ms, "three.mms");
  const std::string tables = " --gaintable '[\"" + dir / "gencal.G" + "\", \"" + dir / "cal.G" + "\", \"" + dir / "cal.B" +
                             "\", \"" + dir / "cal.K" + "\"]' --interp '[\"\", \"linear\", \"nearest,linear\", \"nearest\"]'";
  r = runCommand(ptcleanBinary() + " applycal --vis " + ms + tables);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(ms + ".flagversions/flags.applycal_1")) << r.output;
  r = runCommand(kCalChecks + "restored " + ms + " " + dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Again: the weights come from SIGMA each time (as CASA's), not from the last run's WEIGHT.
  r = runCommand(ptcleanBinary() + " applycal --vis " + ms + tables);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(kCalChecks + "restored " + ms + " " + dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << "applied twice: " << r.output;

  for (const auto& [mms, ranks] : {std::pair{mms1, 1}, {mms3, 3}}) {
    r = runCommand(ptcleanOn(ranks) + " applycal --vis " + mms + tables);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    if (ranks == 3) EXPECT_NE(r.output.find("[server-"), std::string::npos) << r.output;
    auto same = runCommand(kSameRows + ms + " " + mms);
    EXPECT_EQ(same.exit_code, 0) << ranks << " ranks: " << same.output;
  }
}

TEST(Applycal, MissingSolutionsFlagTheirRowsAndCalwtFalseKeepsTheWeights) {
  TempDir dir("applycal-flags");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(kCalChecks + "corrupt " + ms + " " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Solutions only for antennas 0 to 5: the rows of antennas 6 and 7 have none.
  r = runCommand(ptcleanBinary() + " gencal --vis " + ms + " --caltable " + dir / "part.G" +
                 " --caltype amp --antenna '0~5' --parameter 1.5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanOn(2) + " applycal --vis " + ms + " --gaintable " + dir / "part.G" + " --calwt false");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(kCalChecks + "flags " + ms + " 6,7 " + dir / "weight_spectrum.npy");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // applymode='flagonly' on an MS without CORRECTED_DATA: the same flags, and no column added.
  const std::string copy = dir / "flagonly.ms";
  ASSERT_EQ(runCommand("cp -r " + ms + " " + copy + " && rm -rf " + copy + ".flagversions").exit_code, 0);
  r = runCommand("/usr/bin/python3 -c \"from casacore import tables; t = tables.table('" + copy +
                 "', readonly=False, ack=False); t.removecols(['CORRECTED_DATA']); t.putcol('FLAG', 0 * t.getcol('FLAG'))\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanBinary() + " applycal --vis " + copy + " --gaintable " + dir / "part.G" + " --applymode flagonly");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(kCalChecks + "flags " + copy + " 6,7");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = runCommand("/usr/bin/python3 -c \"from casacore import tables; "
                 "assert 'CORRECTED_DATA' not in tables.table('" + copy + "', ack=False).colnames()\"");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(Gencal, CombiningScalesEverySolutionOfAnExistingTable) {
  TempDir dir("gencal-combine");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(kCalChecks + "corrupt " + ms + " " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // cal.G holds a solution per antenna and spw at every other time; gencal multiplies each.
  ASSERT_EQ(runCommand("cp -r " + dir / "cal.G" + " " + dir / "before.G").exit_code, 0);
  r = runCommand(ptcleanBinary() + " gencal --vis " + ms + " --caltable " + dir / "cal.G" + " --caltype amp --parameter 1.5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand("/usr/bin/python3 -c \"import numpy as np; from casacore import tables; "
                 "a = tables.table('" + dir / "before.G" + "', ack=False); b = tables.table('" + dir / "cal.G" + "', ack=False); "
                 "assert a.nrows() == b.nrows(), (a.nrows(), b.nrows()); "
                 "assert np.allclose(b.getcol('CPARAM'), 1.5 * a.getcol('CPARAM'), rtol=1e-6); "
                 "assert np.array_equal(a.getcol('TIME'), b.getcol('TIME'))\"");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(Applycal, SpwmapGainfieldTJonesAndFlaggedBandpassChannels) {
  TempDir dir("applycal-variants");
  const std::string ms = dir / "two-fields.ms";
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set antennas=6 --set nspw=2 --set nchan=16 --set nintegrations=3 --set nscans=2"
                      " --set 'fields=[\"J2000 09h10m00.0 34d00m00.0\"]' --set 'field_names=[\"cal\", \"target\"]'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(kCalChecks + "variants " + ms + " " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto fresh = [&](const std::string& name) {
    EXPECT_EQ(runCommand("cp -r " + ms + " " + dir / name).exit_code, 0);
    return dir / name;
  };
  // A single-receptor T table of spw 0 serves both spws through spwmap; gainfield picks the
  // solutions of the nearest field, of one named field, or of one field id.
  const std::vector<std::pair<std::string, std::string>> gainfields = {{"nearest", "2,3"}, {"target", "3,3"}, {"0", "2,2"}};
  for (const auto& [gainfield, gains] : gainfields) {
    const std::string copy = fresh("t-" + gainfield + ".ms");
    r = runCommand(ptcleanOn(2) + " applycal --vis " + copy + " --gaintable " + dir / "fields.T" +
                   " --spwmap '[0, 0]' --gainfield " + gainfield);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = runCommand(kCalChecks + "scaled " + copy + " " + dir.path().string() + " " + gains);
    EXPECT_EQ(r.exit_code, 0) << gainfield << ": " << r.output;
  }
  // A flagged bandpass channel: 'linearflag' flags the data there; 'linear' interpolates across it.
  for (const auto& [freq_interp, flagged] : {std::pair{"linearflag", "yes"}, {"linear", "no"}}) {
    const std::string copy = fresh(std::string("b-") + freq_interp + ".ms");
    r = runCommand(ptcleanBinary() + " applycal --vis " + copy + " --gaintable " + dir / "flagged.B" +
                   " --interp nearest," + freq_interp);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = runCommand(kCalChecks + "flagged-channel " + copy + " " + flagged);
    EXPECT_EQ(r.exit_code, 0) << freq_interp << ": " << r.output;
  }
}

TEST(Applycal, BadTablesAndSpwmapsAreRefusedWithNothingWritten) {
  TempDir dir("applycal-bad");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(ptcleanBinary() + " gencal --vis " + ms + " --caltable " + dir / "ok.G" + " --caltype amp --parameter 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  UnchangedGuard unchanged(ms);
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {" --gaintable " + dir / "missing.G", "caltable '" + dir / "missing.G" + "' does not exist"},
      {" --gaintable " + ms, "is not a calibration table"},
      {" --gaintable " + dir / "ok.G" + " --spwmap '[0]'", "spwmap for caltable"},
      {" --gaintable " + dir / "ok.G" + " --interp cubic", "key 'interp'"},
  };
  for (const auto& c : cases) {
    r = runCommand(ptcleanOn(2) + " applycal --vis " + ms + c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
  }
  // A table of a type applycal cannot apply (here a D-term table) names the type.
  r = runCommand("cp -r " + dir / "ok.G" + " " + dir / "d.D" + " && /usr/bin/python3 -c \"from casacore import tables; "
                 "t = tables.table('" + dir / "d.D" + "', readonly=False, ack=False); t.putkeyword('VisCal', 'D Jones')\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(ptcleanBinary() + " applycal --vis " + ms + " --gaintable " + dir / "d.D");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("is of type 'D Jones'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(ms + ".flagversions"));
}

TEST(Setjy, ManualWithSpectralIndexAndPerleyButler2017FollowTheirFormulas) {
  TempDir dir("setjy");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(ptcleanBinary() + " setjy --vis " + ms +
                      " --standard manual --fluxdensity '[2.0, 0, 0, 0.5]' --spix '[-0.7, 0.3]' --reffreq 1.4GHz");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = runCommand(kCalChecks + "model " + ms + " manual");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Perley-Butler 2017 names its sources: a field 'field0' is none of them.
  r = runCommand(ptcleanBinary() + " setjy --vis " + ms);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("3C286 (1331+305, J1331+3030)"), std::string::npos) << r.output;
  // 3C286 at 1.4, 8 and 33 GHz.
  for (const char* freq : {"1.4GHz", "8GHz", "33GHz"}) {
    const std::string band = simulate(dir, std::string("3c286-") + freq + ".ms", freq);
    ASSERT_EQ(runCommand(kCalChecks + "rename-field " + band + " J1331+3030").exit_code, 0);
    r = runCommand(ptcleanBinary() + " setjy --vis " + band + " --field J1331+3030 --standard 'Perley-Butler 2017'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = runCommand(kCalChecks + "model " + band + " pb2017");
    EXPECT_EQ(r.exit_code, 0) << freq << ": " << r.output;
  }
}

TEST(Setjy, MultiMsUnderOneAndThreeRanksEqualsTheMs) {
  TempDir dir("setjy-mms");
  const std::string ms = simulate(dir, "obs.ms");
  ASSERT_EQ(runCommand(kCalChecks + "rename-field " + ms + " 3C286").exit_code, 0);
  const std::string mms1 = partition(dir, ms, "one.mms"), mms3 = partition(dir, ms, "three.mms");
  auto r = runCommand(ptcleanBinary() + " setjy --vis " + ms + " --spw 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"source\": \"3C286\""), std::string::npos) << r.output;
  for (const auto& [mms, ranks] : {std::pair{mms1, 1}, {mms3, 3}}) {
    r = runCommand(ptcleanOn(ranks) + " setjy --vis " + mms + " --spw 1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto same = runCommand(kSameRows + ms + " " + mms);
    EXPECT_EQ(same.exit_code, 0) << ranks << " ranks: " << same.output;
  }
}

TEST(Calibration, TheDocsScriptCalibratesAndImagesWithinOnePercent) {
  TempDir dir("calibration-e2e");
  auto r = runCommand("bash " PTCLEAN_SOURCE_DIR "/docs/calibration_end_to_end.sh " + dir / "work" + " " + ptcleanBinary());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("calibration end to end: within 1%"), std::string::npos) << r.output;
}
