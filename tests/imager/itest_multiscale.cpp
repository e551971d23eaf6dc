// Multi-scale CLEAN end to end: an extended Gaussian source and a point source in noise. The
// Gaussian's flux comes back within 3%, the point's within 1% and at its place.
#include <gtest/gtest.h>

#include <cmath>

#include "ms_oracle.h"
#include "test_support.h"

using namespace ptclean::testing;

namespace {

constexpr std::size_t kN = 256;
constexpr double kCellArcsec = 2.0;

double fluxWithin(const FitsImage& image, double x0, double y0, double radius) {
  double flux = 0;
  for (std::size_t y = 0; y < kN; ++y)
    for (std::size_t x = 0; x < kN; ++x)
      if (std::hypot(double(x) - x0, double(y) - y0) <= radius) flux += image.pixels[y * kN + x];
  return flux;
}

}  // namespace

TEST(Multiscale, GaussianAndPointSourceFluxes) {
  TempDir dir("multiscale");
  const std::string ms = dir / "extended.ms";
  // A 24" FWHM Gaussian of 2 Jy at (-60", 40") and a 1 Jy point at (50", -30").
  auto sim = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set array=vla --set array_scale=3.28 --set nchan=2 --set nintegrations=24 --set nscans=6"
                        " --set hourangle_span=8h --set hourangle_start=-4h --set 'phasecenter=J2000 12h00m00 40d00m00'"
                        " --set noise=0.25 --set 'sources=[{type=\"gaussian\", l=-60, m=40, flux=2.0, major=24, minor=24},"
                        " {type=\"point\", l=50, m=-30, flux=1.0}]'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  auto r = runCommand(ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + (dir / "ms") +
                      " --set imsize=" + std::to_string(kN) + " --set cell=" + std::to_string(kCellArcsec) +
                      "arcsec --set datacolumn=data --set niter=20000 --set nsigma=3 --set cycleniter=1000"
                      " --set deconvolver=multiscale --set 'scales=[0, 4, 10]'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto model = readFits(dir / "ms.model.fits");
  auto residual = readFits(dir / "ms.residual.fits");
  auto sumwt = readFits(dir / "ms.sumwt.fits");

  const double gx = double(kN / 2) + 60.0 / kCellArcsec, gy = double(kN / 2) + 40.0 / kCellArcsec;
  const double px = double(kN / 2) - 50.0 / kCellArcsec, py = double(kN / 2) - 30.0 / kCellArcsec;
  const double gaussian = fluxWithin(model, gx, gy, 30.0);  // 60" radius: 2.5 FWHM
  std::printf("multiscale: Gaussian model flux %.4f Jy of 2.0\n", gaussian);
  EXPECT_NEAR(gaussian, 2.0, 0.03 * 2.0);

  double point = 0, sx = 0, sy = 0;
  for (std::size_t y = 0; y < kN; ++y)
    for (std::size_t x = 0; x < kN; ++x) {
      if (std::hypot(double(x) - px, double(y) - py) > 8.0) continue;
      const double f = model.pixels[y * kN + x];
      point += f, sx += f * double(x), sy += f * double(y);
    }
  std::printf("multiscale: point model flux %.4f Jy of 1.0 at (%.2f, %.2f), true (%.1f, %.1f)\n", point, sx / point,
              sy / point, px, py);
  EXPECT_NEAR(point, 1.0, 0.01);
  EXPECT_NEAR(sx / point, px, 0.2);
  EXPECT_NEAR(sy / point, py, 0.2);

  const double expected_rms = 1.0 / std::sqrt(sumwt.pixels[0]);
  double sum2 = 0;
  for (double v : residual.pixels) sum2 += v * v;
  const double rms = std::sqrt(sum2 / double(residual.pixels.size()));
  std::printf("multiscale: residual rms %.3e, thermal %.3e\n", rms, expected_rms);
  EXPECT_NEAR(rms, expected_rms, 0.15 * expected_rms);
}
