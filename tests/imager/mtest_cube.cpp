// specmode='cube' (imager/cmd_cube.cpp): a simulated line and continuum source; the cube is the
// same under 1, 2 and 3 ranks, each dirty plane is the DFT of its channel, CLEAN recovers the
// line's flux per channel, astropy reads the spectral axis back, and the LSRK axis matches
// casacore's own conversion (python-casacore).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dft.h"
#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

namespace {

constexpr double kArcsec = 3.141592653589793 / 180.0 / 3600.0;

/// 16 channels of 1 MHz from 1.4 GHz: a line (peak 1 Jy at 1.4075 GHz, FWHM 3 MHz) at
/// (60", -40") and a continuum source (0.5 Jy, spectral index -0.7) at (-150", 90").
std::string simulateLine(const ptclean::testing::TempDir& dir, double noise) {
  const std::string ms = dir / "line.ms";
  std::ostringstream command;
  command << ptclean::testing::ptcleanBinary() << " simulate --set vis=" << ms
          << " --set nchan=16 --set chanwidth=1MHz --set nintegrations=20 --set noise=" << noise
          << " --set 'sources=[{type=\"point\", l=60.0, m=-40.0, flux=1.0, line_freq=\"1.4075GHz\", "
             "line_fwhm=\"3MHz\"}, {type=\"point\", l=-150.0, m=90.0, flux=0.5, spix=-0.7, reffreq=\"1.4GHz\"}]'";
  auto sim = runCommand(command.str());
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  return ms;
}

std::string cubeArgs(const std::string& ms, const std::string& imagename) {
  return " image --set vis=" + ms + " --set specmode=cube --set imsize=128 --set cell=8arcsec --set datacolumn=data" +
         " --set threads=1 --set imagename=" + imagename;
}

double lineTruth(std::size_t k) {
  const double f = 1.4e9 + double(k) * 1e6, x = (f - 1.4075e9) / 3e6;
  return std::exp(-4.0 * std::log(2.0) * x * x);
}

}  // namespace

TEST(Cube, SameOnOneTwoThreeRanksAndEachDirtyPlaneIsItsChannelsDft) {
  ptclean::testing::TempDir dir("cube_dft");
  const std::string ms = simulateLine(dir, 0.01);
  const std::string extra = " --set outframe=TOPO --set niter=0 --set gridder_accuracy=1e-6";
  for (int ranks : {1, 2, 3}) {
    const std::string launch = ranks == 1 ? "" : ptclean::testing::mpirunPrefix(ranks) + " ";
    auto run = runCommand(launch + ptclean::testing::ptcleanBinary() +
                          cubeArgs(ms, dir / ("r" + std::to_string(ranks))) + extra);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    if (ranks == 3) EXPECT_NE(run.output.find("cube: rank 2 images channels 11 to 15"), std::string::npos) << run.output;
  }
  const auto one = ptclean::testing::readFits(dir / "r1.residual.fits");
  ASSERT_EQ(one.planes, 16);
  double peak = 0;
  for (double v : one.pixels) peak = std::max(peak, std::abs(v));
  for (int ranks : {2, 3}) {
    const auto other = ptclean::testing::readFits(dir / ("r" + std::to_string(ranks) + ".residual.fits"));
    ASSERT_EQ(other.pixels.size(), one.pixels.size());
    double worst = 0;
    for (std::size_t i = 0; i < one.pixels.size(); ++i) worst = std::max(worst, std::abs(one.pixels[i] - other.pixels[i]));
    EXPECT_LE(worst / peak, 1e-5) << ranks << " ranks";
  }

  // Each plane against the DFT of its own channel's visibilities, read independently.
  const auto spws = ptclean::testing::readStokesIOracle(ms, "DATA");
  ASSERT_EQ(spws.size(), 1u);
  const auto& data = spws[0];
  const std::size_t rows = data.uvw.size() / 3, nchan = data.freq.size(), n = 128;
  ASSERT_EQ(nchan, 16u);
  const ptclean::gridding::ImageGeometry geometry{n, n, 8 * kArcsec, 8 * kArcsec};
  for (std::size_t k = 0; k < nchan; ++k) {
    std::vector<std::complex<float>> vis(rows);
    std::vector<float> weight(rows);
    double sum_weights = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      vis[r] = data.vis[r * nchan + k];
      weight[r] = data.weight[r * nchan + k];
      sum_weights += weight[r];
    }
    const ptclean::gridding::VisibilityView view{rows, 1, data.uvw.data(), &data.freq[k], vis.data(), weight.data()};
    const std::span<const double> plane(one.pixels.data() + k * n * n, n * n);
    const auto pixels = ptclean::testing::brightAndRandomPixels(plane, n, n, 8, 32, unsigned(k));
    const auto dft = ptclean::testing::dftDirty({&view, 1}, geometry, pixels, false);
    double plane_peak = 0, worst = 0;
    for (double v : plane) plane_peak = std::max(plane_peak, std::abs(v));
    for (std::size_t i = 0; i < pixels.size(); ++i)
      worst = std::max(worst, std::abs(plane[pixels[i].y * n + pixels[i].x] - dft[i] / sum_weights));
    EXPECT_LE(worst / plane_peak, 1e-5) << "channel " << k;
  }

  // astropy reads the spectral axis back to the simulated frequencies; the beams are per channel.
  const std::string script = dir / "axis.py";
  std::ofstream(script) << "import sys, numpy as np\nfrom astropy.io import fits\nfrom astropy.wcs import WCS\n"
                           "h = fits.open(sys.argv[1])\nw = WCS(h[0].header)\n"
                           "f = w.spectral.pixel_to_world(np.arange(16)).to('Hz').value\n"
                           "truth = 1.4e9 + 1e6 * np.arange(16)\n"
                           "print('axis error', np.max(np.abs(f / truth - 1)))\n"
                           "print('specsys', h[0].header['SPECSYS'], 'beams', len(h['BEAMS'].data))\n";
  auto axis = runCommand("/usr/bin/python3 " + script + " " + (dir / "r1.image.fits"));
  ASSERT_EQ(axis.exit_code, 0) << axis.output;
  const auto at = axis.output.find("axis error ");
  ASSERT_NE(at, std::string::npos) << axis.output;
  EXPECT_LE(std::stod(axis.output.substr(at + 11)), 1e-6) << axis.output;
  EXPECT_NE(axis.output.find("specsys TOPOCENT beams 16"), std::string::npos) << axis.output;
}

