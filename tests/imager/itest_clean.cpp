// CLEAN end to end: point sources of known flux in noise, recovered by every deconvolver, and
// the same images from one rank and from two.
#include <gtest/gtest.h>

#include <cmath>

#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

namespace {

constexpr std::size_t kN = 256;
constexpr double kCellArcsec = 2.0;

struct Source {
  double l_arcsec, m_arcsec, flux;
};
const Source kSources[] = {{0.0, 0.0, 1.0}, {60.0, -40.0, 0.5}, {-90.0, 50.0, 0.3}};

std::string simulate(const ptclean::testing::TempDir& dir) {
  const std::string ms = dir / "points.ms";
  std::vector<ptclean::testing::PointSource> points;
  for (const auto& s : kSources) points.push_back({s.l_arcsec, s.m_arcsec, s.flux});
  const std::string sources = ptclean::testing::pointSourcesToml(points);
  auto r = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set array_scale=3.28 --set nchan=4 --set nintegrations=20 --set nscans=4"
                      " --set hourangle_span=6h --set hourangle_start=-3h --set 'phasecenter=J2000 12h00m00 40d00m00'"
                      " --set noise=0.25 --set 'sources=" + sources + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

std::string clean(const std::string& ms, const std::string& name, const std::string& extra, const std::string& prefix = "") {
  auto r = runCommand(prefix + ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + name +
                      " --set imsize=" + std::to_string(kN) + " --set cell=" + std::to_string(kCellArcsec) +
                      "arcsec --set datacolumn=data --set niter=5000 --set nsigma=3 --set cycleniter=500 " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

}  // namespace

class CleanEveryDeconvolver : public ::testing::TestWithParam<std::string> {};

TEST_P(CleanEveryDeconvolver, PointSourcesComeBackWithTheirFluxAndPlace) {
  ptclean::testing::TempDir dir("clean");
  const std::string ms = simulate(dir);
  const std::string output = clean(ms, dir / "c", "--set deconvolver=" + GetParam());
  EXPECT_NE(output.find("Reached n-sigma threshold"), std::string::npos) << output;
  auto model = ptclean::testing::readFits(dir / "c.model.fits");
  auto residual = ptclean::testing::readFits(dir / "c.residual.fits");
  auto sumwt = ptclean::testing::readFits(dir / "c.sumwt.fits");
  // Natural weights are 1/variance: the thermal noise of the image is 1/sqrt(sum of weights).
  const double expected_rms = 1.0 / std::sqrt(sumwt.pixels[0]);
  double sum2 = 0;
  for (double r : residual.pixels) sum2 += r * r;
  const double rms = std::sqrt(sum2 / double(residual.pixels.size()));
  std::printf("%s: residual rms %.3e, thermal %.3e\n", GetParam().c_str(), rms, expected_rms);
  EXPECT_NEAR(rms, expected_rms, 0.15 * expected_rms);
  const double beam_pixels = 8.0;  // beam FWHM ~16" at 2" cells
  for (const auto& s : kSources) {
    const double x0 = double(kN / 2) - s.l_arcsec / kCellArcsec, y0 = double(kN / 2) + s.m_arcsec / kCellArcsec;
    double flux = 0, sx = 0, sy = 0;
    for (std::size_t y = 0; y < kN; ++y)
      for (std::size_t x = 0; x < kN; ++x) {
        if (std::hypot(double(x) - x0, double(y) - y0) > beam_pixels) continue;
        const double f = model.pixels[y * kN + x];
        flux += f, sx += f * double(x), sy += f * double(y);
      }
    std::printf("%s: source %.1f Jy at (%.1f, %.1f): model %.4f Jy at (%.2f, %.2f)\n", GetParam().c_str(), s.flux,
                x0, y0, flux, sx / flux, sy / flux);
    EXPECT_NEAR(flux, s.flux, 0.01 * s.flux);
    EXPECT_NEAR(sx / flux, x0, 0.2);
    EXPECT_NEAR(sy / flux, y0, 0.2);
  }
}

INSTANTIATE_TEST_SUITE_P(Clean, CleanEveryDeconvolver, ::testing::Values("hogbom", "clark", "multiscale"));

TEST(Clean, OneRankAndTwoRanksGiveTheSameImages) {
  ptclean::testing::TempDir dir("cleanmpi");
  const std::string ms = simulate(dir);
  clean(ms, dir / "one", "--set weighting=briggs --set robust=0");
  clean(ms, dir / "two", "--set weighting=briggs --set robust=0", "OMP_NUM_THREADS=1 " + ptclean::testing::mpirunPrefix(2) + " ");
  for (const char* suffix : {".image.fits", ".residual.fits", ".model.fits"}) {
    auto a = ptclean::testing::readFits(dir / (std::string("one") + suffix));
    auto b = ptclean::testing::readFits(dir / (std::string("two") + suffix));
    auto peak_image = ptclean::testing::readFits(dir / "one.image.fits");
    double peak = 0, worst = 0;
    for (double v : peak_image.pixels) peak = std::max(peak, std::abs(v));
    for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
    std::printf("%s: 1 vs 2 ranks, max difference / peak = %.2e\n", suffix, worst / peak);
    EXPECT_LE(worst / peak, 1e-5) << suffix;
  }
}

TEST(Clean, RestoringBeamOverridesTheFit) {
  ptclean::testing::TempDir dir("restoringbeam");
  const std::string ms = simulate(dir);
  clean(ms, dir / "rb", "--set \"restoringbeam=['30arcsec', '20arcsec', '45deg']\"");
  auto image = ptclean::testing::readFits(dir / "rb.image.fits");
  auto residual = ptclean::testing::readFits(dir / "rb.residual.fits");
  auto psf = ptclean::testing::readFits(dir / "rb.psf.fits");
  EXPECT_NEAR(image.bmaj * 3600.0, 30.0, 1e-6);
  EXPECT_NEAR(image.bmin * 3600.0, 20.0, 1e-6);
  EXPECT_NEAR(image.bpa, 45.0, 1e-6);
  EXPECT_NEAR(psf.bmaj * 3600.0, 30.0, 1e-6) << "every output states the restoring beam";
  // The restored point sources peak at their flux (Jy/beam) whatever the beam.
  for (const auto& s : kSources) {
    const std::size_t x = std::size_t(std::lround(double(kN / 2) - s.l_arcsec / kCellArcsec));
    const std::size_t y = std::size_t(std::lround(double(kN / 2) + s.m_arcsec / kCellArcsec));
    const double restored = image.pixels[y * kN + x] - residual.pixels[y * kN + x];
    std::printf("restoringbeam: source %.1f Jy restored to %.4f Jy/beam\n", s.flux, restored);
    EXPECT_NEAR(restored, s.flux, 0.02 * s.flux);
  }
}
