// OutputSet writes CASA images and FITS files that casacore (and astropy, where installed) read
// back with the same sky orientation, and it never leaves a partial or overwritten output.
#include <casacore/coordinates/Coordinates/CoordinateSystem.h>
#include <casacore/coordinates/Coordinates/DirectionCoordinate.h>
#include <casacore/coordinates/Coordinates/SpectralCoordinate.h>
#include <casacore/coordinates/Coordinates/StokesCoordinate.h>
#include <casacore/images/Images/FITSImage.h>
#include <casacore/images/Images/PagedImage.h>
#include <casacore/measures/Measures/MDirection.h>
#include <fitsio.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "fits_writer.h"
#include "image_writer.h"
#include "test_support.h"

namespace {

namespace cc = casacore;
namespace fs = std::filesystem;
using ptclean::imager::ImageMetadata;
using ptclean::imager::OutputSet;

// This file includes casacore, so it builds as C++17 (see the top CMakeLists.txt): no <numbers>.
constexpr double kPi = 3.14159265358979323846;
constexpr double kArcsec = kPi / 180.0 / 3600.0;
constexpr double kDeg = kPi / 180.0;
constexpr std::size_t kX = 10, kY = 30;  // the marked pixel: west of centre (x < nx/2)

ImageMetadata sampleMeta() {
  ImageMetadata meta;
  meta.nx = 64;
  meta.ny = 48;
  meta.cell_x_rad = 2 * kArcsec;
  meta.cell_y_rad = 3 * kArcsec;
  meta.ra_rad = 150 * kDeg;
  meta.dec_rad = -30 * kDeg;
  meta.ref_freq_hz = 1.4e9;
  meta.bandwidth_hz = 2e8;
  meta.beam = ptclean::deconvolution::Beam{10 * kArcsec, 6 * kArcsec, 30 * kDeg};
  meta.telescope = "MeerKAT";
  meta.object = "J1000-3000";
  meta.obs_time_mjd_s = 58850.0 * 86400.0 + 3 * 3600 + 4 * 60 + 5.5;  // 2020-01-02T03:04:05.5
  meta.history = {"ptclean test: niter = 100", "second history line"};
  return meta;
}

std::vector<double> samplePixels(const ImageMetadata& meta, std::size_t planes = 1) {
  std::vector<double> pixels(meta.nx * meta.ny * planes, 0.0);
  pixels[(meta.ny / 2) * meta.nx + meta.nx / 2] = 1.0;
  pixels[kY * meta.nx + kX] = 2.5;
  return pixels;
}

/// RA/Dec of pixel (x, y) worked out by hand from the SIN projection, independent of casacore.
std::pair<double, double> expectedRaDec(const ImageMetadata& meta, double x, double y) {
  const double l = -(x - static_cast<double>(meta.nx / 2)) * meta.cell_x_rad;
  const double m = (y - static_cast<double>(meta.ny / 2)) * meta.cell_y_rad;
  const double n = std::sqrt(1.0 - l * l - m * m);
  const double dec = std::asin(m * std::cos(meta.dec_rad) + n * std::sin(meta.dec_rad));
  const double ra =
      meta.ra_rad + std::atan2(l, n * std::cos(meta.dec_rad) - m * std::sin(meta.dec_rad));
  return {ra, dec};
}

std::pair<double, double> worldOf(const cc::CoordinateSystem& cs, double x, double y) {
  const cc::DirectionCoordinate& direction = cs.directionCoordinate();
  cc::MDirection world;
  cc::Vector<cc::Double> pixel(2);
  pixel[0] = x;
  pixel[1] = y;
  EXPECT_TRUE(direction.toWorld(world, pixel));
  return {world.getValue().getLong(), world.getValue().getLat()};
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

std::string fitsKey(const std::string& path, const char* key) {
  fitsfile* f = nullptr;
  int status = 0;
  char value[FLEN_VALUE] = {}, comment[FLEN_COMMENT] = {};
  fits_open_diskfile(&f, path.c_str(), READONLY, &status);
  fits_read_keyword(f, key, value, comment, &status);
  int ignored = 0;
  if (f) fits_close_file(f, &ignored);
  return status == 0 ? value : "<missing>";
}

/// Every header card of the primary HDU, 80 characters each.
std::string fitsHeader(const std::string& path) {
  fitsfile* f = nullptr;
  int status = 0, cards = 0;
  char* header = nullptr;
  fits_open_diskfile(&f, path.c_str(), READONLY, &status);
  fits_hdr2str(f, 0, nullptr, 0, &header, &cards, &status);
  std::string text = header && status == 0 ? header : "";
  if (header) fits_free_memory(header, &status);
  int ignored = 0;
  if (f) fits_close_file(f, &ignored);
  return text;
}

TEST(ImageWriter, CasaAndFitsAgreeOnValuesBeamAndOrientation) {
  ptclean::testing::TempDir dir("image-writer");
  const auto meta = sampleMeta();
  const auto pixels = samplePixels(meta);
  std::vector<std::string> finals;
  {
    OutputSet out(dir / "run");
    out.add("image", meta, pixels);
    finals = out.commit();
  }
  ASSERT_EQ(finals, (std::vector<std::string>{dir / "run.image", dir / "run.image.fits"}));
  const auto [ra, dec] = expectedRaDec(meta, kX, kY);
  const auto [ra_centre, dec_centre] = expectedRaDec(meta, meta.nx / 2, meta.ny / 2);
  ASSERT_GT(ra, ra_centre) << "RA must grow towards smaller x";
  ASSERT_NEAR(ra_centre, meta.ra_rad, 1e-15);

  // CASA image, reopened after its directory was renamed into place.
  cc::PagedImage<cc::Float> casa(dir / "run.image");
  EXPECT_EQ(casa.shape(), cc::IPosition(4, 64, 48, 1, 1));
  EXPECT_FLOAT_EQ(casa.getAt(cc::IPosition(4, kX, kY, 0, 0)), 2.5f);
  EXPECT_FLOAT_EQ(casa.getAt(cc::IPosition(4, 32, 24, 0, 0)), 1.0f);
  EXPECT_FLOAT_EQ(casa.getAt(cc::IPosition(4, kY, kX, 0, 0)), 0.0f);  // not transposed
  EXPECT_EQ(casa.units().getName(), "Jy/beam");
  const auto beam = casa.imageInfo().restoringBeam();
  EXPECT_NEAR(beam.getMajor("arcsec"), 10.0, 1e-9);
  EXPECT_NEAR(beam.getMinor("arcsec"), 6.0, 1e-9);
  EXPECT_NEAR(beam.getPA(cc::Unit("deg")), 30.0, 1e-9);
  EXPECT_EQ(casa.imageInfo().objectName(), "J1000-3000");
  const cc::CoordinateSystem& cs = casa.coordinates();
  EXPECT_EQ(cs.obsInfo().telescope(), "MeerKAT");
  EXPECT_NEAR(cs.obsInfo().obsDate().getValue().get() * 86400.0, meta.obs_time_mjd_s, 1e-3);
  // Axis order RA, Dec, Stokes, Frequency, as tclean writes.
  EXPECT_EQ(cs.coordinate(0).type(), cc::Coordinate::DIRECTION);
  EXPECT_EQ(cs.coordinate(1).type(), cc::Coordinate::STOKES);
  EXPECT_EQ(cs.coordinate(2).type(), cc::Coordinate::SPECTRAL);
  EXPECT_EQ(cs.stokesCoordinate().stokes()[0], cc::Stokes::I);
  EXPECT_EQ(cs.spectralCoordinate().frequencySystem(), cc::MFrequency::TOPO);
  EXPECT_DOUBLE_EQ(cs.spectralCoordinate().referenceValue()[0], 1.4e9);
  EXPECT_DOUBLE_EQ(cs.spectralCoordinate().increment()[0], 2e8);
  const auto [casa_ra, casa_dec] = worldOf(cs, kX, kY);
  EXPECT_NEAR(casa_ra, ra, 1e-12);
  EXPECT_NEAR(casa_dec, dec, 1e-12);
  std::vector<std::string> history;
  for (auto it = casa.logger().begin(); it != casa.logger().end(); ++it)
    history.push_back(it->message());
  EXPECT_NE(std::find(history.begin(), history.end(), "second history line"), history.end());

  // FITS file through casacore's own FITS reader: same values, beam and world coordinates.
  cc::FITSImage fits(dir / "run.image.fits");
  EXPECT_EQ(fits.shape(), cc::IPosition(4, 64, 48, 1, 1));
  EXPECT_FLOAT_EQ(fits.getAt(cc::IPosition(4, kX, kY, 0, 0)), 2.5f);
  EXPECT_EQ(fits.units().getName(), "Jy/beam");
  const auto fits_beam = fits.imageInfo().restoringBeam();
  EXPECT_NEAR(fits_beam.getMajor("arcsec"), 10.0, 1e-9);
  EXPECT_NEAR(fits_beam.getMinor("arcsec"), 6.0, 1e-9);
  EXPECT_NEAR(fits_beam.getPA(cc::Unit("deg")), 30.0, 1e-9);
  const auto [fits_ra, fits_dec] = worldOf(fits.coordinates(), kX, kY);
  EXPECT_NEAR(fits_ra, ra, 1e-12);
  EXPECT_NEAR(fits_dec, dec, 1e-12);

  const std::string path = dir / "run.image.fits";
  EXPECT_EQ(fitsKey(path, "CTYPE1"), "'RA---SIN'");
  EXPECT_EQ(fitsKey(path, "CTYPE3"), "'FREQ    '");
  EXPECT_EQ(fitsKey(path, "CTYPE4"), "'STOKES  '");
  EXPECT_DOUBLE_EQ(std::stod(fitsKey(path, "CRPIX1")), 33.0);
  EXPECT_DOUBLE_EQ(std::stod(fitsKey(path, "CRPIX2")), 25.0);
  EXPECT_DOUBLE_EQ(std::stod(fitsKey(path, "CRVAL4")), 1.0);
  EXPECT_NEAR(std::stod(fitsKey(path, "CDELT1")), -2.0 / 3600.0, 1e-17);
  EXPECT_NEAR(std::stod(fitsKey(path, "CDELT2")), 3.0 / 3600.0, 1e-17);
  for (const char* key : {"CRVAL1", "CDELT1", "CDELT2", "CRVAL3", "BMAJ", "BMIN", "BPA"})
    EXPECT_LE(fitsKey(path, key).size(), 20u) << key << " is not in FITS fixed format";
  const std::string header = fitsHeader(path);
  EXPECT_NE(header.find("HISTORY second history line"), std::string::npos);
  EXPECT_NE(header.find("RADESYS = 'FK5     '"), std::string::npos);
  EXPECT_EQ(fitsKey(path, "DATE-OBS"), "'2020-01-02T03:04:05.500'");
  EXPECT_EQ(fitsKey(path, "ORIGIN"), "'ptclean '");
  EXPECT_EQ(fitsKey(path, "SPECSYS"), "'TOPOCENT'");
}

TEST(ImageWriter, AstropyReadsTheSameWorldCoordinates) {
  if (ptclean::testing::runCommand("/usr/bin/python3 -c 'import astropy.wcs'").exit_code != 0)
    GTEST_SKIP() << "astropy is not importable by /usr/bin/python3";
  ptclean::testing::TempDir dir("image-writer-astropy");
  const auto meta = sampleMeta();
  {
    OutputSet out(dir / "run");
    out.add("image", meta, samplePixels(meta));
    out.commit();
  }
  const std::string script =
      "import sys, warnings; warnings.simplefilter('ignore');"
      "from astropy.io import fits; from astropy.wcs import WCS;"
      "h = fits.open(sys.argv[1])[0];"
      "assert h.data.shape == (1, 1, 48, 64) and h.data[0, 0, 30, 10] == 2.5;"
      "w = WCS(h.header);"
      "print('%.15f %.15f' % tuple(w.wcs_pix2world([[10, 30, 0, 0]], 0)[0][:2]))";
  const auto result = ptclean::testing::runCommand("/usr/bin/python3 -c \"" + script + "\" '" +
                                                   (dir / "run.image.fits") + "'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  double ra_deg = 0.0, dec_deg = 0.0;
  // The last line holds the numbers; anything before it would be warnings.
  const auto last = result.output.substr(result.output.rfind('\n', result.output.size() - 2) + 1);
  ASSERT_EQ(std::sscanf(last.c_str(), "%lf %lf", &ra_deg, &dec_deg), 2) << result.output;
  const auto [ra, dec] = expectedRaDec(meta, kX, kY);
  EXPECT_NEAR(ra_deg, ra / kDeg, 1e-9);
  EXPECT_NEAR(dec_deg, dec / kDeg, 1e-9);
}

TEST(ImageWriter, OneByOneSumwtAndFourStokesPlanes) {
  ptclean::testing::TempDir dir("image-writer-shapes");
  ImageMetadata sumwt = sampleMeta();
  sumwt.nx = sumwt.ny = 1;
  sumwt.units = "";
  sumwt.beam.reset();
  ImageMetadata iquv = sampleMeta();
  iquv.stokes = "IQUV";
  std::vector<double> planes = samplePixels(iquv, 4);
  planes[3 * iquv.nx * iquv.ny + 5] = -7.0;  // plane V, pixel (5, 0)
  {
    OutputSet out(dir / "run");
    out.add("sumwt", sumwt, std::vector<double>{1234.5});
    out.add("image", iquv, planes);
    out.commit();
  }
  cc::PagedImage<cc::Float> casa(dir / "run.sumwt");
  EXPECT_EQ(casa.shape(), cc::IPosition(4, 1, 1, 1, 1));
  EXPECT_FLOAT_EQ(casa.getAt(cc::IPosition(4, 0)), 1234.5f);
  cc::FITSImage fits(dir / "run.sumwt.fits");
  EXPECT_EQ(fits.shape(), cc::IPosition(4, 1, 1, 1, 1));
  EXPECT_FLOAT_EQ(fits.getAt(cc::IPosition(4, 0)), 1234.5f);

  cc::PagedImage<cc::Float> casa4(dir / "run.image");
  EXPECT_EQ(casa4.shape(), cc::IPosition(4, 64, 48, 4, 1));
  EXPECT_EQ(casa4.coordinates().stokesCoordinate().stokes()[3], cc::Stokes::V);
  EXPECT_FLOAT_EQ(casa4.getAt(cc::IPosition(4, 5, 0, 3, 0)), -7.0f);
  cc::FITSImage fits4(dir / "run.image.fits");
  EXPECT_EQ(fits4.shape(), cc::IPosition(4, 64, 48, 1, 4));
  EXPECT_FLOAT_EQ(fits4.getAt(cc::IPosition(4, 5, 0, 0, 3)), -7.0f);
}

TEST(ImageWriter, StokesCodesAndDates) {
  using ptclean::imager::stokesFitsCodes;
  EXPECT_EQ(stokesFitsCodes("I"), std::vector<int>{1});
  EXPECT_EQ(stokesFitsCodes("iquv"), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(stokesFitsCodes("RRLL"), (std::vector<int>{-1, -2}));
  EXPECT_EQ(stokesFitsCodes("XXYY"), (std::vector<int>{-5, -6}));
  EXPECT_THROW(stokesFitsCodes("XXXYYXYY"), std::invalid_argument);  // not a linear axis
  EXPECT_THROW(stokesFitsCodes("IZ"), std::invalid_argument);
  EXPECT_THROW(stokesFitsCodes(""), std::invalid_argument);
  EXPECT_EQ(ptclean::imager::isoDateFromMjdSeconds(51544.5 * 86400.0), "2000-01-01T12:00:00.000");
  EXPECT_EQ(ptclean::imager::isoDateFromMjdSeconds(0.0), "1858-11-17T00:00:00.000");
}

TEST(OutputSet, RefusesAnExistingOutputAndNamesIt) {
  ptclean::testing::TempDir dir("output-set-refuse");
  std::FILE* f = std::fopen((dir / "run.residual.fits").c_str(), "w");
  std::fclose(f);
  try {
    OutputSet out(dir / "run");
    FAIL() << "an existing output was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "output " + (dir / "run.residual.fits") +
                                             " already exists; remove it or choose another "
                                             "imagename");
  }
  fs::create_directory(dir / "run.psf");  // a CASA image is a directory; psf comes first
  try {
    OutputSet out(dir / "run");
    FAIL() << "an existing output was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(dir / "run.psf "), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(OutputSet(dir / "other"));
}

TEST(OutputSet, RefusesAMissingFolderBeforeAnyWork) {
  ptclean::testing::TempDir dir("output-set-folder");
  const std::string imagename = dir / "missing/run";
  try {
    OutputSet out(imagename);
    FAIL() << "an imagename in a missing folder was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "imagename " + imagename + ": folder " + (dir / "missing") +
                                             " does not exist; create it first");
  }
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(OutputSet, ExceptionBeforeCommitLeavesNothing) {
  ptclean::testing::TempDir dir("output-set-abort");
  const auto meta = sampleMeta();
  try {
    OutputSet out(dir / "run");
    out.add("psf", meta, samplePixels(meta));
    out.add("residual", meta, samplePixels(meta));
    EXPECT_EQ(listing(dir.path()).size(), 4u);  // staged, under temporary names
    for (const auto& name : listing(dir.path()))
      EXPECT_NE(name.find(".ptclean-tmp-"), std::string::npos) << name;
    throw std::runtime_error("major cycle failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(OutputSet, AddThatFailsHalfWayCleansUpAtOnce) {
  ptclean::testing::TempDir dir("output-set-half");
  const auto meta = sampleMeta();
  OutputSet out(dir / "run");
  out.add("psf", meta, samplePixels(meta));
  // Temporary names end in -<pid>-<counter>; the FITS file of psf took the latest counter, so
  // the next add stages the CASA image at +1 and the FITS file at +2. Block the FITS name.
  unsigned last = 0;
  for (const auto& name : listing(dir.path()))
    if (name.rfind("run.psf.fits.ptclean-tmp-", 0) == 0)
      last = std::stoul(name.substr(name.rfind('-') + 1));
  const std::string blocker = dir / ("run.residual.fits.ptclean-tmp-" + std::to_string(::getpid()) +
                                     "-" + std::to_string(last + 2));
  fs::create_directory(blocker);
  EXPECT_THROW(out.add("residual", meta, samplePixels(meta)), std::runtime_error);
  for (const auto& name : listing(dir.path()))
    EXPECT_NE(name.rfind("run.residual.ptclean-tmp-", 0), 0u) << name << " left behind";
  fs::remove(blocker);
  // The set is still usable: the failed image can be added again.
  out.add("residual", meta, samplePixels(meta));
  out.commit();
  EXPECT_EQ(listing(dir.path()), (std::set<std::string>{"run.psf", "run.psf.fits", "run.residual",
                                                        "run.residual.fits"}));
}

TEST(OutputSet, CommitPutsEverythingInPlace) {
  ptclean::testing::TempDir dir("output-set-commit");
  const auto meta = sampleMeta();
  ImageMetadata sumwt = meta;
  sumwt.nx = sumwt.ny = 1;
  {
    OutputSet out(dir / "run");
    out.add("psf", meta, samplePixels(meta));
    out.add("residual", meta, samplePixels(meta));
    out.add("sumwt", sumwt, std::vector<double>{42.0});
    EXPECT_EQ(out.commit().size(), 6u);
    EXPECT_THROW(out.commit(), std::logic_error);
  }
  EXPECT_EQ(listing(dir.path()),
            (std::set<std::string>{"run.psf", "run.psf.fits", "run.residual", "run.residual.fits",
                                   "run.sumwt", "run.sumwt.fits"}));
  EXPECT_THROW(OutputSet(dir / "run"), std::runtime_error);
}

TEST(OutputSet, CommitRefusesAnOutputThatAppearedMeanwhile) {
  ptclean::testing::TempDir dir("output-set-race");
  const auto meta = sampleMeta();
  {
    OutputSet out(dir / "run");
    out.add("psf", meta, samplePixels(meta));
    std::fclose(std::fopen((dir / "run.psf.fits").c_str(), "w"));  // another run got there first
    EXPECT_THROW(out.commit(), std::runtime_error);
  }
  EXPECT_EQ(listing(dir.path()), std::set<std::string>{"run.psf.fits"});
  EXPECT_EQ(fs::file_size(dir / "run.psf.fits"), 0u);  // not overwritten
}

TEST(OutputSet, BadImagesAreRefusedBeforeAnythingIsWritten) {
  ptclean::testing::TempDir dir("output-set-bad");
  auto meta = sampleMeta();
  OutputSet out(dir / "run");
  EXPECT_THROW(out.add("psf", meta, std::vector<double>(10)), std::invalid_argument);
  meta.ref_freq_hz = NAN;
  EXPECT_THROW(out.add("psf", meta, samplePixels(meta)), std::invalid_argument);
  meta = sampleMeta();
  meta.units = "furlongs per fortnight";
  EXPECT_THROW(out.add("psf", meta, samplePixels(meta)), std::invalid_argument);
  EXPECT_TRUE(listing(dir.path()).empty());
}

}  // namespace
