// ptclean's dirty image of real MeasurementSets against an exact DFT of the same visibilities,
// read by an independent reader (ms_oracle) with the Stokes I weighting rule.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "image_check.h"
#include "test_support.h"

using namespace ptclean;

namespace {

/// Runs `ptclean image` with `args` and compares <name>.residual.fits with a DFT.
ptclean::testing::DftComparison imageAndCompare(const std::string& ms, const std::string& imagename, std::size_t n,
                                                double cell_arcsec, const std::string& args, bool with_w) {
  auto run = ptclean::testing::runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms +
                                          " --set imagename=" + imagename + " --set imsize=" +
                                          std::to_string(n) + " --set cell=" + std::to_string(cell_arcsec) +
                                          "arcsec --set datacolumn=data " + args);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  auto image = ptclean::testing::readFits(imagename + ".residual.fits");
  const double cell = cell_arcsec * std::numbers::pi / 180.0 / 3600.0;
  return ptclean::testing::compareWithDft(image.pixels, ptclean::testing::readStokesIOracle(ms, "DATA"),
                                          {n, n, cell, cell}, with_w);
}

}  // namespace

TEST(DirtyImageVsDft, VlaSnapshot36GHz) {
  if (!ptclean::testing::haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
  ptclean::testing::TempDir dir("vla");
  auto ms = ptclean::testing::unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path()).string();
  ptclean::testing::UnchangedGuard unchanged_ms(ms);
  auto precise = imageAndCompare(ms, dir / "precise", 256, 0.25, "--set gridder=wproject --set gridder_accuracy=1e-6", true);
  std::printf("VLA, gridder_accuracy 1e-6: max error / peak = %.3e\n", precise.max_error);
  EXPECT_LE(precise.max_error, 1e-5);
  auto fallback = imageAndCompare(ms, dir / "default", 256, 0.25, "--set gridder=wproject", true);
  std::printf("VLA, default gridder_accuracy (1e-4): max error / peak = %.3e\n", fallback.max_error);
  EXPECT_LE(fallback.max_error, 1e-4);
}

TEST(DirtyImageVsDft, VlbaM87TwoSpwsUnequalHandWeights) {
  if (!ptclean::testing::haveSharedData("vlba_mojave_m87.ms.tgz")) GTEST_SKIP() << "no shared data";
  ptclean::testing::TempDir dir("vlba");
  auto ms = ptclean::testing::unpackSharedMs("vlba_mojave_m87.ms.tgz", dir.path()).string();
  ptclean::testing::UnchangedGuard unchanged_ms(ms);
  auto precise = imageAndCompare(ms, dir / "precise", 512, 0.0001, "--set gridder=wproject --set gridder_accuracy=1e-6", true);
  std::printf("VLBA, gridder_accuracy 1e-6: max error / peak = %.3e\n", precise.max_error);
  EXPECT_LE(precise.max_error, 1e-5);
  auto standard = imageAndCompare(ms, dir / "standard", 512, 0.0001, "--set gridder=standard --set gridder_accuracy=1e-6", false);
  std::printf("VLBA, standard gridder vs DFT without w: max error / peak = %.3e\n", standard.max_error);
  EXPECT_LE(standard.max_error, 1e-5);
}
