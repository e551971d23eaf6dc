// `ptclean simulate` writes complete MeasurementSets whose DATA follow
// V = S exp(+2 pi i (u l + v m + w (n - 1))) for the stored UVW, with the UVW convention
// (ant2 - ant1, u east, v north, w towards the source) pinned by hand-made baselines.
#include <casacore/casa/Arrays/ArrayLogical.h>
#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Arrays/Cube.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "array_layout.h"
#include "commands.h"
#include "config.h"
#include "ms_simulator.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace ptclean::imager;
using ptclean::testing::TempDir;

constexpr double kPi = 3.14159265358979323846;  // C++17 here (casacore): no <numbers>
constexpr double kArcsec = kPi / 180.0 / 3600.0;
constexpr double kC = 299792458.0;

SimulationSettings smallSettings() {
  SimulationSettings s;
  s.array = "vla";
  s.nchan = 4;
  s.nintegrations = 3;
  s.nscans = 2;
  s.hourangle_span_rad = 2.0 * kPi / 12.0;  // scans 1 h apart
  return s;
}

SkySource pointAt(double l_arcsec, double m_arcsec, double flux, const Direction& centre) {
  SkySource src;
  src.direction = lmToDirection(l_arcsec * kArcsec, m_arcsec * kArcsec, centre);
  src.flux_jy = flux;
  src.ref_freq_hz = 1.4e9;
  return src;
}

std::vector<double> chanFreqs(const casacore::MeasurementSet& ms, int spw) {
  casacore::MSColumns cols(ms);
  return cols.spectralWindow().chanFreq()(spw).tovector();
}

TEST(MsSimulator, WritesACompleteMeasurementSet) {
  TempDir dir("sim-structure");
  SimulationSettings s = smallSettings();
  s.nspw = 2;
  s.noise_jy = 0.5;
  s.sources = {pointAt(0, 0, 1.0, s.phase_centre)};
  const auto summary = simulateMs(s, dir / "t.ms", 2);

  casacore::MeasurementSet ms(dir / "t.ms");
  casacore::MSColumns cols(ms);
  const std::size_t nbl = 27 * 26 / 2;
  ASSERT_EQ(ms.nrow(), nbl * 3 * 2 * 2);
  EXPECT_EQ(summary.rows, ms.nrow());
  EXPECT_EQ(summary.visibilities, ms.nrow() * 4 * 4);
  EXPECT_EQ(ms.antenna().nrow(), 27u);
  EXPECT_EQ(ms.feed().nrow(), 27u);
  EXPECT_EQ(ms.field().nrow(), 1u);
  EXPECT_EQ(ms.source().nrow(), 1u);
  EXPECT_EQ(ms.spectralWindow().nrow(), 2u);
  EXPECT_EQ(ms.dataDescription().nrow(), 2u);
  EXPECT_EQ(cols.observation().telescopeName()(0), "VLA");
  EXPECT_NEAR(cols.antenna().dishDiameter()(0), 25.0, 1e-9);

  const std::vector<int> corr = cols.polarization().corrType()(0).tovector();
  EXPECT_EQ(corr, (std::vector<int>{casacore::Stokes::RR, casacore::Stokes::RL,
                                    casacore::Stokes::LR, casacore::Stokes::LL}));
  const casacore::Matrix<int> products = cols.polarization().corrProduct()(0);
  EXPECT_EQ(products(0, 1), 0);  // RL = receptor 0 x receptor 1
  EXPECT_EQ(products(1, 1), 1);

  for (int spw = 0; spw < 2; ++spw) {
    const auto f = chanFreqs(ms, spw);
    ASSERT_EQ(f.size(), 4u);
    for (std::size_t ch = 0; ch < f.size(); ++ch)
      EXPECT_DOUBLE_EQ(f[ch], 1.4e9 + spw * 4e6 + ch * 1e6);
  }
  EXPECT_TRUE(ms.tableDesc().isColumn("WEIGHT_SPECTRUM"));
  EXPECT_TRUE(ms.tableDesc().isColumn("DATA"));

  // Order: time, then spectral window, then baseline; ANTENNA1 < ANTENNA2.
  const auto time = cols.time().getColumn();
  const auto ant1 = cols.antenna1().getColumn(), ant2 = cols.antenna2().getColumn();
  const auto ddid = cols.dataDescId().getColumn();
  for (std::size_t r = 0; r < ms.nrow(); ++r) {
    ASSERT_LT(ant1[r], ant2[r]);
    if (r > 0) ASSERT_GE(time[r], time[r - 1]);
    ASSERT_EQ(ddid[r], static_cast<int>((r / nbl) % 2));
  }
  EXPECT_NEAR(time[nbl * 2] - time[0], 10.0, 1e-6);  // one integration later
  EXPECT_EQ(cols.scanNumber()(0), 1);
  EXPECT_EQ(cols.scanNumber()(ms.nrow() - 1), 2);
  EXPECT_NEAR(cols.interval()(0), 10.0, 1e-12);
  EXPECT_FALSE(casacore::anyEQ(cols.flag().getColumn(), true));
  EXPECT_FALSE(casacore::anyEQ(cols.flagRow().getColumn(), true));
  EXPECT_NEAR(cols.weight()(5)(casacore::IPosition(1, 3)), 4.0, 1e-6);  // 1 / 0.5^2
  EXPECT_NEAR(cols.sigma()(5)(casacore::IPosition(1, 0)), 0.5, 1e-6);
  EXPECT_NEAR(cols.weightSpectrum()(7)(casacore::IPosition(2, 2, 3)), 4.0, 1e-6);
  EXPECT_EQ(cols.stateId()(0), 0);
  EXPECT_EQ(ms.state().nrow(), 1u);
  const auto obs_range = cols.observation().timeRange()(0).tovector();
  EXPECT_LT(obs_range[0], time[0]);
  EXPECT_GT(obs_range[1], time[ms.nrow() - 1]);

  // Noise of the requested size around the 1 Jy default source at the centre: RR = 1 + noise,
  // RL = noise, in both the real and the imaginary part.
  const casacore::Array<casacore::Complex> data = cols.data().getColumn();
  const casacore::Cube<casacore::Complex> cube(data);
  double sum2[2] = {0, 0}, mean_rr = 0;
  std::size_t count = 0;
  for (std::size_t r = 0; r < cube.nplane(); ++r) {
    for (std::size_t ch = 0; ch < cube.ncolumn(); ++ch) {
      const std::complex<double> rr(cube(0, ch, r)), rl(cube(1, ch, r));
      mean_rr += rr.real();
      sum2[0] += std::pow(rr.real() - 1.0, 2) + std::pow(rr.imag(), 2);
      sum2[1] += std::norm(rl);
      ++count;
    }
  }
  EXPECT_NEAR(mean_rr / count, 1.0, 0.02);
  EXPECT_NEAR(std::sqrt(sum2[0] / (2 * count)), 0.5, 0.02);
  EXPECT_NEAR(std::sqrt(sum2[1] / (2 * count)), 0.5, 0.02);
}

