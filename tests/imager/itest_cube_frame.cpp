// A real MS (../shared/data, VLA at 36.3 GHz, 64 channels of 125 kHz) imaged as an LSRK cube
// against WSClean's TOPO channel images (-channels-out 64): the same data in each channel (over
// 80 s the Doppler factor moves by far less than a channel), so the planes agree, and the LSRK
// frequencies are WSClean's TOPO ones times casacore's Doppler factor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

TEST(CubeFrame, LsrkCubeOfARealMsMatchesWscleanTopoChannelsShiftedByTheDopplerFactor) {
  if (!ptclean::testing::haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
  if (runCommand("command -v wsclean").exit_code != 0) GTEST_SKIP() << "wsclean is not on PATH";
  ptclean::testing::TempDir dir("cube_frame");
  const std::string ms = ptclean::testing::unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path()).string();
  ptclean::testing::UnchangedGuard unchanged(ms);
  // RR alone on both sides, so that the Stokes I weighting rules (ours and WSClean's) agree.
  auto ours = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" +
                         (dir / "lsrk") + " --set specmode=cube --set outframe=LSRK --set imsize=256" +
                         " --set cell=0.25arcsec --set correlation=RR --set gridder=wproject" +
                         " --set gridder_accuracy=1e-6 --set niter=0 --set datacolumn=data");
  ASSERT_EQ(ours.exit_code, 0) << ours.output;
  auto theirs = runCommand("cd " + dir.path().string() + " && wsclean -quiet -j 2 -channels-out 64 -pol RR" +
                           " -size 256 256 -scale 0.25asec -weight natural -data-column DATA -use-wgridder" +
                           " -wgridder-accuracy 1e-6 -no-small-inversion -niter 0 -name ws " + ms);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.output;

  const auto cube = ptclean::testing::readFits(dir / "lsrk.residual.fits");
  ASSERT_EQ(cube.planes, 64);
  // The factor the run logged ("frame factor A to B"), the same for all 80 s to 1e-9.
  const auto at = ours.output.find("frame factor ");
  ASSERT_NE(at, std::string::npos) << ours.output;
  const double factor = std::stod(ours.output.substr(at + 13));
  EXPECT_LT(std::abs(factor - 1.0), 2e-4);  // tens of km/s at most
  double crval3 = 0, cdelt3 = 0;
  {
    const std::string script = dir / "axis.py";
    std::ofstream(script) << "import sys\nfrom astropy.io import fits\nh = fits.getheader(sys.argv[1])\n"
                             "print(repr(h['CRVAL3']), repr(h['CDELT3']), h['SPECSYS'])\n";
    auto axis = runCommand("/usr/bin/python3 " + script + " " + (dir / "lsrk.residual.fits"));
    ASSERT_EQ(axis.exit_code, 0) << axis.output;
    ASSERT_EQ(std::sscanf(axis.output.c_str(), "%lf %lf", &crval3, &cdelt3), 2) << axis.output;
    EXPECT_NE(axis.output.find("LSRK"), std::string::npos) << axis.output;
  }
  double worst = 0, peak = 0, worst_freq = 0;
  for (int k = 0; k < 64; ++k) {
    char name[64];
    std::snprintf(name, sizeof name, "ws-%04d-dirty.fits", k);
    const auto ws = ptclean::testing::readFits(dir / name);
    ASSERT_EQ(ws.pixels.size(), std::size_t(256 * 256)) << name;
    for (std::size_t i = 0; i < ws.pixels.size(); ++i) {
      peak = std::max(peak, std::abs(ws.pixels[i]));
      worst = std::max(worst, std::abs(ws.pixels[i] - cube.pixels[std::size_t(k) * 256 * 256 + i]));
    }
    // WSClean's channel k is at its TOPO frequency; ours at that times the factor.
    const std::string script = dir / "f.py";
    std::ofstream(script) << "import sys\nfrom astropy.io import fits\nprint(repr(fits.getheader(sys.argv[1])['CRVAL3']))\n";
    auto f = runCommand("/usr/bin/python3 " + script + " " + (dir / name));
    ASSERT_EQ(f.exit_code, 0) << f.output;
    const double topo = std::stod(f.output);
    // In channel widths: the axis is linear (first + k x width), the stored TOPO frequencies
    // are not quite (some 100 Hz here).
    worst_freq = std::max(worst_freq, std::abs((crval3 + k * cdelt3) - topo * factor) / std::abs(cdelt3));
  }
  std::printf("LSRK cube against WSClean's TOPO channels: max difference / peak %.3e, frequencies %.3e of a channel, "
              "factor %.12f\n",
              worst / peak, worst_freq, factor);
  EXPECT_LE(worst / peak, 1e-4);
  EXPECT_LE(worst_freq, 0.01);
}
