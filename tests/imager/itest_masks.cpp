// Clean masks end to end: user regions (pixel and sky coordinates), mask images, tclean's
// auto-multithresh, the .mask output, an empty mask, and a bad region.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <utility>
#include <vector>

#include "ms_oracle.h"
#include "test_support.h"

using namespace ptclean::testing;

namespace {

constexpr std::size_t kN = 256;
constexpr double kCellArcsec = 2.0;
constexpr double kPi = 3.141592653589793;

struct Source {
  double l_arcsec, m_arcsec, flux;
  double x() const { return double(kN / 2) - l_arcsec / kCellArcsec; }
  double y() const { return double(kN / 2) + m_arcsec / kCellArcsec; }
};
const Source kSources[] = {{0.0, 0.0, 1.0}, {60.0, -40.0, 0.5}, {-90.0, 50.0, 0.3}};

std::string simulate(const TempDir& dir) {
  const std::string ms = dir / "points.ms";
  std::vector<ptclean::testing::PointSource> points;
  for (const auto& s : kSources) points.push_back({s.l_arcsec, s.m_arcsec, s.flux});
  const std::string sources = ptclean::testing::pointSourcesToml(points);
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set array_scale=3.28 --set nchan=4 --set nintegrations=20 --set nscans=4"
                      " --set hourangle_span=6h --set hourangle_start=-3h --set 'phasecenter=J2000 12h00m00 40d00m00'"
                      " --set noise=0.25 --set 'sources=" + sources + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

CommandResult clean(const std::string& ms, const std::string& name, const std::string& extra) {
  return runCommand(ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + name + " --set imsize=" +
                    std::to_string(kN) + " --set cell=" + std::to_string(kCellArcsec) +
                    "arcsec --set datacolumn=data --set niter=3000 --set nsigma=3 --set cycleniter=300 " + extra);
}

double fluxNear(const FitsImage& model, const Source& s, double radius) {
  double flux = 0;
  for (std::size_t y = 0; y < kN; ++y)
    for (std::size_t x = 0; x < kN; ++x)
      if (std::hypot(double(x) - s.x(), double(y) - s.y()) <= radius) flux += model.pixels[y * kN + x];
  return flux;
}

/// The sky position of a source as sexagesimal strings (inverse SIN projection).
std::pair<std::string, std::string> skyPosition(const Source& s) {
  const double ra0 = 180.0 * kPi / 180.0, dec0 = 40.0 * kPi / 180.0;
  const double l = s.l_arcsec / 3600.0 * kPi / 180.0, m = s.m_arcsec / 3600.0 * kPi / 180.0;
  const double n = std::sqrt(1 - l * l - m * m);
  const double dec = std::asin(m * std::cos(dec0) + n * std::sin(dec0));
  const double ra = ra0 + std::atan2(l, n * std::cos(dec0) - m * std::sin(dec0));
  const double hours = ra * 12.0 / kPi, degrees = dec * 180.0 / kPi;
  char ra_text[64], dec_text[64];
  std::snprintf(ra_text, sizeof ra_text, "%02dh%02dm%07.4fs", int(hours), int(std::fmod(hours * 60, 60)),
                std::fmod(hours * 3600, 60));
  std::snprintf(dec_text, sizeof dec_text, "+%02dd%02dm%07.4fs", int(degrees), int(std::fmod(degrees * 60, 60)),
                std::fmod(degrees * 3600, 60));
  return {ra_text, dec_text};
}

}  // namespace

class Masks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("masks");
    ms_ = new std::string(simulate(*dir_));
  }
  static void TearDownTestSuite() {
    delete ms_;
    delete dir_;
  }
  static TempDir* dir_;
  static std::string* ms_;
};
TempDir* Masks::dir_ = nullptr;
std::string* Masks::ms_ = nullptr;