TEST(MsSimulator, DescendingFrequenciesLinearFeedsAndNoWeightSpectrum) {
  TempDir dir("sim-descending");
  SimulationSettings s = smallSettings();
  s.chanwidth_hz = -2e6;
  s.ncorr = 2;
  s.feeds = FeedType::Linear;
  s.weight_spectrum = false;
  simulateMs(s, dir / "d.ms", 1);
  casacore::MeasurementSet ms(dir / "d.ms");
  casacore::MSColumns cols(ms);
  const auto f = chanFreqs(ms, 0);
  for (std::size_t ch = 1; ch < f.size(); ++ch) EXPECT_LT(f[ch], f[ch - 1]);
  EXPECT_DOUBLE_EQ(f[0], 1.4e9);
  EXPECT_LT(cols.spectralWindow().chanWidth()(0)(casacore::IPosition(1, 0)), 0.0);
  EXPECT_GT(cols.spectralWindow().totalBandwidth()(0), 0.0);
  EXPECT_EQ(cols.polarization().corrType()(0).tovector(),
            (std::vector<int>{casacore::Stokes::XX, casacore::Stokes::YY}));
  EXPECT_FALSE(ms.tableDesc().isColumn("WEIGHT_SPECTRUM"));
  EXPECT_EQ(cols.feed().polarizationType()(0).tovector(),
            (std::vector<casacore::String>{"X", "Y"}));
  EXPECT_EQ(cols.weight()(0).shape(), casacore::IPosition(1, 2));

  TempDir dir1("sim-onecorr");
  s.ncorr = 1;
  s.feeds = FeedType::Circular;
  simulateMs(s, dir1 / "o.ms", 1);
  casacore::MeasurementSet one(dir1 / "o.ms");
  EXPECT_EQ(casacore::MSColumns(one).polarization().corrType()(0).tovector(),
            std::vector<int>{casacore::Stokes::RR});
}