TEST(Cube, CleanRecoversTheLineFluxInEveryChannel) {
  ptclean::testing::TempDir dir("cube_clean");
  const std::string ms = simulateLine(dir, 0.01);
  auto run = runCommand(ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary() +
                        cubeArgs(ms, dir / "c") + " --set outframe=TOPO --set niter=2000 --set nsigma=3");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto model = ptclean::testing::readFits(dir / "c.model.fits");
  ASSERT_EQ(model.planes, 16);
  // The line sits at l = 60", m = -40": pixel x = 64 - 7.5, y = 64 - 5 (8" cells); a box of 9 x 8.
  for (std::size_t k = 0; k < 16; ++k) {
    double flux = 0;
    for (long y = 55; y < 63; ++y)
      for (long x = 52; x < 61; ++x) flux += model.pixels[k * 128 * 128 + std::size_t(y * 128 + x)];
    const double truth = lineTruth(k);
    if (truth >= 0.1)
      EXPECT_NEAR(flux, truth, 0.02 * truth) << "channel " << k;
    else
      EXPECT_NEAR(flux, truth, 0.01) << "channel " << k << " (the line's wing)";
  }
}

TEST(Cube, LsrkAxisMatchesCasacoreMeasures) {
  ptclean::testing::TempDir dir("cube_lsrk");
  const std::string ms = simulateLine(dir, 0.0);
  auto run = runCommand(ptclean::testing::ptcleanBinary() + cubeArgs(ms, dir / "l") + " --set niter=0");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // casacore's own conversion, through python-casacore: the first data channel (1.4 GHz, TOPO)
  // at the middle of the observation, seen from the mean antenna position, towards field 0.
  const std::string script = dir / "lsrk.py";
  std::ofstream(script)
      << "import sys, numpy as np\nfrom casacore.tables import table\nfrom casacore.measures import measures\n"
         "from astropy.io import fits\nms = sys.argv[1]\n"
         "t = table(ms, ack=False).getcol('TIME'); mid = 0.5 * (t.min() + t.max())\n"
         "pos = table(ms + '/ANTENNA', ack=False).getcol('POSITION').mean(axis=0)\n"
         "d = table(ms + '/FIELD', ack=False).getcol('PHASE_DIR')[0, 0]\n"
         "me = measures()\n"
         "me.do_frame(me.epoch('UTC', '%.6fs' % mid))\n"
         "me.do_frame(me.position('ITRF', '%.6fm' % pos[0], '%.6fm' % pos[1], '%.6fm' % pos[2]))\n"
         "me.do_frame(me.direction('J2000', '%.12frad' % d[0], '%.12frad' % d[1]))\n"
         "f = me.measure(me.frequency('TOPO', '1.4GHz'), 'LSRK')['m0']['value']\n"
         "h = fits.open(sys.argv[2])[0].header\n"
         "print('relative', abs(h['CRVAL3'] / f - 1), 'shift_kms', (1 - f / 1.4e9) * 299792.458, h['SPECSYS'])\n";
  auto check = runCommand("/usr/bin/python3 " + script + " " + ms + " " + (dir / "l.image.fits"));
  ASSERT_EQ(check.exit_code, 0) << check.output;
  const auto at = check.output.find("relative ");
  ASSERT_NE(at, std::string::npos) << check.output;
  EXPECT_LE(std::stod(check.output.substr(at + 9)), 1e-9) << check.output;
  EXPECT_NE(check.output.find("LSRK"), std::string::npos) << check.output;
}

