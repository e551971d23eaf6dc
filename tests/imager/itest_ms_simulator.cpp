// Simulated MeasurementSets read by other programs: python-casacore, and WSClean, whose dirty
// image puts a source east of the phase centre (l > 0) left of the centre (x < centre). That
// pins the sign convention of DATA and UVW end to end.
#include <fitsio.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "test_support.h"

namespace {

using ptclean::imager::runSimulateCommand;
using ptclean::testing::runCommand;
using ptclean::testing::TempDir;

bool haveWsclean() { return runCommand("command -v wsclean").exit_code == 0; }

void simulate(const std::string& ms, std::vector<std::string> overrides) {
  overrides.push_back("vis=" + ms);
  testing::internal::CaptureStdout();
  const int code = runSimulateCommand("", overrides, 2);
  testing::internal::GetCapturedStdout();
  ASSERT_EQ(code, 0);
}

struct Peak {
  long x = 0, y = 0;  ///< 0-based FITS pixel
  double value = 0, centre_x = 0, centre_y = 0;
};

Peak fitsPeak(const std::string& path) {
  fitsfile* f = nullptr;
  int status = 0;
  fits_open_file(&f, path.c_str(), READONLY, &status);
  int naxis = 0;
  long size[4] = {1, 1, 1, 1};
  fits_get_img_dim(f, &naxis, &status);
  fits_get_img_size(f, 4, size, &status);
  double crpix1 = 0, crpix2 = 0, cdelt1 = 0;
  fits_read_key(f, TDOUBLE, "CRPIX1", &crpix1, nullptr, &status);
  fits_read_key(f, TDOUBLE, "CRPIX2", &crpix2, nullptr, &status);
  fits_read_key(f, TDOUBLE, "CDELT1", &cdelt1, nullptr, &status);
  std::vector<double> pixels(static_cast<std::size_t>(size[0] * size[1]));
  long first[4] = {1, 1, 1, 1};
  int any_null = 0;
  fits_read_pix(f, TDOUBLE, first, static_cast<LONGLONG>(pixels.size()), nullptr, pixels.data(),
                &any_null, &status);
  fits_close_file(f, &status);
  EXPECT_EQ(status, 0) << "cfitsio status reading " << path;
  EXPECT_LT(cdelt1, 0.0) << "RA should grow to the left";
  const auto it = std::max_element(pixels.begin(), pixels.end());
  const long i = static_cast<long>(it - pixels.begin());
  return {i % size[0], i / size[0], *it, crpix1 - 1, crpix2 - 1};
}

TEST(MsSimulatorInterop, PythonCasacoreReadsIt) {
  if (runCommand("/usr/bin/python3 -c 'import casacore.tables'").exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import casacore";
  }
  TempDir dir("sim-python");
  const std::string ms = dir / "p.ms";
  simulate(ms, {"nchan=3", "nintegrations=4", "nspw=2", "chanwidth=-1MHz"});
  const auto r = runCommand("/usr/bin/python3 -c \"import casacore.tables as t; ms=t.table('" + ms +
                            "'); print(ms.nrows())\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::to_string(351 * 4 * 2)), std::string::npos) << r.output;

  const auto cols = runCommand("/usr/bin/python3 -c \"import casacore.tables as t; ms=t.table('" +
                               ms + "', ack=False); d=ms.getcol('DATA'); s=t.table('" + ms +
                               "/SPECTRAL_WINDOW', ack=False);"
                               " f=s.getcol('CHAN_FREQ'); print(d.shape, int(f[0][0] > f[0][1]), "
                               "ms.getcol('WEIGHT_SPECTRUM').shape)\"");
  ASSERT_EQ(cols.exit_code, 0) << cols.output;
  EXPECT_NE(cols.output.find("(2808, 3, 4) 1 (2808, 3, 4)"), std::string::npos) << cols.output;
}

// One point source 100" east and 50" north of the phase centre: 10 and 5 pixels of 10".
void expectSourceWhereItBelongs(const std::string& dir, const std::string& ms, double flux,
                                const std::string& options = "") {
  const std::string name = dir + "/w";
  const auto r = runCommand("cd '" + dir + "' && wsclean -quiet -j 2 -size 64 64 -scale 10arcsec " +
                            options + " -name '" + name + "' '" + ms + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(std::filesystem::exists(name + "-image.fits")) << r.output;
  const Peak peak = fitsPeak(name + "-image.fits");
  EXPECT_LT(peak.x, peak.centre_x);  // east is left
  EXPECT_EQ(peak.x, static_cast<long>(peak.centre_x) - 10);
  EXPECT_EQ(peak.y, static_cast<long>(peak.centre_y) + 5);
  EXPECT_NEAR(peak.value, flux, 0.05 * flux);
}

TEST(MsSimulatorInterop, WscleanImagesAnEastSourceLeftOfCentre) {
  if (!haveWsclean()) GTEST_SKIP() << "wsclean is not on PATH";
  TempDir dir("sim-wsclean");
  const std::string ms = dir / "w.ms";
  simulate(ms, {"nchan=4", "nintegrations=5", "nscans=4", "hourangle_start=-3h",
                "hourangle_span=6h", "sources=[{type=\"point\", l=100.0, m=50.0, flux=2.0}]"});
  expectSourceWhereItBelongs(dir.path().string(), ms, 2.0);
}

// The edge cases: descending channels over two spectral windows, linear feeds, two correlations.
TEST(MsSimulatorInterop, WscleanReadsDescendingLinearTwoSpw) {
  if (!haveWsclean()) GTEST_SKIP() << "wsclean is not on PATH";
  TempDir dir("sim-wsclean2");
  const std::string ms = dir / "d.ms";
  simulate(ms, {"nchan=4", "nspw=2", "chanwidth=-2MHz", "feeds=linear", "ncorr=2",
                "nintegrations=5", "nscans=4", "hourangle_start=-3h", "hourangle_span=6h",
                "weight_spectrum=false", "sources=[{type=\"point\", l=100.0, m=50.0, flux=1.5}]"});
  // WSClean reads several spectral windows only through its reordered copy.
  expectSourceWhereItBelongs(dir.path().string(), ms, 1.5, "-reorder");
}

}  // namespace
