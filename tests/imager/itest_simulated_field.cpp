// Simulated observations: a wide field whose w-term matters against the DFT, and the
// orientation of an off-centre source (FITS WCS, and WSClean on the same MS).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "image_check.h"
#include "test_support.h"

using namespace ptclean;
using ptclean::testing::runCommand;

namespace {

constexpr double kArcsec = std::numbers::pi / 180.0 / 3600.0;
constexpr double kDeg = std::numbers::pi / 180.0;

std::string simulate(const ptclean::testing::TempDir& dir, const std::string& name, const std::string& extra) {
  const std::string ms = dir / name;
  auto r = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set array_scale=35.4 --set freq=1.4GHz --set nchan=2"
                      " --set chanwidth=4MHz --set nintegrations=10 --set nscans=3 --set hourangle_span=6h"
                      " --set hourangle_start=-3h --set 'phasecenter=J2000 12h00m00 40d00m00' " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

std::size_t peakIndex(const std::vector<double>& pixels) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < pixels.size(); ++i)
    if (pixels[i] > pixels[best]) best = i;
  return best;
}

/// World coordinates of a 0-based pixel from the FITS SIN WCS keys alone.
void pixelToWorld(const ptclean::testing::FitsImage& image, double x, double y, double& ra, double& dec) {
  const double l = image.cdelt1 * kDeg * (x + 1 - image.crpix1);
  const double m = image.cdelt2 * kDeg * (y + 1 - image.crpix2);
  const double ra0 = image.crval1 * kDeg, dec0 = image.crval2 * kDeg;
  const double n = std::sqrt(1 - l * l - m * m);
  dec = std::asin(m * std::cos(dec0) + n * std::sin(dec0));
  ra = ra0 + std::atan2(l, n * std::cos(dec0) - m * std::sin(dec0));
}

}  // namespace

TEST(SimulatedField, WideFieldWithLongBaselinesMatchesTheDft) {
  ptclean::testing::TempDir dir("widefield");
  // Sources near the edges of a 1024 x 0.5" field from a 36 km array: w (n - 1) reaches about
  // a turn at the corners, so a 2D gridder would be off by far more than 1e-5.
  const std::string ms = simulate(dir, "wide.ms",
      "--set 'sources=[{type=\"point\", l=0.0, m=0.0, flux=1.0}, {type=\"point\", l=240.0, m=-220.0, flux=0.8},"
      " {type=\"point\", l=-250.0, m=236.0, flux=0.6}, {type=\"gaussian\", l=-120.0, m=-200.0, flux=1.5,"
      " major=\"4arcsec\", minor=\"2arcsec\", pa=\"40deg\"}]' --set noise=0.01");
  for (auto [accuracy, tolerance, gridder] : {std::tuple{1e-6, 1e-5, "wproject"}, std::tuple{1e-4, 1e-3, "wproject"}}) {
    const std::string name = dir / ("wide" + std::to_string(int(-std::log10(accuracy))));
    auto r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + name +
                        " --set imsize=1024 --set cell=0.5arcsec --set datacolumn=data --set gridder=" + gridder +
                        " --set gridder_accuracy=" + std::to_string(accuracy));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto image = ptclean::testing::readFits(name + ".residual.fits");
    auto check = ptclean::testing::compareWithDft(image.pixels, ptclean::testing::readStokesIOracle(ms, "DATA"),
                                                  {1024, 1024, 0.5 * kArcsec, 0.5 * kArcsec}, true, true);
    std::printf("wide field, gridder_accuracy %.0e: max error / peak = %.3e (w-term effect %.3e)\n", accuracy,
                check.max_error, check.w_effect);
    EXPECT_GT(check.w_effect, 1e-2) << "the test field should need the w-term";
    EXPECT_LE(check.max_error, tolerance);
  }
}

TEST(SimulatedField, OffCentreSourceLandsAtItsRaDecAndWhereWscleanPutsIt) {
  ptclean::testing::TempDir dir("orientation");
  // 40" east and 20" north of the phase centre.
  const std::string ms = simulate(dir, "east.ms", "--set 'sources=[{type=\"point\", l=40.0, m=20.0, flux=1.0}]'");
  const std::string name = dir / "east";
  auto r = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + name +
                      " --set imsize=256 --set cell=0.5arcsec --set datacolumn=data --set gridder=wproject");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto image = ptclean::testing::readFits(name + ".image.fits");
  EXPECT_EQ(image.ctype1, "RA---SIN");
  EXPECT_EQ(image.ctype2, "DEC--SIN");
  const std::size_t peak = peakIndex(image.pixels);
  const double px = double(peak % 256), py = double(peak / 256);
  EXPECT_NEAR(image.pixels[peak], 1.0, 2e-3) << "a 1 Jy point source gives 1 Jy/beam";
  // Where the source truly is.
  const double ra0 = 180.0 * kDeg, dec0 = 40.0 * kDeg, l = 40.0 * kArcsec, m = 20.0 * kArcsec;
  const double n = std::sqrt(1 - l * l - m * m);
  const double true_dec = std::asin(m * std::cos(dec0) + n * std::sin(dec0));
  const double true_ra = ra0 + std::atan2(l, n * std::cos(dec0) - m * std::sin(dec0));
  double ra, dec;
  pixelToWorld(image, px, py, ra, dec);
  EXPECT_GT(true_ra, ra0) << "east is higher RA";
  EXPECT_LT(px, 128.0) << "higher RA is towards smaller x";
  EXPECT_NEAR((ra - true_ra) * std::cos(dec0) / kArcsec, 0.0, 0.3);
  EXPECT_NEAR((dec - true_dec) / kArcsec, 0.0, 0.3);

  if (runCommand("command -v wsclean").exit_code != 0) GTEST_SKIP() << "wsclean not installed";
  auto w = runCommand("cd " + dir.path().string() + " && wsclean -quiet -size 256 256 -scale 0.5asec -pol I -name " +
                      (dir / "wsc") + " " + ms);
  ASSERT_EQ(w.exit_code, 0) << w.output;
  auto theirs = ptclean::testing::readFits(dir / "wsc-image.fits");
  const std::size_t their_peak = peakIndex(theirs.pixels);
  EXPECT_EQ(their_peak % 256, peak % 256) << "x of the peak differs from WSClean's";
  EXPECT_EQ(their_peak / 256, peak / 256) << "y of the peak differs from WSClean's";
  double their_ra, their_dec;
  pixelToWorld(theirs, double(their_peak % 256), double(their_peak / 256), their_ra, their_dec);
  EXPECT_NEAR((their_ra - ra) / kArcsec, 0.0, 1e-6);
  EXPECT_NEAR((their_dec - dec) / kArcsec, 0.0, 1e-6);
}
