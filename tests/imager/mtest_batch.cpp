// `ptclean batch` (imager/cmd_batch.cpp): a mixed batch on 3 ranks with a bad and a crashing
// job, --resume after a batch killed mid-way, and the weblog opened in headless Chromium.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ms_oracle.h"
#include "test_support.h"

namespace fs = std::filesystem;
using ptclean::testing::runCommand;

namespace {

const std::vector<std::string> kMatrixJobs{"field0_spw0", "field0_spw1", "field1_spw0",
                                           "field1_spw1", "field0_cont", "field1_cont"};

/// Two fields, two spws, two sources near field 0.
std::string simulate(const ptclean::testing::TempDir& dir) {
  const std::string ms = dir / "two_fields.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set nchan=4 --set nintegrations=20 --set nspw=2 --set nscans=2 --set noise=0.05"
                        " --set 'fields=[\"J2000 09h01m00.0 34d00m00.0\"]' --set 'sources=" +
                        ptclean::testing::pointSourcesToml({{60, -40, 1.0}, {-200, 100, 0.5}}) + "'");
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  return ms;
}

/// The matrix of 6 jobs, plus `extra` TOML.
std::string writeBatch(const ptclean::testing::TempDir& dir, const std::string& ms, const std::string& outdir,
                       const std::string& extra, int niter = 100) {
  const std::string path = dir / "jobs.toml";
  std::ofstream(path) << "outdir = \"" << outdir << "\"\n[defaults]\nvis = \"" << ms
                      << "\"\ndatacolumn = \"data\"\nimsize = 128\ncell = \"8arcsec\"\nniter = " << niter
                      << "\nnsigma = 3\n[matrix]\nfield = [\"0\", \"1\"]\nspw = [\"0\", \"1\"]\ncontinuum = true\n"
                      << extra;
  return path;
}

double maxDifferenceOverPeak(const std::string& a, const std::string& b) {
  auto x = ptclean::testing::readFits(a), y = ptclean::testing::readFits(b);
  EXPECT_EQ(x.pixels.size(), y.pixels.size()) << a << " " << b;
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < x.pixels.size() && i < y.pixels.size(); ++i) {
    peak = std::max(peak, std::abs(x.pixels[i]));
    worst = std::max(worst, std::abs(x.pixels[i] - y.pixels[i]));
  }
  return peak > 0 ? worst / peak : worst;
}

nlohmann::json readJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

}  // namespace

