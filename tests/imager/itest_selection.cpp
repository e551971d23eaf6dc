// CASA selection (spw with channel ranges), the datacolumn fallback and re-phasing to another
// phase centre, each checked against a DFT or against the source's true position.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include "image_check.h"
#include "test_support.h"

using namespace ptclean;
using ptclean::testing::runCommand;

namespace {

constexpr double kArcsec = std::numbers::pi / 180.0 / 3600.0;

double errorAgainstDft(const std::string& fits, const std::vector<ptclean::testing::OracleSpw>& spws,
                       std::size_t n, double cell_arcsec) {
  auto image = ptclean::testing::readFits(fits);
  return ptclean::testing::compareWithDft(image.pixels, spws, {n, n, cell_arcsec * kArcsec, cell_arcsec * kArcsec}, true)
      .max_error;
}

}  // namespace

TEST(Selection, SpwAndChannelRangesSelectExactlyThoseSamples) {
  if (!ptclean::testing::haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
  ptclean::testing::TempDir dir("select");
  std::filesystem::create_directory(dir.path() / "vla");
  auto vla = ptclean::testing::unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path() / "vla").string();
  ptclean::testing::UnchangedGuard unchanged_vla(vla);
  auto r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + vla + " --set imagename=" +
                      (dir / "chans") + " --set imsize=128 --set cell=0.4arcsec --set gridder=wproject"
                      " --set gridder_accuracy=1e-6 --set spw='0:10~20;40~41'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The default datacolumn is 'corrected'; this MS has none, and the log says so.
  EXPECT_NE(r.output.find("CORRECTED_DATA is absent"), std::string::npos) << r.output;
  auto spws = ptclean::testing::readStokesIOracle(vla, "DATA");
  ASSERT_EQ(spws.size(), 1u);
  // Keep channels 10..20 and 40..41 only.
  auto& s = spws[0];
  const std::size_t nchan = s.freq.size();
  for (std::size_t row = 0; row < s.uvw.size() / 3; ++row)
    for (std::size_t c = 0; c < nchan; ++c)
      if (!((c >= 10 && c <= 20) || c == 40 || c == 41)) s.weight[row * nchan + c] = 0.0f;
  double error = errorAgainstDft(dir / "chans.residual.fits", spws, 128, 0.4);
  std::printf("spw='0:10~20;40~41': max error / peak = %.2e\n", error);
  EXPECT_LE(error, 1e-5);

  if (!ptclean::testing::haveSharedData("vlba_mojave_m87.ms.tgz")) return;
  std::filesystem::create_directory(dir.path() / "vlba");
  auto vlba = ptclean::testing::unpackSharedMs("vlba_mojave_m87.ms.tgz", dir.path() / "vlba").string();
  ptclean::testing::UnchangedGuard unchanged_vlba(vlba);
  r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + vlba + " --set imagename=" +
                 (dir / "spw1") + " --set imsize=256 --set cell=0.0002arcsec --set gridder=wproject"
                 " --set gridder_accuracy=1e-6 --set datacolumn=data --set spw=1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto vlba_spws = ptclean::testing::readStokesIOracle(vlba, "DATA");
  ASSERT_EQ(vlba_spws.size(), 2u);
  vlba_spws.erase(vlba_spws.begin());  // spw 1 only
  error = errorAgainstDft(dir / "spw1.residual.fits", vlba_spws, 256, 0.0002);
  std::printf("spw='1': max error / peak = %.2e\n", error);
  EXPECT_LE(error, 1e-5);
}

TEST(Selection, PhaseCentreElsewhereMovesTheImageNotTheSource) {
  ptclean::testing::TempDir dir("rephase");
  const std::string ms = dir / "centre.ms";
  auto r = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set array_scale=10.7 --set nchan=2 --set nintegrations=10"
                      " --set nscans=3 --set hourangle_span=6h --set hourangle_start=-3h"
                      " --set 'phasecenter=J2000 12h00m00 40d00m00'"
                      " --set 'sources=[{type=\"point\", l=0.0, m=0.0, flux=1.0}]'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Image about a centre 30" north: the source, still at 12h 40d, must appear 30" south
  // (60 pixels of 0.5") of the new centre, at full flux.
  r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + (dir / "north") +
                 " --set imsize=256 --set cell=0.5arcsec --set datacolumn=data --set gridder=wproject"
                 " --set 'phasecenter=J2000 12h00m00 40d00m30'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto image = ptclean::testing::readFits(dir / "north.image.fits");
  std::size_t peak = 0;
  for (std::size_t i = 1; i < image.pixels.size(); ++i)
    if (image.pixels[i] > image.pixels[peak]) peak = i;
  EXPECT_EQ(peak % 256, 128u);
  EXPECT_EQ(peak / 256, 128u - 60u);
  EXPECT_NEAR(image.pixels[peak], 1.0, 1e-3);
  EXPECT_NEAR(image.crval2, 40.0 + 30.0 / 3600.0, 1e-9);

  // A field id as phasecenter is the field's own centre: the same image as the default.
  r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + (dir / "f0") +
                 " --set imsize=64 --set cell=0.5arcsec --set datacolumn=data --set phasecenter=0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto centred = ptclean::testing::readFits(dir / "f0.image.fits");
  EXPECT_NEAR(centred.pixels[32 * 64 + 32], 1.0, 1e-4) << "a 1 Jy source at the phase centre reads 1 Jy/beam";
  auto psf = ptclean::testing::readFits(dir / "f0.psf.fits");
  EXPECT_NEAR(psf.pixels[32 * 64 + 32], 1.0, 1e-6) << "the PSF peaks at 1";
  EXPECT_GT(psf.bmaj, 0.0);
  EXPECT_GE(psf.bmaj, psf.bmin);
}