// Noise depends on the seed and the row only, not on how the rows were shared among threads.
TEST(MsSimulator, SameDataForAnyThreadCount) {
  TempDir dir("sim-threads");
  SimulationSettings s = smallSettings();
  s.noise_jy = 1.0;
  s.seed = 7;
  s.sources = {pointAt(20, 30, 1.0, s.phase_centre)};
  simulateMs(s, dir / "one.ms", 1);
  simulateMs(s, dir / "two.ms", 2);
  s.seed = 8;
  simulateMs(s, dir / "other.ms", 2);
  const auto data = [&](const std::string& name) {
    const casacore::MeasurementSet ms(dir / name);
    return casacore::MSColumns(ms).data().getColumn();
  };
  EXPECT_TRUE(casacore::allEQ(data("one.ms"), data("two.ms")));
  EXPECT_FALSE(casacore::allEQ(data("one.ms"), data("other.ms")));
}

// The visibility formula, evaluated in the test from the stored UVW and CHAN_FREQ.
TEST(MsSimulator, DataFollowTheMeasurementEquation) {
  TempDir dir("sim-formula");
  SimulationSettings s = smallSettings();
  s.nspw = 2;
  s.chanwidth_hz = -3e6;  // descending, so a wrong channel order shows
  s.autocorrelations = true;
  const double l = 150 * kArcsec, m = -80 * kArcsec;
  SkySource src = pointAt(150, -80, 2.5, s.phase_centre);
  src.spix = -0.7;
  s.sources = {src};
  simulateMs(s, dir / "f.ms", 2);

  casacore::MeasurementSet ms(dir / "f.ms");
  casacore::MSColumns cols(ms);
  const std::size_t nbl = 27 * 28 / 2;
  ASSERT_EQ(ms.nrow(), nbl * 3 * 2 * 2);
  const double n = std::sqrt(1 - l * l - m * m);
  std::size_t autos = 0;
  for (std::size_t r = 0; r < ms.nrow(); r += 97) {
    const std::vector<double> uvw = cols.uvw()(r).tovector();
    const auto f = chanFreqs(ms, cols.dataDescId()(r));
    const casacore::Matrix<casacore::Complex> data = cols.data()(r);
    if (cols.antenna1()(r) == cols.antenna2()(r)) {
      ++autos;
      EXPECT_EQ(uvw[0], 0.0);
    }
    for (std::size_t ch = 0; ch < f.size(); ++ch) {
      const double flux = 2.5 * std::pow(f[ch] / 1.4e9, -0.7);
      const double phase = 2 * kPi * f[ch] / kC * (uvw[0] * l + uvw[1] * m + uvw[2] * (n - 1));
      const std::complex<double> expected = flux * std::polar(1.0, phase);
      for (int c : {0, 3}) {
        EXPECT_NEAR(std::abs(std::complex<double>(data(c, ch)) - expected), 0.0, 1e-5 * flux)
            << "row " << r << " chan " << ch << " corr " << c;
      }
      for (int c : {1, 2}) EXPECT_EQ(data(c, ch), casacore::Complex(0, 0));
    }
  }
  const auto ant1 = cols.antenna1().getColumn(), ant2 = cols.antenna2().getColumn();
  EXPECT_EQ(casacore::ntrue(ant1 == ant2), 27u * 3 * 2 * 2);
}

