// The batch file (imager/batch_settings.h): matrix expansion like the pipeline's image list,
// explicit jobs, and errors that name the file, the job and the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "batch_settings.h"
#include "config.h"
#include "test_support.h"

using ptclean::imager::loadBatchSettings;

namespace {

std::string write(const ptclean::testing::TempDir& dir, const std::string& text) {
  const std::string path = dir / "jobs.toml";
  std::ofstream(path) << text;
  return path;
}

bool hasKey(const ptclean::imager::BatchJob& job, const std::string& key_value) {
  return std::find(job.keys.begin(), job.keys.end(), key_value) != job.keys.end();
}

std::string errorOf(const std::string& path) {
  try {
    loadBatchSettings(path, {});
  } catch (const ptclean::imager::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(BatchSettings, MatrixExpandsTargetsBySpwsPlusOneContinuumImagePerTarget) {
  ptclean::testing::TempDir dir("batch_settings");
  const auto settings = loadBatchSettings(
      write(dir, "outdir = \"o\"\nranks_per_job = 2\n[defaults]\nvis = \"a.ms\"\nniter = 10\n"
                 "[matrix]\nfield = [\"3C286\", \"J1331+3030\"]\nspw = [\"0\", \"1\", \"2\"]\ncontinuum = true\n"
                 "[[job]]\nname = \"deep\"\nniter = 5000\nenv = {OMP_PROC_BIND = \"true\"}\n"),
      {"imsize=64"});
  EXPECT_EQ(settings.outdir, "o");
  EXPECT_EQ(settings.ranks_per_job, 2);
  std::vector<std::string> names;
  for (const auto& job : settings.jobs) names.push_back(job.name);
  EXPECT_EQ(names, (std::vector<std::string>{"field3C286_spw0", "field3C286_spw1", "field3C286_spw2",
                                             "fieldJ1331-3030_spw0", "fieldJ1331-3030_spw1", "fieldJ1331-3030_spw2",
                                             "field3C286_cont", "fieldJ1331-3030_cont", "deep"}));
  const auto& first = settings.jobs[0];  // strings as toml++ writes them, 'literal'
  EXPECT_TRUE(hasKey(first, "field='3C286'")) << ::testing::PrintToString(first.keys);
  EXPECT_TRUE(hasKey(first, "spw='0'"));
  EXPECT_TRUE(hasKey(first, "niter=10"));
  EXPECT_TRUE(hasKey(first, "imsize=64"));  // --set applies to the defaults
  EXPECT_TRUE(hasKey(first, "imagename='o/field3C286_spw0/field3C286_spw0'"));
  EXPECT_TRUE(hasKey(settings.jobs[7], "spw='0,1,2'")) << ::testing::PrintToString(settings.jobs[7].keys);
  EXPECT_TRUE(hasKey(settings.jobs[7], "field='J1331+3030'"));
  const auto& deep = settings.jobs[8];
  EXPECT_TRUE(hasKey(deep, "niter=5000"));
  EXPECT_FALSE(hasKey(deep, "niter=10"));  // the job's value replaces the default
  EXPECT_EQ(deep.env.at("OMP_PROC_BIND"), "true");
  const std::string toml = ptclean::imager::jobToml(deep);
  EXPECT_NE(toml.find("niter = 5000\n"), std::string::npos) << toml;
}

TEST(BatchSettings, ErrorsNameTheFileTheJobAndTheKey) {
  ptclean::testing::TempDir dir("batch_settings_errors");
  EXPECT_NE(errorOf(write(dir, "outdri = \"x\"\n[[job]]\nname = \"a\"\nvis = \"a.ms\"\n")).find("unknown key 'outdri' (did you mean 'outdir'?)"),
            std::string::npos);
  EXPECT_NE(errorOf(write(dir, "[[job]]\nname = \"a\"\nvis = \"a.ms\"\nnitre = 3\n")).find("job 'a': unknown key 'nitre'"),
            std::string::npos) << errorOf(dir / "jobs.toml");
  EXPECT_NE(errorOf(write(dir, "[[job]]\nname = \"a/b\"\nvis = \"a.ms\"\n")).find("job name 'a/b'"), std::string::npos);
  EXPECT_NE(errorOf(write(dir, "[[job]]\nname = \"a\"\nvis = \"a.ms\"\n[[job]]\nname = \"a\"\nvis = \"b.ms\"\n"))
                .find("two jobs are named 'a'"),
            std::string::npos);
  EXPECT_NE(errorOf(write(dir, "[defaults]\nvis = \"a.ms\"\n[matrix]\nfield = [\"0\"]\ncontinuum = true\n"))
                .find("'continuum = true' needs a 'spw' list"),
            std::string::npos);
  EXPECT_NE(errorOf(write(dir, "[defaults]\nvis = \"a.ms\"\n")).find("no jobs"), std::string::npos);
  EXPECT_NE(errorOf(write(dir, "ranks_per_job = 0\n[[job]]\nname = \"a\"\nvis = \"a.ms\"\n")).find("'ranks_per_job'"),
            std::string::npos);
  EXPECT_NE(errorOf(write(dir, "[[job]]\nname = \"a\"\nvis = \"a.ms\"\nniter = \"many\"\n")).find("job 'a':"),
            std::string::npos);
}
