// The Multi-MS: partition (every axis, under MPI), its layout as CASA writes it, listpartition,
// the balance CASA documents, imaging an MMS on 1, 2 and 4 ranks, and bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "ms_oracle.h"
#include "list_partition.h"
#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSameRows = "/usr/bin/python3 " PTCLEAN_SOURCE_DIR "/tests/support/same_rows.py ";

std::string simulate(const TempDir& dir, const std::string& name, const std::string& extra = "") {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=4 --set nchan=4 --set nintegrations=8 --set nscans=6"
                      " --set 'fields=[\"J2000 09h01m00.0 34d10m00.0\"]' --set noise=0.1"
                      " --set 'sources=[{type=\"point\", l=30, m=20, flux=1.0}]' " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

CommandResult runPartition(const std::string& vis, const std::string& out, const std::string& options, int ranks = 2) {
  return runCommand((ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary() +
                    " partition --vis " + vis + " --outputvis " + out + " " + options);
}


/// CASA's layout: root subtables link into Sub-MS 0000; other Sub-MSs link to 0000's except SOURCE
/// and HISTORY; the readme names the axis.
void expectCasaLayout(const std::string& mms, const std::string& axis_text) {
  const std::string base = fs::path(mms).filename().string();
  const fs::path first = fs::path(mms) / "SUBMSS" / (base + ".0000.ms");
  ASSERT_TRUE(fs::is_directory(first)) << first;
  EXPECT_TRUE(fs::is_symlink(fs::path(mms) / "ANTENNA"));
  EXPECT_EQ(fs::read_symlink(fs::path(mms) / "ANTENNA"), fs::path("SUBMSS") / (base + ".0000.ms") / "ANTENNA");
  EXPECT_FALSE(fs::is_symlink(first / "ANTENNA"));
  for (const auto& entry : fs::directory_iterator(fs::path(mms) / "SUBMSS")) {
    if (entry.path() == first) continue;
    for (const char* linked : {"ANTENNA", "SPECTRAL_WINDOW", "FIELD", "POLARIZATION", "DATA_DESCRIPTION"}) {
      EXPECT_TRUE(fs::is_symlink(entry.path() / linked)) << entry.path() << " " << linked;
      EXPECT_EQ(fs::read_symlink(entry.path() / linked), fs::path("..") / (base + ".0000.ms") / linked);
    }
    for (const char* copied : {"SOURCE", "HISTORY"})
      if (fs::exists(first / copied)) EXPECT_FALSE(fs::is_symlink(entry.path() / copied)) << entry.path() << " " << copied;
  }
  std::ifstream info(fs::path(mms) / "table.info");
  std::string text((std::istreambuf_iterator<char>(info)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("SubType = CONCATENATED"), std::string::npos) << text;
  EXPECT_NE(text.find("AxisType = " + axis_text), std::string::npos) << text;
  auto keywords = runCommand("/usr/bin/python3 -c \"import casacore.tables as t; print(sorted(t.table('" + first.string() +
                             "', ack=False).getkeywords()))\"");
  EXPECT_EQ(keywords.output.find("SORTED_TABLE"), std::string::npos) << keywords.output;
}

}  // namespace

TEST(MultiMs, EveryAxisKeepsEveryRowAndCasasLayout) {
  TempDir dir("mms-axes");
  const std::string ms = simulate(dir, "src.ms");
  struct Axis { std::string name, text; };
  for (const Axis& axis : {Axis{"auto", "scan,spw"}, Axis{"scan", "scan"}, Axis{"spw", "spw"}, Axis{"baseline", "baseline"}}) {
    const std::string out = dir / (axis.name + ".mms");
    auto r = runPartition(ms, out, "--separationaxis " + axis.name + " --numsubms 3");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto same = runCommand(kSameRows + ms + " " + out);
    EXPECT_EQ(same.exit_code, 0) << axis.name << ": " << same.output;
    expectCasaLayout(out, axis.text);
    auto dict = listPartitionJson(out);
    EXPECT_EQ(dict.size(), 3u) << axis.name;
    EXPECT_EQ(totalRows(dict), 27u * 26u / 2u * 8u * 6u * 4u) << axis.name;
    auto text = runCommand(ptcleanBinary() + " listpartition " + out);
    EXPECT_NE(text.output.find("This is a Multi-MS with separation axis = " + axis.text), std::string::npos) << text.output;
    EXPECT_TRUE(fs::exists(out + ".flagversions/FLAG_VERSION_LIST"));
    EXPECT_TRUE(fs::is_directory(out + ".flagversions/flags.partition_1"));
  }
}

TEST(MultiMs, SharedDataAlongEveryAxis) {
  for (const char* tgz : {"vla_day2_tdem0003.ms.tgz", "vlba_mojave_m87.ms.tgz"}) {
    if (!haveSharedData(tgz)) GTEST_SKIP() << "no shared data";
    TempDir dir("mms-shared");
    const std::string ms = unpackSharedMs(tgz, dir.path()).string();
    ptclean::testing::UnchangedGuard unchanged(ms);
    for (const char* axis : {"auto", "scan", "spw", "baseline"}) {
      const std::string out = dir / (std::string(axis) + ".mms");
      auto r = runPartition(ms, out, std::string("--separationaxis ") + axis + " --numsubms 4 --flagbackup false");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      auto same = runCommand(kSameRows + ms + " " + out);
      EXPECT_EQ(same.exit_code, 0) << tgz << " " << axis << ": " << same.output;
      EXPECT_FALSE(fs::exists(out + ".flagversions"));
    }
  }
}

TEST(MultiMs, AutoBalancesAsCasaDocuments) {
  TempDir dir("mms-balance");
  const std::string ms = simulate(dir, "src.ms");
  auto r = runPartition(ms, dir / "b.mms", "--numsubms 4", 1);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto dict = listPartitionJson(dir / "b.mms");
  ASSERT_EQ(dict.size(), 4u);
  std::vector<double> visibilities;
  for (const auto& [index, part] : dict.items()) {
    double v = 0;
    std::set<int> spws;
    for (const auto& [scan, info] : part["scanId"].items()) {
      for (std::size_t i = 0; i < info["spwIds"].size(); ++i) {
        spws.insert(info["spwIds"][i].get<int>());
        v += info["nrows"].get<double>() / double(info["spwIds"].size()) * info["nchans"][i].get<double>();
      }
    }
    EXPECT_EQ(spws.size(), 4u) << "Sub-MS " << index << " lacks a spw";
    visibilities.push_back(v);
  }
  double mean = 0;
  for (double v : visibilities) mean += v / double(visibilities.size());
  for (double v : visibilities) EXPECT_LE(std::abs(v - mean), 0.25 * mean);
}

TEST(MultiMs, ImagingAnMmsEqualsImagingItsSource) {
  TempDir dir("mms-image");
  const std::string ms = simulate(dir, "src.ms");
  ASSERT_EQ(runPartition(ms, dir / "img.mms", "--numsubms 4").exit_code, 0);
  const std::string args = " image --set imsize=128 --set cell=8arcsec --set datacolumn=data --set gridder_accuracy=1e-6"
                           " --set niter=200 --set nsigma=3 --set imagename=";
  auto source_run = runCommand(ptcleanBinary() + args + (dir / "src") + " --set vis=" + ms);
  ASSERT_EQ(source_run.exit_code, 0) << source_run.output;
  for (int ranks : {1, 2, 4}) {
    const std::string name = dir / ("mms" + std::to_string(ranks));
    auto r = runCommand("OMP_NUM_THREADS=1 " + (ranks > 1 ? mpirunPrefix(ranks) + " " : std::string()) + ptcleanBinary() +
                        args + name + " --set vis=" + (dir / "img.mms"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Multi-MS: rank 0 takes"), std::string::npos) << r.output;
    for (const char* suffix : {".image.fits", ".residual.fits", ".psf.fits", ".model.fits"}) {
      auto a = readFits(dir / (std::string("src") + suffix));
      auto b = readFits(name + suffix);
      double peak = 0, worst = 0;
      for (double v : readFits(dir / "src.image.fits").pixels) peak = std::max(peak, std::abs(v));
      for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
      std::printf("MMS on %d rank(s) vs source MS, %s: max difference / peak %.2e\n", ranks, suffix, worst / peak);
      EXPECT_LE(worst / peak, 1e-5) << ranks << " ranks " << suffix;
    }
  }
}

TEST(MultiMs, PlainMsWhenCreatemmsIsFalse) {
  TempDir dir("mms-plain");
  const std::string ms = simulate(dir, "src.ms");
  auto r = runPartition(ms, dir / "plain.ms", "--createmms false --scan 2,3", 1);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir / "plain.ms/SUBMSS"));
  auto list = runCommand(ptcleanBinary() + " listpartition " + (dir / "plain.ms"));
  EXPECT_NE(list.output.find("is not a Multi-MS"), std::string::npos) << list.output;
  EXPECT_EQ(totalRows(listPartitionJson(dir / "plain.ms")), 27u * 26u / 2u * 8u * 2u * 4u);
}

TEST(MultiMs, ChannelAndCorrelationSelectionSliceTheData) {
  TempDir dir("mms-slice");
  const std::string ms = simulate(dir, "src.ms");
  auto r = runPartition(ms, dir / "s.mms", "--spw 0:1~2,1 --correlation RR,LL --numsubms 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Every kept row equals the source's cells at channels 1..2 of spw 0 (all of spw 1) and at
  // RR, LL; the subtables say so.
  const std::string check = R"(
import sys, numpy as np
from casacore import tables as t
src = t.table(sys.argv[1], ack=False); out = t.table(sys.argv[2], ack=False)
keep = src.query('DATA_DESC_ID IN [0,1]')
def order(tb): return np.lexsort([tb.getcol(k) for k in ['ANTENNA2', 'ANTENNA1', 'DATA_DESC_ID', 'TIME']])
a, b = order(keep), order(out)
assert keep.nrows() == out.nrows(), (keep.nrows(), out.nrows())
dd = keep.getcol('DATA_DESC_ID')[a]
bad = 0
for column in ['DATA', 'FLAG', 'WEIGHT_SPECTRUM']:
    for d, chans in [(0, slice(1, 3)), (1, slice(0, 4))]:
        rows_a = np.where(dd == d)[0]
        full_a = np.array([keep.getcell(column, int(i)) for i in a[rows_a]])
        full_b = np.array([out.getcell(column, int(i)) for i in b[rows_a]])
        bad += not np.array_equal(full_a[:, chans][:, :, [0, 3]], full_b)
w_a = keep.getcol('WEIGHT')[a][:, [0, 3]]; w_b = out.getcol('WEIGHT')[b]
bad += not np.array_equal(w_a, w_b)
spw = t.table(sys.argv[2] + '/SPECTRAL_WINDOW', ack=False); pol = t.table(sys.argv[2] + '/POLARIZATION', ack=False)
src_spw = t.table(sys.argv[1] + '/SPECTRAL_WINDOW', ack=False)
bad += spw.getcell('NUM_CHAN', 0) != 2 or not np.array_equal(spw.getcell('CHAN_FREQ', 0), src_spw.getcell('CHAN_FREQ', 0)[1:3])
bad += spw.getcell('NUM_CHAN', 1) != 4
bad += pol.getcell('NUM_CORR', 0) != 2 or list(pol.getcell('CORR_TYPE', 0)) != [5, 8]
print('sliced rows', out.nrows(), 'bad', bad)
sys.exit(1 if bad else 0)
)";
  {
    std::ofstream script(dir / "check.py");
    script << check;
  }
  auto same = runCommand("/usr/bin/python3 " + (dir / "check.py") + " " + ms + " " + (dir / "s.mms"));
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_NE(same.output.find("bad 0"), std::string::npos) << same.output;
  // And it images: Stokes I from RR and LL of the kept channels.
  auto img = runCommand(ptcleanBinary() + " image --set vis=" + (dir / "s.mms") + " --set imagename=" + (dir / "i") +
                        " --set imsize=64 --set cell=10arcsec --set datacolumn=data");
  EXPECT_EQ(img.exit_code, 0) << img.output;
}

TEST(MultiMs, AutocorrelationsOnlyPerBaseline) {
  TempDir dir("mms-auto");
  const std::string ms = simulate(dir, "src.ms", "--set autocorrelations=true");
  auto r = runPartition(ms, dir / "ac.mms", "--antenna '*&&&' --separationaxis baseline --numsubms 100", 1);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto dict = listPartitionJson(dir / "ac.mms");
  EXPECT_EQ(dict.size(), 27u) << "one Sub-MS per autocorrelation 'baseline'";
  EXPECT_EQ(totalRows(dict), 27u * 8u * 6u * 4u);
  auto check = runCommand("/usr/bin/python3 -c \"import casacore.tables as t; m=t.table('" + (dir / "ac.mms") +
                          "', ack=False); print('autos', int((m.getcol('ANTENNA1') == m.getcol('ANTENNA2')).all()))\"");
  EXPECT_NE(check.output.find("autos 1"), std::string::npos) << check.output;
}

TEST(MultiMs, BadInputIsNamed) {
  TempDir dir("mms-bad");
  const std::string ms = simulate(dir, "src.ms");
  ASSERT_EQ(runPartition(ms, dir / "x.mms", "--numsubms 3", 1).exit_code, 0);
  // An existing output is refused and kept.
  auto again = runPartition(ms, dir / "x.mms", "", 1);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  // A bad axis and a missing input name themselves.
  auto axis = runPartition(ms, dir / "y.mms", "--separationaxis time", 1);
  EXPECT_NE(axis.output.find("key 'separationaxis'"), std::string::npos) << axis.output;
  auto missing_input = runPartition(dir / "nothing.ms", dir / "y.mms", "", 1);
  EXPECT_NE(missing_input.output.find(dir / "nothing.ms"), std::string::npos) << missing_input.output;
  EXPECT_FALSE(fs::exists(dir / "y.mms"));

  // A broken link: a subtable that Sub-MS 0001 points to is gone (a copied MMS keeps its Sub-MS names).
  fs::copy(dir / "x.mms", dir / "broken.mms", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::remove_all(dir / "broken.mms/SUBMSS/x.mms.0000.ms/FEED");
  for (const std::string& command : std::vector<std::string>{" listpartition ", " image --set imagename=" + (dir / "b") + " --set vis="}) {
    auto r = runCommand(ptcleanBinary() + command + (dir / "broken.mms"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("broken link"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("FEED"), std::string::npos) << r.output;
  }
  // A missing Sub-MS.
  fs::copy(dir / "x.mms", dir / "gap.mms", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::remove_all(dir / "gap.mms/SUBMSS/x.mms.0002.ms");
  auto gap = runCommand(ptcleanBinary() + " listpartition " + (dir / "gap.mms"));
  EXPECT_NE(gap.exit_code, 0);
  EXPECT_NE(gap.output.find("x.mms.0002.ms"), std::string::npos) << gap.output;
  // Something that is not an MS at all.
  fs::create_directories(dir / "notms.mms/SUBMSS");
  auto notms = runCommand(ptcleanBinary() + " listpartition " + (dir / "notms.mms"));
  EXPECT_NE(notms.exit_code, 0);
  EXPECT_NE(notms.output.find("notms.mms"), std::string::npos) << notms.output;
}
