// deconvolver='mtmfs' (imager/multi_term_imaging.cpp, deconvolution/multi_term.cpp): two point
// sources with spectral indices -0.7 and +0.5 over 1 to 2 GHz come back with their alpha and
// tt0 flux, and the Taylor images are the same for 1x1, 2x1 and 1x2 ranks x threads.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

TEST(Mtmfs, SpectralIndicesAndFluxesForEveryMix) {
  ptclean::testing::TempDir dir("mtmfs");
  const std::string ms = dir / "wide.ms";
  // 8 spws x 4 channels of 31.25 MHz from 1 GHz; A: 1 Jy, alpha -0.7 at (64", -40");
  // B: 0.5 Jy, alpha +0.5 at (-152", 88"); both at 1.5 GHz and on pixel centres (8" cells).
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set freq=1GHz --set nspw=8 --set nchan=4 --set chanwidth=31.25MHz --set nintegrations=30"
                        " --set noise=0.01 --set 'sources=[{type=\"point\", l=64.0, m=-40.0, flux=1.0, spix=-0.7, "
                        "reffreq=\"1.5GHz\"}, {type=\"point\", l=-152.0, m=88.0, flux=0.5, spix=0.5, reffreq=\"1.5GHz\"}]'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  const std::string args = " image --set vis=" + ms + " --set imsize=128 --set cell=8arcsec --set deconvolver=mtmfs" +
                           " --set nterms=3 --set reffreq=1.5GHz --set niter=2000 --set nsigma=5 --set datacolumn=data";
  struct Mix {
    std::string name;
    int ranks, threads;
  };
  for (const Mix& mix : {Mix{"1x1", 1, 1}, Mix{"2x1", 2, 1}, Mix{"1x2", 1, 2}}) {
    const std::string launch = mix.ranks > 1 ? ptclean::testing::mpirunPrefix(mix.ranks) + " " : "";
    auto run = runCommand(launch + ptclean::testing::ptcleanBinary() + args + " --set imagename=" + (dir / mix.name) +
                          " --set threads=" + std::to_string(mix.threads));
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }
  for (const char* suffix : {"psf.tt0", "psf.tt4", "residual.tt2", "model.tt2", "image.tt0", "image.tt2", "alpha",
                             "alpha.error", "sumwt", "pb"})
    EXPECT_TRUE(std::filesystem::exists(dir / ("1x1." + std::string(suffix) + ".fits"))) << suffix;

  const auto tt0 = ptclean::testing::readFits(dir / "1x1.image.tt0.fits");
  const auto alpha = ptclean::testing::readFits(dir / "1x1.alpha.fits");
  const auto error = ptclean::testing::readFits(dir / "1x1.alpha.error.fits");
  // A is 8 pixels east (smaller x) and 5 south of the centre (64, 64); B 19 west and 11 north.
  const std::size_t a = 59 * 128 + 56, b = 75 * 128 + 83;
  EXPECT_NEAR(tt0.pixels[a], 1.0, 0.01);
  EXPECT_NEAR(tt0.pixels[b], 0.5, 0.005);
  EXPECT_NEAR(alpha.pixels[a], -0.7, 0.05);
  EXPECT_NEAR(alpha.pixels[b], 0.5, 0.05);
  EXPECT_LT(error.pixels[a], 0.05);
  EXPECT_TRUE(std::isnan(alpha.pixels[10 * 128 + 10])) << "alpha must be blank where there is no emission";

  // The same images for every mix, to 1e-5 of tt0's peak.
  double peak = 0;
  for (double v : tt0.pixels) peak = std::max(peak, std::abs(v));
  for (const char* other : {"2x1", "1x2"})
    for (const char* suffix : {"image.tt0", "image.tt1", "image.tt2", "residual.tt0", "model.tt1"}) {
      const auto x = ptclean::testing::readFits(dir / ("1x1." + std::string(suffix) + ".fits"));
      const auto y = ptclean::testing::readFits(dir / (std::string(other) + "." + suffix + ".fits"));
      ASSERT_EQ(x.pixels.size(), y.pixels.size());
      double worst = 0;
      for (std::size_t i = 0; i < x.pixels.size(); ++i) worst = std::max(worst, std::abs(x.pixels[i] - y.pixels[i]));
      EXPECT_LE(worst / peak, 1e-5) << other << " " << suffix;
    }
}

// Multi-scale mtmfs (deconvolution/multi_term_scales.cpp): an extended source (a 60" Gaussian,
// 2 Jy, alpha -0.7) and a point (0.5 Jy, alpha +0.5) over 1 to 2 GHz, on 2 ranks.
TEST(Mtmfs, MultiScaleRecoversAnExtendedSourcesFluxAndSpectralIndex) {
  ptclean::testing::TempDir dir("mtmfs-ms");
  const std::string ms = dir / "wide.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set freq=1GHz --set nspw=8 --set nchan=4 --set chanwidth=31.25MHz --set nintegrations=30"
                        " --set noise=0.01 --set 'sources=[{type=\"gaussian\", l=64.0, m=-40.0, flux=2.0, major=60.0, "
                        "minor=60.0, pa=0.0, spix=-0.7, reffreq=\"1.5GHz\"}, {type=\"point\", l=-152.0, m=88.0, flux=0.5, "
                        "spix=0.5, reffreq=\"1.5GHz\"}]'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  auto run = runCommand(ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary() + " image --set vis=" +
                        ms + " --set imsize=128 --set cell=8arcsec --set deconvolver=mtmfs --set nterms=3"
                        " --set reffreq=1.5GHz --set niter=3000 --set nsigma=3 --set datacolumn=data"
                        " --set 'scales=[0, 4, 8]' --set imagename=" + (dir / "ms"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("mtmfs: multi-scale components of scales [0, 4, 8] pixels"), std::string::npos) << run.output;
  const auto model = ptclean::testing::readFits(dir / "ms.model.tt0.fits");
  const auto alpha = ptclean::testing::readFits(dir / "ms.alpha.fits");
  // The Gaussian's model flux: everything within 30 pixels of it (8 east, 5 south of the centre).
  double flux = 0;
  for (long y = 0; y < 128; ++y)
    for (long x = 0; x < 128; ++x)
      if (std::hypot(double(x - 56), double(y - 59)) < 30.0) flux += model.pixels[std::size_t(y * 128 + x)];
  std::printf("Gaussian: model flux %.4f of 2 Jy, alpha %.3f at its peak; point: alpha %.3f\n", flux,
              alpha.pixels[59 * 128 + 56], alpha.pixels[75 * 128 + 83]);
  EXPECT_NEAR(flux, 2.0, 0.04);
  EXPECT_NEAR(alpha.pixels[59 * 128 + 56], -0.7, 0.05);
  EXPECT_NEAR(alpha.pixels[75 * 128 + 83], 0.5, 0.05);
}