TEST(Cube, MaxMemoryBelowTheCubesDataBoundsThePeakAndGivesTheSameCube) {
  ptclean::testing::TempDir dir("cube_memory");
  // 96 channels x 42120 rows: 4.0 M samples, about 310 MB as the imager keeps them (76 bytes each).
  const std::string ms = dir / "big.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set nchan=96 --set nintegrations=120 --set noise=0.05");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  const std::string args = " image --set vis=" + ms + " --set specmode=cube --set outframe=TOPO --set imsize=64" +
                           " --set cell=30arcsec --set niter=0 --set datacolumn=data --set threads=1 --set imagename=";
  auto peakOf = [](const std::string& log) {
    const auto at = log.find("peak resident memory of rank 0: ");
    return at == std::string::npos ? -1.0 : std::stod(log.substr(at + 32));
  };
  auto whole = runCommand(ptclean::testing::ptcleanBinary() + args + (dir / "whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  auto bounded = runCommand(ptclean::testing::ptcleanBinary() + args + (dir / "bounded") + " --set max_memory=200MB");
  ASSERT_EQ(bounded.exit_code, 0) << bounded.output;
  EXPECT_NE(bounded.output.find("in 4 chunks to stay within max_memory"), std::string::npos) << bounded.output;
  const double limit_mib = 200e6 / 1048576.0, whole_peak = peakOf(whole.output), bounded_peak = peakOf(bounded.output);
  std::printf("peak resident memory: %.0f MiB without a limit, %.0f MiB with max_memory %.0f MiB\n", whole_peak,
              bounded_peak, limit_mib);
  EXPECT_GT(whole_peak, limit_mib) << "the unlimited run must need more than the limit for the test to mean anything";
  EXPECT_GT(bounded_peak, 0);
  EXPECT_LT(bounded_peak, limit_mib);
  const auto a = ptclean::testing::readFits(dir / "whole.residual.fits"),
             b = ptclean::testing::readFits(dir / "bounded.residual.fits");
  ASSERT_EQ(a.pixels.size(), b.pixels.size());
  ASSERT_EQ(a.planes, 96);
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    peak = std::max(peak, std::abs(a.pixels[i]));
    worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
  }
  EXPECT_LE(worst / peak, 1e-6);
}

TEST(Cube, OneWeightDensityForAllChannelsWhenPerchanweightdensityIsFalse) {
  ptclean::testing::TempDir dir("cube_density");
  const std::string ms = simulateLine(dir, 0.01);
  const std::string args = " image --set vis=" + ms + " --set specmode=cube --set outframe=TOPO --set weighting=uniform" +
                           " --set imsize=64 --set cell=16arcsec --set niter=0 --set datacolumn=data --set threads=1";
  auto image = [&](const std::string& name, const std::string& extra, int ranks) {
    const std::string launch = ranks > 1 ? ptclean::testing::mpirunPrefix(ranks) + " " : "";
    auto run = runCommand(launch + ptclean::testing::ptcleanBinary() + args + " --set imagename=" + (dir / name) + extra);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return ptclean::testing::readFits(dir / (name + ".residual.fits"));
  };
  auto difference = [](const ptclean::testing::FitsImage& a, const ptclean::testing::FitsImage& b) {
    double peak = 0, worst = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
      peak = std::max(peak, std::abs(a.pixels[i]));
      worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
    }
    return worst / peak;
  };
  // One output channel holding all 16: its own density is the density of all channels.
  const auto one_per_channel = image("one_true", " --set nchan=1 --set width=16", 1);
  const auto one_shared = image("one_false", " --set nchan=1 --set width=16 --set perchanweightdensity=false", 1);
  EXPECT_EQ(difference(one_per_channel, one_shared), 0.0);
  // 16 channels: the shared density differs from each channel's own, and is the same
  // whatever the number of ranks that hold the channels.
  const auto per_channel = image("true", "", 1);
  const auto shared = image("false", " --set perchanweightdensity=false", 1);
  const auto shared_3 = image("false3", " --set perchanweightdensity=false", 3);
  EXPECT_GT(difference(per_channel, shared), 1e-3);
  EXPECT_LE(difference(shared, shared_3), 1e-6);
}