// A Gaussian's visibilities against a DFT of its pixelised image: pins the position angle.
TEST(MsSimulator, GaussianMatchesTheTransformOfItsImage) {
  TempDir dir("sim-gauss");
  SimulationSettings s = smallSettings();
  s.nchan = 1;
  s.nscans = 1;
  s.nintegrations = 1;
  s.array_scale = 2.5;
  SkySource g;
  g.type = SkySource::Type::Gaussian;
  g.direction = s.phase_centre;
  g.flux_jy = 1.0;
  g.ref_freq_hz = 1.4e9;
  g.major_rad = 40 * kArcsec;
  g.minor_rad = 15 * kArcsec;
  g.pa_rad = 30 * kPi / 180;
  s.sources = {g};
  simulateMs(s, dir / "g.ms", 2);
  casacore::MeasurementSet ms(dir / "g.ms");
  casacore::MSColumns cols(ms);
  const double f = chanFreqs(ms, 0)[0];

  // I(l, m) on a 1" grid; the major axis points to PA 30 deg, east of north.
  const double sig_maj = 40 / (2 * std::sqrt(2 * std::log(2.0))),
               sig_min = 15 / (2 * std::sqrt(2 * std::log(2.0)));
  std::vector<std::array<double, 3>> pixels;  // l, m, intensity
  double total = 0;
  for (int y = -100; y <= 100; ++y) {
    for (int x = -100; x <= 100; ++x) {
      const double along = x * std::sin(g.pa_rad) + y * std::cos(g.pa_rad);
      const double across = x * std::cos(g.pa_rad) - y * std::sin(g.pa_rad);
      const double i = std::exp(
          -0.5 * (along * along / (sig_maj * sig_maj) + across * across / (sig_min * sig_min)));
      pixels.push_back({x * kArcsec, y * kArcsec, i});
      total += i;
    }
  }
  int resolved = 0;
  for (std::size_t r = 0; r < ms.nrow(); r += 7) {
    const std::vector<double> uvw = cols.uvw()(r).tovector();
    std::complex<double> dft = 0;
    for (const auto& [pl, pm, i] : pixels) {
      const double pn = std::sqrt(1 - pl * pl - pm * pm);
      dft +=
          i * std::polar(1.0, 2 * kPi * f / kC * (uvw[0] * pl + uvw[1] * pm + uvw[2] * (pn - 1)));
    }
    dft /= total;
    const std::complex<double> got(cols.data()(r)(casacore::IPosition(2, 0, 0)));
    EXPECT_NEAR(std::abs(got - dft), 0.0, 2e-3)
        << "row " << r << " uvw " << uvw[0] << " " << uvw[1];
    if (std::abs(dft) < 0.7) ++resolved;
  }
  EXPECT_GT(resolved, 5);  // the test means something only if the source is resolved
}

// Hand-made two-antenna arrays fix u = east, v = north, w = towards the source, ant2 - ant1.
TEST(MsSimulator, UvwOfEastAndNorthBaselines) {
  TempDir dir("sim-uvw");
  const double lat_deg = 34.0;
  for (const auto& [east, north] : {std::pair{100.0, 0.0}, std::pair{0.0, 100.0}}) {
    const std::string layout = dir / "two.txt";
    std::ofstream(layout) << "telescope VLA\nlocation -107.6 " << lat_deg << " 2100\n"
                          << "A 0 0 0\nB " << east << " " << north << " 0\n";
    SimulationSettings s;
    s.array = layout;
    s.nchan = 1;
    s.nintegrations = 1;
    s.integration_s = 0.1;
    s.hourangle_start_rad = 0.0;
    s.phase_centre = Direction{1.0, (lat_deg + 10) * kPi / 180};
    const std::string path = dir / (east > 0 ? "east.ms" : "north.ms");
    simulateMs(s, path, 1);
    casacore::MeasurementSet ms(path);
    casacore::MSColumns cols(ms);
    ASSERT_EQ(ms.nrow(), 1u);
    EXPECT_EQ(cols.antenna1()(0), 0);
    EXPECT_EQ(cols.antenna2()(0), 1);
    const std::vector<double> uvw = cols.uvw()(0).tovector();
    if (east > 0) {  // at transit an east-west baseline is all u
      EXPECT_NEAR(uvw[0], 100.0, 1e-3);
      EXPECT_NEAR(uvw[1], 0.0, 0.05);
      EXPECT_NEAR(uvw[2], 0.0, 0.05);
    } else {  // source 10 deg north of the zenith: B (north) is nearer to it, so w > 0
      EXPECT_NEAR(uvw[0], 0.0, 0.05);
      EXPECT_NEAR(uvw[1], 100 * std::cos(10 * kPi / 180), 0.05);
      EXPECT_NEAR(uvw[2], 100 * std::sin(10 * kPi / 180), 0.05);
    }
  }
}