TEST(Batch, MixedBatchOnThreeRanksIsolatesTheBadAndTheCrashedJob) {
  ptclean::testing::TempDir dir("batch_mixed");
  const std::string ms = simulate(dir), out = dir / "out";
  const std::string batch = writeBatch(dir, ms, out,
                                       "[[job]]\nname = \"missing_ms\"\nvis = \"" + (dir / "nothere.ms") +
                                           "\"\n[[job]]\nname = \"crash\"\nenv = {PTCLEAN_TEST_RAISE_SIGNAL = \"SEGV\"}\n");
  auto run = runCommand(ptclean::testing::mpirunPrefix(3) + " " + ptclean::testing::ptcleanBinary() + " batch " + batch);
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("batch: 8 job(s): 6 succeeded, 2 failed, 0 skipped"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("failed: missing_ms: ptclean: error: vis '" + (dir / "nothere.ms") + "' does not exist"),
            std::string::npos) << run.output;
  EXPECT_NE(run.output.find("failed: crash: crashed: killed by signal 11"), std::string::npos) << run.output;

  // Every response as mpi4casa gives it; both servers took jobs.
  const auto all = readJson(out + "/batch.json");
  ASSERT_EQ(all["jobs"].size(), 8u);
  std::set<int> servers;
  for (const auto& job : all["jobs"]) {
    const bool bad = job["job"] == "missing_ms" || job["job"] == "crash";
    EXPECT_EQ(job["successful"].get<bool>(), !bad) << job.dump();
    EXPECT_EQ(job["status"], bad ? "failed" : "succeeded") << job.dump();
    EXPECT_LE(job["start"].get<double>(), job["stop"].get<double>());
    servers.insert(job["server"].get<int>());
    if (!bad) {
      for (const char* key : {"peak", "rms", "beam", "flux", "iterations", "stop_reason", "outputs", "phases"})
        EXPECT_TRUE(job["ret"].contains(key)) << key << " missing from " << job.dump();
      EXPECT_EQ(job["ret"]["iterations"].get<long>(), 100);
    }
  }
  EXPECT_EQ(servers, (std::set<int>{1, 2}));

  // Each job alone, with `ptclean image` on its own job.toml, gives the same images.
  for (const auto& job : kMatrixJobs) {
    const std::string alone = dir / ("alone_" + job);
    auto r = runCommand(ptclean::testing::ptcleanBinary() + " image " + out + "/" + job + "/job.toml --set imagename=" +
                        alone + " --set threads=1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const char* kind : {".image.fits", ".residual.fits", ".model.fits", ".psf.fits"})
      EXPECT_LE(maxDifferenceOverPeak(out + "/" + job + "/" + job + kind, alone + kind), 1e-5) << job << kind;
  }
  // The continuum image of field 0 holds both spws: more samples than one spw's image.
  const auto cont = readJson(out + "/field0_cont/response.json"), one = readJson(out + "/field0_spw0/response.json");
  EXPECT_GT(cont["estimated_samples"].get<double>(), 1.9 * one["estimated_samples"].get<double>());
  EXPECT_TRUE(fs::exists(out + "/weblog/index.html"));
}

TEST(Batch, ResumeAfterABatchKilledMidwayRunsOnlyTheMissingJobs) {
  ptclean::testing::TempDir dir("batch_resume");
  const std::string ms = simulate(dir), out = dir / "out";
  const std::string batch = writeBatch(dir, ms, out, "", 400);
  // Start the batch, and once two jobs are complete kill every process of it (mpirun, the ranks
  // and the jobs' processes: all name the batch file or a job's folder on their command lines).
  const std::string script = dir / "kill.sh";
  std::ofstream(script) << ptclean::testing::mpirunPrefix(2) << " " << ptclean::testing::ptcleanBinary()
                        << " batch " << batch << " > " << (dir / "first.log") << " 2>&1 &\n"
                        << "pid=$!\nfor i in $(seq 1 1200); do\n"
                        << "  n=$(ls " << out << "/*/response.json 2>/dev/null | wc -l)\n"
                        << "  [ \"$n\" -ge 2 ] && break\n  sleep 0.05\ndone\n"
                        << "pkill -KILL -f '" << dir.path().string() << "/(jobs|out)'\nwait $pid\nsleep 0.5\nls " << out
                        << "/*/response.json | wc -l\n";
  auto killed = runCommand("bash " + script);
  const int complete_before = std::stoi(killed.output.substr(killed.output.find_last_of('\n', killed.output.size() - 2) + 1));
  ASSERT_GE(complete_before, 2) << killed.output;
  ASSERT_LT(complete_before, 6) << "the batch finished before it was killed; the test needs longer jobs";
  std::map<std::string, std::string> earlier;  // the complete jobs' responses, which must not change
  for (const auto& job : kMatrixJobs)
    if (fs::exists(out + "/" + job + "/response.json")) {
      std::ifstream in(out + "/" + job + "/response.json");
      earlier[job] = std::string(std::istreambuf_iterator<char>(in), {});
    }
  EXPECT_EQ(int(earlier.size()), complete_before);

  // Without --resume the existing folders are refused, naming one.
  auto refused = runCommand(ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary() + " batch " + batch);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("exists (use --resume to complete a batch)"), std::string::npos) << refused.output;

  auto resumed = runCommand(ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary() + " batch " +
                            batch + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const int missing = 6 - complete_before;
  EXPECT_NE(resumed.output.find(std::to_string(missing) + " job(s) to run (" + std::to_string(complete_before) +
                                " complete from before)"),
            std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("batch: 6 job(s): " + std::to_string(missing) + " succeeded, 0 failed, " +
                                std::to_string(complete_before) + " skipped"),
            std::string::npos) << resumed.output;
  for (const auto& [job, text] : earlier) {
    std::ifstream in(out + "/" + job + "/response.json");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), text) << job << " was run again";
  }
  for (const auto& job : kMatrixJobs) {
    const auto response = readJson(out + "/" + job + "/response.json");
    EXPECT_EQ(response["successful"].get<bool>(), true) << job;
    EXPECT_TRUE(fs::exists(out + "/" + job + "/" + job + ".image.fits")) << job;
  }
}

