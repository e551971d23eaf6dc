// Bad input gives one clear line naming the culprit, a non-zero exit, no outputs, and an
// untouched MeasurementSet.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.h"

namespace fs = std::filesystem;
using ptclean::testing::runCommand;

namespace {

class ImageErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ptclean::testing::haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
    dir_ = std::make_unique<ptclean::testing::TempDir>("errors");
    ms_ = ptclean::testing::unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir_->path()).string();
    unchanged_ = std::make_unique<ptclean::testing::UnchangedGuard>(ms_);
  }
  void TearDown() override { unchanged_.reset(); }

  ptclean::testing::CommandResult image(const std::string& extra, const std::string& name = "out") {
    return runCommand(ptclean::testing::ptcleanBinary() + " image --set imsize=64 --set cell=0.5arcsec " +
                      "--set imagename=" + (*dir_ / name) + " " + extra);
  }

  bool anyOutput(const std::string& name = "out") const {
    for (const auto& entry : fs::directory_iterator(dir_->path()))
      if (entry.path().filename().string().rfind(name + ".", 0) == 0) return true;
    return false;
  }

  std::string errorLine(const std::string& output) const {
    std::istringstream lines(output);
    std::string line, found;
    int count = 0;
    while (std::getline(lines, line))
      if (line.rfind("ptclean: error: ", 0) == 0) found = line, ++count;
    EXPECT_EQ(count, 1) << output;
    return found;
  }

  std::unique_ptr<ptclean::testing::TempDir> dir_;
  std::string ms_;
  std::unique_ptr<ptclean::testing::UnchangedGuard> unchanged_;
};

}  // namespace

TEST_F(ImageErrors, MissingPath) {
  auto r = image("--set vis=" + (*dir_ / "nowhere.ms"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(errorLine(r.output).find("vis '" + (*dir_ / "nowhere.ms") + "' does not exist"), std::string::npos) << r.output;
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, DirectoryThatIsNotAnMs) {
  fs::create_directory(dir_->path() / "plain");
  auto r = image("--set vis=" + (*dir_ / "plain"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(errorLine(r.output).find("is not a MeasurementSet"), std::string::npos) << r.output;
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, UnknownKeyNamesTheClosestValidKey) {
  auto r = image("--set vis=" + ms_ + " --set imsiz=128");
  EXPECT_EQ(r.exit_code, 2);
  auto line = errorLine(r.output);
  EXPECT_NE(line.find("unknown key 'imsiz'"), std::string::npos) << r.output;
  EXPECT_NE(line.find("did you mean 'imsize'?"), std::string::npos) << r.output;

  std::ofstream(dir_->path() / "run.toml") << "vis = '" << ms_ << "'\nweigthing = 'briggs'\n";
  r = runCommand(ptclean::testing::ptcleanBinary() + " image " + (*dir_ / "run.toml") +
                 " --set imagename=" + (*dir_ / "out"));
  EXPECT_EQ(r.exit_code, 2);
  line = errorLine(r.output);
  EXPECT_NE(line.find("unknown key 'weigthing'"), std::string::npos) << r.output;
  EXPECT_NE(line.find("'weighting'"), std::string::npos) << r.output;
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, WrongTypeOrUnit) {
  auto r = image("--set vis=" + ms_ + " --set niter=lots");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(errorLine(r.output).find("key 'niter'"), std::string::npos) << r.output;
  r = image("--set vis=" + ms_ + " --set cell=1GHz");
  EXPECT_EQ(r.exit_code, 2);
  auto line = errorLine(r.output);
  EXPECT_NE(line.find("key 'cell'"), std::string::npos) << r.output;
  EXPECT_NE(line.find("1GHz"), std::string::npos) << r.output;
  r = image("--set vis=" + ms_ + " --set weighting=briggsy");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(errorLine(r.output).find("key 'weighting'"), std::string::npos) << r.output;
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, BadDeconvolutionKeysAreNamed) {
  struct Case { std::string set, key; };
  for (const Case& c : {Case{"deconvolver=mem", "key 'deconvolver'"}, Case{"smallscalebias=2", "key 'smallscalebias'"},
                        Case{"usemask=pb", "key 'usemask'"}, Case{"smoothfactor=-1", "smoothfactor"},
                        Case{"savemodel=virtual", "key 'savemodel'"}, Case{"max_memory=3parsecs", "key 'max_memory'"},
                        Case{"restoringbeam=5furlongs", "key 'restoringbeam'"}}) {
    auto r = image("--set vis=" + ms_ + " --set niter=10 --set " + c.set);
    EXPECT_EQ(r.exit_code, 2) << c.set;
    EXPECT_NE(errorLine(r.output).find(c.key), std::string::npos) << c.set << ": " << r.output;
  }
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, SelectionThatMatchesNoData) {
  auto r = image("--set vis=" + ms_ + " --set uvrange='>1000000km'");
  EXPECT_EQ(r.exit_code, 1);
  auto line = errorLine(r.output);
  EXPECT_NE(line.find("selection matches no data"), std::string::npos) << r.output;
  EXPECT_NE(line.find("uvrange"), std::string::npos) << r.output;
  r = image("--set vis=" + ms_ + " --set field=7");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(errorLine(r.output).find("selection"), std::string::npos) << r.output;
  EXPECT_FALSE(anyOutput());
}

TEST_F(ImageErrors, ExistingOutputsAreRefusedAndKept) {
  auto first = image("--set vis=" + ms_);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto stamp = fs::last_write_time(dir_->path() / "out.residual.fits");
  auto second = image("--set vis=" + ms_);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(errorLine(second.output).find("already exists"), std::string::npos) << second.output;
  EXPECT_EQ(fs::last_write_time(dir_->path() / "out.residual.fits"), stamp);
}
