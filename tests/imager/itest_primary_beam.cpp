// The primary beam (imager/primary_beam.h): a source simulated at the half-power point of the
// VLA's 25-m dishes (airy model, 1.4 GHz: 15.15') comes back at its true flux in .image.pbcor,
// the .pb image is 0.5 there, pixels below pblimit are blank, and a cube gets one beam per
// channel.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

namespace {

/// The brightest value within 2 pixels of (x, y) of plane `plane`.
double peakNear(const ptclean::testing::FitsImage& image, long x, long y, long plane = 0) {
  double best = -1e300;
  for (long j = y - 2; j <= y + 2; ++j)
    for (long i = x - 2; i <= x + 2; ++i)
      best = std::max(best, image.pixels[std::size_t(plane * image.nx * image.ny + j * image.nx + i)]);
  return best;
}

}  // namespace

TEST(PrimaryBeam, ASourceAtTheHalfPowerPointComesBackAtItsFluxWhenCorrected) {
  ptclean::testing::TempDir dir("primary_beam");
  const std::string ms = dir / "pb.ms";
  // 1 Jy at 910" east (the half-power radius at 1.4 GHz), 0.3 Jy at the centre.
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set nchan=1 --set nintegrations=60 --set noise=0.01 --set primary_beam=airy --set 'sources=" +
                        ptclean::testing::pointSourcesToml({{910, 0, 1.0}, {0, 0, 0.3}}) + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  auto run = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" +
                        (dir / "p") + " --set imsize=512 --set cell=5arcsec --set gridder=wproject --set niter=1000" +
                        " --set nsigma=3 --set datacolumn=data --set pbcor=true --set pbmodel=airy");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("primary beam: airy (D = 25.00 m"), std::string::npos) << run.output;
  const auto pb = ptclean::testing::readFits(dir / "p.pb.fits");
  const auto raw = ptclean::testing::readFits(dir / "p.image.fits");
  const auto corrected = ptclean::testing::readFits(dir / "p.image.pbcor.fits");
  // 910" east of the centre is 182 pixels to the left of pixel 256.
  const long x = 256 - 182, y = 256;
  EXPECT_NEAR(pb.pixels[std::size_t(y * 512 + x)], 0.5, 0.01);
  EXPECT_NEAR(pb.pixels[std::size_t(256 * 512 + 256)], 1.0, 1e-12);
  EXPECT_NEAR(peakNear(raw, x, y), 0.5, 0.02);
  EXPECT_NEAR(peakNear(corrected, x, y), 1.0, 0.02);
  EXPECT_NEAR(corrected.pixels[std::size_t(256 * 512 + 256)], 0.3, 0.006);
  // Below pblimit (0.2) the corrected image is blank; above it, a number.
  long blank = 0;
  for (std::size_t i = 0; i < pb.pixels.size(); ++i) {
    EXPECT_EQ(std::isnan(corrected.pixels[i]), pb.pixels[i] < 0.2) << i;
    blank += std::isnan(corrected.pixels[i]);
  }
  EXPECT_GT(blank, 0);

  // A cube: one beam per channel, narrower at higher frequencies.
  const std::string cube_ms = dir / "cube.ms";
  auto sim_cube = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + cube_ms +
                             " --set nchan=4 --set chanwidth=100MHz --set nintegrations=10 --set primary_beam=airy");
  ASSERT_EQ(sim_cube.exit_code, 0) << sim_cube.output;
  auto cube = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + cube_ms + " --set imagename=" +
                         (dir / "c") + " --set specmode=cube --set outframe=TOPO --set imsize=512 --set cell=5arcsec" +
                         " --set datacolumn=data --set pbmodel=airy");
  ASSERT_EQ(cube.exit_code, 0) << cube.output;
  const auto pb_cube = ptclean::testing::readFits(dir / "c.pb.fits");
  ASSERT_EQ(pb_cube.planes, 4);
  for (long k = 1; k < 4; ++k)
    EXPECT_LT(pb_cube.pixels[std::size_t(k * 512 * 512 + y * 512 + x)],
              pb_cube.pixels[std::size_t((k - 1) * 512 * 512 + y * 512 + x)])
        << "channel " << k;
}

namespace {

/// Perley's L-band fit as AIPS's PBPARM help publishes it (1.465 GHz): PB at r arcmin, f GHz.
double perleyLBand(double r_arcmin, double f_ghz) {
  const double x = (r_arcmin * f_ghz) * (r_arcmin * f_ghz);
  return 1.0 - 1.343e-3 * x + 6.579e-7 * x * x - 1.186e-10 * x * x * x;
}

}  // namespace

TEST(PrimaryBeam, TheVlaModelIsPerleysFitAndCorrectsASourceAtHalfPower) {
  ptclean::testing::TempDir dir("primary_beam_vla");
  // The half-power radius of the published fit at 1.4 GHz, by bisection (about 15.6').
  double low = 0.0, high = 40.0;
  for (int i = 0; i < 60; ++i) (perleyLBand(0.5 * (low + high), 1.4) > 0.5 ? low : high) = 0.5 * (low + high);
  const long offset_px = std::lround(0.5 * (low + high) * 60.0 / 5.0);  // 5" pixels
  const double offset_arcsec = double(offset_px) * 5.0;
  const std::string ms = dir / "vla.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set nchan=1 --set nintegrations=60 --set noise=0.01 --set primary_beam=vla --set 'sources=" +
                        ptclean::testing::pointSourcesToml({{offset_arcsec, 0, 1.0}, {0, 0, 0.3}}) + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  // pbmodel 'auto' picks the VLA's model for the VLA.
  auto run = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" +
                        (dir / "v") + " --set imsize=512 --set cell=5arcsec --set gridder=wproject --set niter=1000" +
                        " --set nsigma=3 --set datacolumn=data --set pbcor=true");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("primary beam: vla (Perley's fit for 1.465 GHz), half power at"), std::string::npos)
      << run.output;
  const auto pb = ptclean::testing::readFits(dir / "v.pb.fits");
  const auto corrected = ptclean::testing::readFits(dir / "v.image.pbcor.fits");
  const long x = 256 - offset_px, y = 256;
  // A pixel's distance from the centre is asin of its SIN-projected offset.
  auto arcminAt = [](double offset_arcsec) {
    return std::asin(offset_arcsec * std::numbers::pi / 648000.0) * 10800.0 / std::numbers::pi;
  };
  EXPECT_NEAR(pb.pixels[std::size_t(y * 512 + x)], perleyLBand(arcminAt(offset_arcsec), 1.4), 1e-6);
  EXPECT_NEAR(pb.pixels[std::size_t(y * 512 + 256 + 100)], perleyLBand(arcminAt(500.0), 1.4), 1e-6);
  EXPECT_NEAR(peakNear(corrected, x, y), 1.0, 0.02);
  EXPECT_NEAR(corrected.pixels[std::size_t(256 * 512 + 256)], 0.3, 0.006);
}