TEST(MsSimulator, LayoutsResizeToAntennaCountAndLongestBaseline) {
  ArrayLayout vla = loadArrayLayout("vla");
  EXPECT_EQ(vla.antennas.size(), 27u);
  EXPECT_EQ(vla.telescope, "VLA");
  EXPECT_NEAR(maxBaseline(vla), 1039.2, 1.0);
  EXPECT_EQ(loadArrayLayout("alma_compact").antennas.size(), 43u);
  EXPECT_EQ(loadArrayLayout("alma_compact").telescope, "ALMA");

  const ArrayLayout grown = resizeLayout(vla, 40);
  ASSERT_EQ(grown.antennas.size(), 40u);
  EXPECT_NEAR(maxBaseline(grown), maxBaseline(vla), 1e-9);  // new antennas sit between old ones
  const ArrayLayout thin = resizeLayout(vla, 10);
  ASSERT_EQ(thin.antennas.size(), 10u);
  EXPECT_NEAR(maxBaseline(thin), maxBaseline(vla), 1e-9);  // the outermost antennas stay

  // The benchmark's array through the whole pipeline: exactly 40 antennas, 5 km.
  TempDir dir("sim-resize");
  SimulationSettings s;
  s.antennas = 40;
  s.max_baseline_m = 5000;
  s.nchan = 1;
  s.nintegrations = 1;
  const auto summary = simulateMs(s, dir / "r.ms", 2);
  EXPECT_EQ(summary.baselines, 780u);
  casacore::MeasurementSet ms(dir / "r.ms");
  casacore::MSColumns cols(ms);
  ASSERT_EQ(ms.antenna().nrow(), 40u);
  double longest = 0;
  for (std::size_t p = 0; p < 40; ++p) {
    for (std::size_t q = p + 1; q < 40; ++q) {
      const auto a = cols.antenna().position()(p).tovector(),
                 b = cols.antenna().position()(q).tovector();
      longest = std::max(longest, std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
    }
  }
  EXPECT_NEAR(longest, 5000.0, 1e-3);
}

TEST(MsSimulator, LayoutFilesAcceptItrfAndNameTheBadLine) {
  const Vec3 a = geodeticToItrf(-107.6 * kPi / 180, 34.0 * kPi / 180, 2100);
  std::ostringstream text;
  text.precision(17);
  text << "telescope VLA\nframe itrf\nA " << a[0] << " " << a[1] << " " << a[2] << "\nB "
       << a[0] + 30 << " " << a[1] << " " << a[2] << "\n";
  const ArrayLayout layout = parseArrayLayout(text.str(), "itrf.txt");
  EXPECT_NEAR(layout.lat_rad * 180 / kPi, 34.0, 1e-3);
  EXPECT_NEAR(maxBaseline(layout), 30.0, 1e-6);
  const auto back = itrfPositions(layout);
  EXPECT_NEAR(back[1][0] - a[0], 30.0, 1e-6);

  try {
    parseArrayLayout("telescope VLA\nlocation 0 0 0\nA 1 2\n", "bad.txt");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(loadArrayLayout("no_such_array"), std::runtime_error);
}

TEST(MsSimulator, ConfigKeysBecomeSettings) {
  const Config cfg = Config::load(
      simulateKeys(), "",
      {"freq=1.2GHz", "chanwidth=-500kHz", "integration=2", "hourangle_start=-1.5",
       "hourangle_span=3h", "nscans=3", "start_time=2025-03-01T12:00:00", "feeds=linear", "ncorr=2",
       "noise=0.1", "fields=['J2000 10h00m00.0 30d00m00.0']",
       "phasecenter=J2000 09h00m00.0 -20d30m00.0",
       "sources=[{type=\"gaussian\", l=30, m=-10, flux=2.0, major=\"20arcsec\", minor=10, pa=45, "
       "spix=-0.8}]"});
  const SimulationSettings s = simulationSettingsFrom(cfg);
  EXPECT_DOUBLE_EQ(s.freq_hz, 1.2e9);
  EXPECT_DOUBLE_EQ(s.chanwidth_hz, -5e5);
  EXPECT_DOUBLE_EQ(s.integration_s, 2.0);
  EXPECT_NEAR(s.hourangle_start_rad, -1.5 * kPi / 12, 1e-12);
  ASSERT_TRUE(s.hourangle_span_rad.has_value());
  EXPECT_NEAR(*s.hourangle_span_rad, 3 * kPi / 12, 1e-12);
  EXPECT_NEAR(s.start_time_mjd_s, (60735.0 + 0.5) * 86400, 1e-3);
  EXPECT_EQ(s.feeds, FeedType::Linear);
  ASSERT_EQ(s.extra_fields.size(), 1u);
  EXPECT_NEAR(s.extra_fields[0].ra, 150 * kPi / 180, 1e-12);
  EXPECT_NEAR(s.phase_centre.dec, -20.5 * kPi / 180, 1e-12);
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_EQ(s.sources[0].type, SkySource::Type::Gaussian);
  EXPECT_NEAR(s.sources[0].major_rad, 20 * kArcsec, 1e-15);
  EXPECT_NEAR(s.sources[0].minor_rad, 10 * kArcsec, 1e-15);
  EXPECT_NEAR(s.sources[0].pa_rad, kPi / 4, 1e-12);
  const Lmn lmn = directionToLmn(s.sources[0].direction, s.phase_centre);
  EXPECT_NEAR(lmn.l, 30 * kArcsec, 1e-15);
  EXPECT_NEAR(lmn.m, -10 * kArcsec, 1e-15);
  EXPECT_DOUBLE_EQ(s.sources[0].ref_freq_hz, 1.2e9);  // defaults to freq

  const SimulationSettings defaults = simulationSettingsFrom(Config::load(simulateKeys(), "", {}));
  ASSERT_EQ(defaults.sources.size(), 1u);
  EXPECT_EQ(defaults.nchan, 8u);
  EXPECT_TRUE(defaults.weight_spectrum);
  EXPECT_FALSE(defaults.autocorrelations);
}

std::string configError(const std::vector<std::string>& overrides) {
  try {
    simulationSettingsFrom(Config::load(simulateKeys(), "", overrides));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MsSimulator, BadValuesNameTheirKey) {
  EXPECT_NE(configError({"ncorr=3"}).find("ncorr"), std::string::npos);
  EXPECT_NE(configError({"feeds=elliptic"}).find("feeds"), std::string::npos);
  EXPECT_NE(configError({"nchan=0"}).find("nchan"), std::string::npos);
  EXPECT_NE(configError({"antennas=-3"}).find("antennas"), std::string::npos);
  EXPECT_NE(configError({"max_baseline=5000", "array_scale=2"}).find("max_baseline"),
            std::string::npos);
  EXPECT_NE(configError({"chanwidth=-200MHz"}).find("chanwidth"), std::string::npos);
  EXPECT_NE(configError({"hourangle_span=0.1h", "nscans=4"}).find("hourangle_span"),
            std::string::npos);
  EXPECT_NE(configError({"phasecenter=B1950 10h00m00 20d00m00"}).find("phasecenter"),
            std::string::npos);
  EXPECT_NE(configError({"integration=10 parsecs"}).find("integration"), std::string::npos);
  EXPECT_NE(configError({"sources=[{type=\"point\", l=1, m=0, fluxx=1}]"}).find("sources[0].fluxx"),
            std::string::npos);
  EXPECT_NE(configError({"sources=[{type=\"disk\", l=1, m=0, flux=1}]"}).find("sources[0].type"),
            std::string::npos);
  EXPECT_NE(configError({"sources=[{l=1, flux=1, ra=\"10h00m00\", dec=\"20d00m00\"}]"})
                .find("sources[0]"),
            std::string::npos);
}

TEST(MsSimulator, CommandWritesAtomicallyAndRefusesToOverwrite) {
  TempDir dir("sim-command");
  const std::string ms = dir / "c.ms";
  testing::internal::CaptureStdout();
  EXPECT_EQ(runSimulateCommand("", {"vis=" + ms, "nchan=2", "nintegrations=2"}, 2), 0);
  const std::string log = testing::internal::GetCapturedStdout();
  EXPECT_NE(log.find("351 baselines"), std::string::npos) << log;
  EXPECT_NE(log.find("702 rows"), std::string::npos) << log;
  EXPECT_EQ(casacore::MeasurementSet(ms).nrow(), 702u);
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
  try {
    runSimulateCommand("", {"vis=" + ms}, 1);
    FAIL() << "overwrote " << ms;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(ms), std::string::npos) << e.what();
  }
  EXPECT_THROW(runSimulateCommand("", {"nchan=2"}, 1), ConfigError);  // no vis
  // A failure half-way leaves nothing behind: here the default source is more than 90 deg from
  // the second field, found after the MeasurementSet was created.
  EXPECT_THROW(runSimulateCommand("",
                                  {"vis=" + (dir / "x.ms"), "nchan=1", "nintegrations=1",
                                   "nscans=2", "fields=['J2000 21h00m00.0 -34d00m00.0']"},
                                  1),
               std::runtime_error);
  EXPECT_THROW(runSimulateCommand("", {"vis=" + (dir / "y.ms"), "array=" + (dir / "none.txt")}, 1),
               std::runtime_error);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

}  // namespace