TEST_F(Masks, PixelAndSkyRegionsCleanOnlyThere) {
  const Source& centre_source = kSources[0];
  const Source& box_source = kSources[1];
  const Source& circle_source = kSources[2];
  auto [ra, dec] = skyPosition(circle_source);
  char box[160];
  std::snprintf(box, sizeof box, "box[[%.0fpix,%.0fpix],[%.0fpix,%.0fpix]]; circle[[%.0fpix,%.0fpix],10pix]",
                box_source.x() - 10, box_source.y() - 10, box_source.x() + 10, box_source.y() + 10,
                centre_source.x(), centre_source.y());
  const std::string regions = std::string(box) + "; circle[[" + ra + ", " + dec + "], 20arcsec]";
  auto r = clean(*ms_, *dir_ / "user", "--set \"mask=" + regions + "\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto model = readFits(*dir_ / "user.model.fits");
  auto mask = readFits(*dir_ / "user.mask.fits");
  std::size_t in_mask = 0;
  for (std::size_t i = 0; i < mask.pixels.size(); ++i) {
    in_mask += mask.pixels[i] != 0.0;
    if (mask.pixels[i] == 0.0) EXPECT_EQ(model.pixels[i], 0.0) << "a component outside the mask at pixel " << i;
  }
  // A 21 x 21 box and two circles of radius 10 pixels (about 317 pixels each).
  EXPECT_GE(in_mask, 441u + 2 * 300u);
  EXPECT_LE(in_mask, 441u + 2 * 330u);
  EXPECT_EQ(mask.pixels[std::size_t(std::lround(circle_source.y())) * kN + std::size_t(std::lround(circle_source.x()))], 1.0)
      << "the sky circle lands on its source";
  EXPECT_EQ(mask.pixels[std::size_t(std::lround(circle_source.y() + 9)) * kN + std::size_t(std::lround(circle_source.x()))], 1.0);
  EXPECT_EQ(mask.pixels[std::size_t(std::lround(circle_source.y() + 11)) * kN + std::size_t(std::lround(circle_source.x()))], 0.0);
  for (const auto& s : kSources) {
    const double flux = fluxNear(model, s, 8);
    std::printf("user mask: source %.1f Jy, model %.4f Jy\n", s.flux, flux);
    EXPECT_NEAR(flux, s.flux, 0.01 * s.flux);
  }

  // The .mask image given back as the mask gives the same model.
  auto again = clean(*ms_, *dir_ / "again", "--set mask=" + (*dir_ / "user.mask"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(model.pixels, readFits(*dir_ / "again.model.fits").pixels);
}

TEST_F(Masks, ARemovedRegionStaysInTheResidual) {
  // Everything but a circle around the 1 Jy source at the centre.
  auto r = clean(*ms_, *dir_ / "cut", "--set \"mask=box[[0pix,0pix],[255pix,255pix]]; -circle[[128pix,128pix],12pix]\"");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto model = readFits(*dir_ / "cut.model.fits");
  auto residual = readFits(*dir_ / "cut.residual.fits");
  EXPECT_EQ(fluxNear(model, kSources[0], 12), 0.0);
  EXPECT_GT(residual.pixels[kN / 2 * kN + kN / 2], 0.8) << "the excluded 1 Jy source stays in the residual";
  EXPECT_GT(fluxNear(model, kSources[1], 8), 0.4);
}

TEST_F(Masks, AutoMultiThreshFindsTheSources) {
  auto r = clean(*ms_, *dir_ / "auto", "--set usemask=auto-multithresh");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("auto-multithresh: rms"), std::string::npos) << r.output;
  auto model = readFits(*dir_ / "auto.model.fits");
  auto mask = readFits(*dir_ / "auto.mask.fits");
  std::size_t in_mask = 0;
  for (std::size_t i = 0; i < mask.pixels.size(); ++i) {
    in_mask += mask.pixels[i] != 0.0;
    if (mask.pixels[i] == 0.0) EXPECT_EQ(model.pixels[i], 0.0);
  }
  // Every island of the mask holds a source: none grew out of the noise alone.
  std::vector<int> island(kN * kN, -1);
  int islands = 0;
  for (std::size_t start = 0; start < island.size(); ++start) {
    if (mask.pixels[start] == 0.0 || island[start] >= 0) continue;
    std::vector<std::size_t> todo{start};
    island[start] = islands;
    bool has_source = false;
    while (!todo.empty()) {
      const std::size_t i = todo.back();
      todo.pop_back();
      const long x = long(i % kN), y = long(i / kN);
      for (const auto& s : kSources) has_source = has_source || std::hypot(double(x) - s.x(), double(y) - s.y()) < 1.0;
      for (auto [dx, dy] : {std::pair{1L, 0L}, {-1L, 0L}, {0L, 1L}, {0L, -1L}}) {
        const long nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= long(kN) || ny >= long(kN)) continue;
        const std::size_t j = std::size_t(ny) * kN + std::size_t(nx);
        if (mask.pixels[j] != 0.0 && island[j] < 0) island[j] = islands, todo.push_back(j);
      }
    }
    EXPECT_TRUE(has_source) << "a mask island without a source, at pixel " << start % kN << ", " << start / kN;
    ++islands;
  }
  std::printf("auto-multithresh: %zu pixels in the mask, in %d islands\n", in_mask, islands);
  EXPECT_LT(in_mask, kN * kN / 10);
  for (const auto& s : kSources) {
    EXPECT_EQ(mask.pixels[std::size_t(std::lround(s.y())) * kN + std::size_t(std::lround(s.x()))], 1.0)
        << "source at " << s.x() << ", " << s.y();
    const double flux = fluxNear(model, s, 8);
    std::printf("auto-multithresh: source %.1f Jy, model %.4f Jy\n", s.flux, flux);
    EXPECT_NEAR(flux, s.flux, 0.01 * s.flux);
  }
}

TEST_F(Masks, AMaskOutsideTheImageStopsWithZeroMask) {
  auto r = clean(*ms_, *dir_ / "zero", "--set 'mask=circle[[1000pix,1000pix],5pix]'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("zero mask"), std::string::npos) << r.output;
  auto model = readFits(*dir_ / "zero.model.fits");
  for (double v : model.pixels) ASSERT_EQ(v, 0.0);
}

TEST_F(Masks, ABadRegionIsNamedAndLeavesNoOutputs) {
  for (const std::string& bad : {"circle[[10pix,10pix]]", "triangle[[1pix,2pix],[3pix,4pix]]", "/no/such/mask.crtf"}) {
    auto r = clean(*ms_, *dir_ / "bad", "--set 'mask=" + bad + "'");
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_NE(r.output.find("key 'mask'"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(*dir_ / "bad.image")) << bad;
    EXPECT_FALSE(std::filesystem::exists(*dir_ / "bad.residual.fits")) << bad;
  }
}
