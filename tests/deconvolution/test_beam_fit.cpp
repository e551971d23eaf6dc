// fitPsfBeam recovers known Gaussians, whatever their PA and the cell shape, and ignores
// sidelobes that are not connected to the main lobe.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <vector>

#include "ptclean/deconvolution/beam_fit.h"

namespace {

using ptclean::deconvolution::Beam;
using ptclean::deconvolution::fitPsfBeam;

constexpr double kArcsec = std::numbers::pi / 180.0 / 3600.0;
constexpr double kDeg = std::numbers::pi / 180.0;

struct Grid {
  std::size_t nx, ny;
  double cell_x, cell_y;  // radians
};

/// Samples f(u, v), with u along the major axis at `pa` (east of north) and v across it,
/// on the imager's pixel geometry: l = -(x - nx/2) cell_x, m = (y - ny/2) cell_y.
std::vector<double> sample(const Grid& g, double pa,
                           const std::function<double(double, double)>& f) {
  std::vector<double> psf(g.nx * g.ny);
  for (std::size_t y = 0; y < g.ny; ++y) {
    for (std::size_t x = 0; x < g.nx; ++x) {
      const double l = -(static_cast<double>(x) - static_cast<double>(g.nx / 2)) * g.cell_x;
      const double m = (static_cast<double>(y) - static_cast<double>(g.ny / 2)) * g.cell_y;
      const double u = l * std::sin(pa) + m * std::cos(pa);
      const double v = l * std::cos(pa) - m * std::sin(pa);
      psf[y * g.nx + x] = f(u, v);
    }
  }
  return psf;
}

std::vector<double> gaussian(const Grid& g, double major, double minor, double pa) {
  return sample(g, pa, [&](double u, double v) {
    return std::exp(-4.0 * std::log(2.0) * (u * u / (major * major) + v * v / (minor * minor)));
  });
}

/// Difference of two PAs modulo 180 degrees (an ellipse at pa and pa + 180 is the same).
double paDifference(double a, double b) { return std::remainder(a - b, std::numbers::pi); }

struct Case {
  const char* name;
  Grid grid;
  double major, minor, pa;  // radians
};

TEST(BeamFit, RecoversGaussiansAtAnyPaAndCellShape) {
  const std::vector<Case> cases = {
      {"pa 0, square cells", {128, 128, 1 * kArcsec, 1 * kArcsec}, 6 * kArcsec, 3 * kArcsec, 0.0},
      {"pa 30, cell_y > cell_x",
       {128, 96, 1 * kArcsec, 1.5 * kArcsec},
       8 * kArcsec,
       4 * kArcsec,
       30 * kDeg},
      {"pa -60, cell_x > cell_y",
       {100, 128, 2 * kArcsec, 1 * kArcsec},
       12 * kArcsec,
       5 * kArcsec,
       -60 * kDeg},
      {"pa 90", {128, 128, 1 * kArcsec, 1 * kArcsec}, 7 * kArcsec, 3.5 * kArcsec, 90 * kDeg},
      {"pa 90, odd sizes, unequal cells",
       {127, 131, 0.8 * kArcsec, 1.1 * kArcsec},
       7 * kArcsec,
       3.5 * kArcsec,
       90 * kDeg},
      {"very elongated (13:1)",
       {256, 256, 1 * kArcsec, 1 * kArcsec},
       40 * kArcsec,
       3 * kArcsec,
       30 * kDeg},
      {"lobe ~3 pixels wide",
       {64, 64, 1 * kArcsec, 1 * kArcsec},
       3.2 * kArcsec,
       2.4 * kArcsec,
       45 * kDeg},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto psf = gaussian(c.grid, c.major, c.minor, c.pa);
    const Beam beam = fitPsfBeam(psf, c.grid.nx, c.grid.ny, c.grid.cell_x, c.grid.cell_y);
    EXPECT_NEAR(beam.major_rad / c.major, 1.0, 1e-3);
    EXPECT_NEAR(beam.minor_rad / c.minor, 1.0, 1e-3);
    EXPECT_NEAR(paDifference(beam.pa_rad, c.pa) / kDeg, 0.0, 0.1);
    EXPECT_GT(beam.pa_rad, -std::numbers::pi / 2);
    EXPECT_LE(beam.pa_rad, std::numbers::pi / 2);
  }
}

TEST(BeamFit, RoundBeam) {
  const Grid g{64, 64, 1.5 * kArcsec, 1.5 * kArcsec};
  const auto psf = gaussian(g, 9 * kArcsec, 9 * kArcsec, 0.0);
  const Beam beam = fitPsfBeam(psf, g.nx, g.ny, g.cell_x, g.cell_y);
  EXPECT_NEAR(beam.major_rad / (9 * kArcsec), 1.0, 1e-3);
  EXPECT_NEAR(beam.minor_rad / (9 * kArcsec), 1.0, 1e-3);
}

TEST(BeamFit, UsesOnlyTheConnectedMainLobe) {
  // An elliptical sinc: main lobe out to the first null at r = 1, then a positive sidelobe
  // peaking at ~0.128 around r = 2.46. With cutoff 0.1 that sidelobe is above the cutoff but
  // must not take part: the fit has to equal the fit of the main lobe alone.
  const Grid g{256, 256, 1 * kArcsec, 1 * kArcsec};
  const double pa = 30 * kDeg, along = 20 * kArcsec, across = 12 * kArcsec;
  auto radius = [&](double u, double v) { return std::hypot(u / along, v / across); };
  auto sinc = [&](double u, double v) {
    const double r = radius(u, v);
    return r == 0.0 ? 1.0 : std::sin(std::numbers::pi * r) / (std::numbers::pi * r);
  };
  const auto psf = sample(g, pa, sinc);
  const auto lobe_only =
      sample(g, pa, [&](double u, double v) { return radius(u, v) < 1.0 ? sinc(u, v) : 0.0; });
  double sidelobe_peak = 0.0;
  for (std::size_t i = 0; i < psf.size(); ++i)
    if (lobe_only[i] == 0.0) sidelobe_peak = std::max(sidelobe_peak, psf[i]);
  const double cutoff = 0.1;
  ASSERT_GT(sidelobe_peak, cutoff) << "the test needs a sidelobe above the cutoff";

  const Beam with_sidelobes = fitPsfBeam(psf, g.nx, g.ny, g.cell_x, g.cell_y, cutoff);
  const Beam main_lobe = fitPsfBeam(lobe_only, g.nx, g.ny, g.cell_x, g.cell_y, cutoff);
  EXPECT_DOUBLE_EQ(with_sidelobes.major_rad, main_lobe.major_rad);
  EXPECT_DOUBLE_EQ(with_sidelobes.minor_rad, main_lobe.minor_rad);
  EXPECT_DOUBLE_EQ(with_sidelobes.pa_rad, main_lobe.pa_rad);
  // The sinc's half-power width is 0.6034 of the null radius times two; a Gaussian fitted above
  // 0.1 comes out within a few percent of it, along the sinc's own axes.
  EXPECT_NEAR(with_sidelobes.major_rad / (1.2067 * along), 1.0, 0.05);
  EXPECT_NEAR(with_sidelobes.minor_rad / (1.2067 * across), 1.0, 0.05);
  EXPECT_NEAR(paDifference(with_sidelobes.pa_rad, pa) / kDeg, 0.0, 0.5);

  // With the default cutoff (0.35) the sidelobes are below it anyway; still the main lobe.
  const Beam default_cutoff = fitPsfBeam(psf, g.nx, g.ny, g.cell_x, g.cell_y);
  EXPECT_NEAR(default_cutoff.major_rad / (1.2067 * along), 1.0, 0.05);
}

TEST(BeamFit, DegenerateLobesStillGiveAFiniteBeam) {
  // A lobe of a single pixel, and a lobe one pixel wide: nothing constrains the width, but the
  // fit must not fail or return NaN.
  const Grid g{32, 32, 1 * kArcsec, 2 * kArcsec};
  std::vector<double> spike(g.nx * g.ny, 0.0);
  spike[(g.ny / 2) * g.nx + g.nx / 2] = 1.0;
  std::vector<double> line = spike;
  for (std::size_t y = 10; y < 22; ++y) line[y * g.nx + g.nx / 2] = 0.9;
  for (const auto* psf : {&spike, &line}) {
    const Beam beam = fitPsfBeam(*psf, g.nx, g.ny, g.cell_x, g.cell_y);
    EXPECT_TRUE(std::isfinite(beam.major_rad) && beam.major_rad > 0.0);
    EXPECT_TRUE(std::isfinite(beam.minor_rad) && beam.minor_rad > 0.0);
    EXPECT_TRUE(std::isfinite(beam.pa_rad));
    EXPECT_GE(beam.major_rad, beam.minor_rad);
  }
  // The line runs north-south: the major axis must too.
  const Beam beam = fitPsfBeam(line, g.nx, g.ny, g.cell_x, g.cell_y);
  EXPECT_NEAR(paDifference(beam.pa_rad, 0.0), 0.0, 1e-6);
}

TEST(BeamFit, RejectsBadArguments) {
  std::vector<double> psf(16, 0.0);
  EXPECT_THROW(fitPsfBeam(psf, 4, 3, kArcsec, kArcsec), std::invalid_argument);
  EXPECT_THROW(fitPsfBeam(psf, 4, 4, 0.0, kArcsec), std::invalid_argument);
  EXPECT_THROW(fitPsfBeam({}, 0, 0, kArcsec, kArcsec), std::invalid_argument);
}

}  // namespace