TEST(Batch, WeblogOpensInHeadlessChromiumWithEveryThumbnail) {
  if (runCommand("command -v chromium").exit_code != 0)
    FAIL() << "chromium is not installed: `bash scripts/setup.sh test` installs it";
  ptclean::testing::TempDir dir("batch_weblog");
  const std::string ms = simulate(dir), out = dir / "out";
  // One rank: the client runs the jobs itself, one after another.
  const std::string batch =
      writeBatch(dir, ms, out, "[[job]]\nname = \"missing_ms\"\nvis = \"" + (dir / "nothere.ms") + "\"\n");
  auto run = runCommand(ptclean::testing::ptcleanBinary() + " batch " + batch);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const std::string weblog = out + "/weblog";
  ASSERT_TRUE(fs::exists(weblog + "/index.html")) << run.output;

  // A copy of the page that, once loaded, records what the browser made of it.
  std::ifstream in(weblog + "/index.html");
  std::string html(std::istreambuf_iterator<char>(in), {});
  const std::string probe =
      "<script>window.addEventListener('load',function(){var im=document.querySelectorAll('img.thumb'),ok=0;"
      "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)ok++;"
      "var rows=document.querySelectorAll('#jobs tbody tr'),failed=document.querySelectorAll('#jobs tr.failed');"
      "var red=failed.length?getComputedStyle(failed[0].cells[0]).backgroundColor:'';"
      "document.body.setAttribute('data-check','thumbs='+im.length+' loaded='+ok+' rows='+rows.length+' failed='+"
      "failed.length+' red='+red);});</script></body>";
  html.replace(html.rfind("</body>"), 7, probe);
  std::ofstream(weblog + "/check.html") << html;
  const std::string chromium = "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars ";
  auto dom = runCommand(chromium + "--virtual-time-budget=10000 --dump-dom file://" + weblog + "/check.html 2>/dev/null");
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  EXPECT_NE(dom.output.find("data-check=\"thumbs=6 loaded=6 rows=7 failed=1 red=rgb(248, 208, 208)\""),
            std::string::npos) << dom.output.substr(0, 2000);
  EXPECT_NE(dom.output.find("does not exist"), std::string::npos);

  const std::string shot = dir / "weblog.png";
  auto screenshot = runCommand(chromium + "--window-size=1400,1000 --screenshot=" + shot + " file://" + weblog +
                               "/index.html");
  ASSERT_EQ(screenshot.exit_code, 0) << screenshot.output;
  std::ifstream png(shot, std::ios::binary);
  std::string head(8, '\0');
  png.read(head.data(), 8);
  EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(fs::file_size(shot), 20000u);  // a page with pictures, not a blank one
}

TEST(Batch, GroupsOfTwoRanksImageEachJobTogether) {
  ptclean::testing::TempDir dir("batch_groups");
  const std::string ms = simulate(dir), out = dir / "out";
  const std::string path = dir / "jobs.toml";
  std::ofstream(path) << "outdir = \"" << out << "\"\nranks_per_job = 2\n[defaults]\nvis = \"" << ms
                      << "\"\ndatacolumn = \"data\"\nimsize = 128\ncell = \"8arcsec\"\nniter = 100\n"
                         "[matrix]\nspw = [\"0\", \"1\"]\n[[job]]\nname = \"crash\"\n"
                         "env = {PTCLEAN_TEST_RAISE_SIGNAL = \"SEGV\"}\n";
  auto run = runCommand(ptclean::testing::mpirunPrefix(3) + " " + ptclean::testing::ptcleanBinary() + " batch " + path);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("1 server(s) of 2 rank(s)"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("batch: 3 job(s): 2 succeeded, 1 failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("failed: crash: crashed"), std::string::npos) << run.output;
  for (const std::string job : {"spw0", "spw1"}) {
    // The job ran as its own MPI job of two ranks, and gives the image one rank gives.
    EXPECT_EQ(readJson(out + "/" + job + "/timings.json")["ranks"].get<int>(), 2) << job;
    const std::string alone = dir / ("alone_" + job);
    auto r = runCommand(ptclean::testing::ptcleanBinary() + " image " + out + "/" + job + "/job.toml --set imagename=" +
                        alone + " --set threads=1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_LE(maxDifferenceOverPeak(out + "/" + job + "/" + job + ".image.fits", alone + ".image.fits"), 1e-5) << job;
  }
}
