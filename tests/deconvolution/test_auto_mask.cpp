// auto-multithresh on synthetic residuals: Gaussian noise (rms 1e-3) plus sources drawn with a
// 4-pixel beam. The mask must cover what noisethreshold lets in, prune what minbeamfrac removes,
// grow into faint emission joined to it, and stay the same for every thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <random>
#include <string>

#include "ptclean/deconvolution/auto_mask.h"
#include "ptclean/deconvolution/restore.h"

using namespace ptclean::deconvolution;

namespace {

constexpr std::size_t kN = 256;
constexpr double kSigma = 1e-3;
constexpr double kBeam = 4.0;       // FWHM, pixels
constexpr double kSidelobe = 0.05;  // PSF sidelobe level

/// Gaussian noise from a fixed seed, by Box-Muller (the same on every standard library).
std::vector<double> noise(std::size_t nx, std::size_t ny, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  auto uniform = [&] { return (double(random() >> 11) + 0.5) * 0x1p-53; };
  std::vector<double> image(nx * ny);
  for (std::size_t p = 0; p < image.size(); p += 2) {
    const double r = kSigma * std::sqrt(-2.0 * std::log(uniform())), phase = 2.0 * std::numbers::pi * uniform();
    image[p] = r * std::cos(phase);
    if (p + 1 < image.size()) image[p + 1] = r * std::sin(phase);
  }
  return image;
}

/// A point source seen through the circular beam: a Gaussian of the beam's FWHM and this peak.
void addSource(std::vector<double>& image, std::size_t nx, double cx, double cy, double peak) {
  const std::size_t ny = image.size() / nx;
  for (std::size_t y = 0; y < ny; ++y)
    for (std::size_t x = 0; x < nx; ++x) {
      const double r2 = (double(x) - cx) * (double(x) - cx) + (double(y) - cy) * (double(y) - cy);
      if (r2 < 400.0) image[y * nx + x] += peak * std::exp(-4.0 * std::numbers::ln2 * r2 / (kBeam * kBeam));
    }
}

double radius(std::size_t p, double cx, double cy) { return std::hypot(double(p % kN) - cx, double(p / kN) - cy); }

/// Whether every pixel within `r` of (cx, cy) is masked.
bool covers(std::span<const std::uint8_t> mask, double cx, double cy, double r) {
  for (std::size_t p = 0; p < mask.size(); ++p)
    if (radius(p, cx, cy) <= r && !mask[p]) return false;
  return true;
}

/// The fraction of the pixels with r0 <= r <= r1 around (cx, cy) that are masked.
double maskedFraction(std::span<const std::uint8_t> mask, double cx, double cy, double r0, double r1) {
  std::size_t in = 0, masked = 0;
  for (std::size_t p = 0; p < mask.size(); ++p) {
    const double r = radius(p, cx, cy);
    if (r < r0 || r > r1) continue;
    ++in;
    masked += mask[p];
  }
  return double(masked) / double(in);
}

AutoMasker masker(const AutoMaskSettings& settings = {}) {
  return AutoMasker(settings, kN, kN, kBeam, kBeam, 0.0, kSidelobe);
}

/// Sources at 20, 8 and 3 sigma.
std::vector<double> threeSources() {
  auto image = noise(kN, kN, 42);
  addSource(image, kN, 64, 64, 20 * kSigma);
  addSource(image, kN, 192, 64, 8 * kSigma);
  addSource(image, kN, 64, 192, 3 * kSigma);
  return image;
}

}  // namespace

TEST(AutoMask, ThresholdsFollowTcleansDefinitions) {
  const auto residual = threeSources();
  auto m = masker();
  const AutoMaskUpdate u = m.update(residual, 2);
  EXPECT_NEAR(u.rms, kSigma, 0.03 * kSigma);
  EXPECT_EQ(u.rms, robustRms(residual));  // the same 1.4826 x MAD, exactly
  EXPECT_NEAR(u.median, 0.0, 0.03 * kSigma);
  double peak = 0.0;
  for (double v : residual) peak = std::max(peak, std::abs(v));
  EXPECT_EQ(u.peak, peak);
  EXPECT_DOUBLE_EQ(u.sidelobe_threshold, 3.0 * kSidelobe * peak + u.median);  // ~3 sigma
  EXPECT_DOUBLE_EQ(u.noise_threshold, 5.0 * u.rms + u.median);
  EXPECT_DOUBLE_EQ(u.low_noise_threshold, 1.5 * u.rms + u.median);
  EXPECT_TRUE(u.noise_limited);
  EXPECT_EQ(u.maskThreshold(), u.noise_threshold);
  EXPECT_EQ(u.growThreshold(), u.sidelobe_threshold);  // 3 sigma beats 1.5 sigma here
  EXPECT_EQ(u.negative_threshold, 0.0);                // off
  EXPECT_FALSE(u.stopped_updating);
}

TEST(AutoMask, MasksTheSourcesAboveTheNoiseThresholdAndNothingElse) {
  const auto residual = threeSources();
  auto m = masker();
  const AutoMaskUpdate u = m.update(residual, 2);
  const auto mask = m.mask();
  EXPECT_TRUE(covers(mask, 64, 64, kBeam)) << "20 sigma source";  // a beam (FWHM) from the peak
  EXPECT_TRUE(covers(mask, 192, 64, kBeam)) << "8 sigma source";
  EXPECT_EQ(maskedFraction(mask, 64, 192, 0, kBeam), 0.0) << "3 sigma source";
  std::size_t far = 0, masked_far = 0;
  for (std::size_t p = 0; p < mask.size(); ++p)
    if (radius(p, 64, 64) > 16 && radius(p, 192, 64) > 16 && radius(p, 64, 192) > 16) ++far, masked_far += mask[p];
  EXPECT_LT(double(masked_far) / double(far), 1e-3);
  EXPECT_GE(u.regions_found, 2u);
  EXPECT_EQ(u.pixels_in_mask, std::size_t(std::count(mask.begin(), mask.end(), 1)));
}

TEST(AutoMask, PrunesRegionsSmallerThanMinbeamfracBeams) {
  auto residual = threeSources();
  residual[200 * kN + 200] = 12 * kSigma;  // one pixel: less than 0.3 x 18.1 pixels
  auto m = masker();
  const AutoMaskUpdate u = m.update(residual, 2);
  EXPECT_FALSE(m.mask()[200 * kN + 200]);
  EXPECT_GE(u.regions_pruned, 1u);
  EXPECT_TRUE(covers(m.mask(), 64, 64, kBeam));

  AutoMaskSettings no_pruning;
  no_pruning.minbeamfrac = 0.0;
  auto unpruned = masker(no_pruning);
  const AutoMaskUpdate v = unpruned.update(residual, 2);
  EXPECT_TRUE(unpruned.mask()[200 * kN + 200]);
  EXPECT_EQ(v.regions_pruned, 0u);
}

TEST(AutoMask, GrowsIntoFaintEmissionJoinedToTheMask) {
  // A 20 sigma source inside a 3 sigma ring: above lownoisethreshold, below noisethreshold.
  auto faint = noise(kN, kN, 7);
  for (std::size_t p = 0; p < faint.size(); ++p)
    if (radius(p, 128, 128) >= 3 && radius(p, 128, 128) <= 14) faint[p] += 3 * kSigma;
  auto bright = faint;
  addSource(bright, kN, 128, 128, 20 * kSigma);

  for (int growiterations : {75, 0}) {
    AutoMaskSettings settings;
    settings.growiterations = growiterations;
    auto m = masker(settings);
    m.update(bright, 2);
    const double before = maskedFraction(m.mask(), 128, 128, 4, 13);
    EXPECT_LT(before, 0.5);
    const AutoMaskUpdate u = m.update(faint, 2);  // the source was cleaned in between
    const double after = maskedFraction(m.mask(), 128, 128, 4, 13);
    if (growiterations > 0) {
      EXPECT_GT(after, 0.97);
      EXPECT_GE(u.grow_regions_found, 1u);
    } else {
      EXPECT_LT(after, 0.5);
      EXPECT_EQ(u.grow_regions_found, 0u);
    }
    EXPECT_TRUE(covers(m.mask(), 128, 128, kBeam));  // the previous mask stays
  }
}

TEST(AutoMask, NegativeThresholdMasksAbsorption) {
  auto residual = threeSources();
  addSource(residual, kN, 192, 192, -20 * kSigma);
  auto plain = masker();
  const AutoMaskUpdate p = plain.update(residual, 2);
  EXPECT_FALSE(plain.mask()[192 * kN + 192]);
  EXPECT_EQ(p.negative_pixels, 0u);

  AutoMaskSettings settings;
  settings.negativethreshold = 5.0;
  auto m = masker(settings);
  const AutoMaskUpdate u = m.update(residual, 2);
  EXPECT_DOUBLE_EQ(u.negative_threshold, std::max(3.0 * kSidelobe * u.peak, 5.0 * u.rms) - u.median);
  EXPECT_TRUE(covers(m.mask(), 192, 192, kBeam));
  EXPECT_GT(u.negative_pixels, 0u);
  EXPECT_TRUE(covers(m.mask(), 64, 64, kBeam));
}

TEST(AutoMask, FastnoiseFalseMeasuresTheNoiseAwayFromTheEmission) {
  // A 30 sigma disk on 2% of the image inflates the MAD of the whole image by ~2.5%; Chauvenet's
  // clipping (first update) and the pixels outside the mask (later ones) leave it out.
  const auto pure = noise(kN, kN, 11);
  const double rms = robustRms(pure);
  auto residual = pure;
  for (std::size_t p = 0; p < residual.size(); ++p)
    if (radius(p, 128, 128) <= 20) residual[p] += 30 * kSigma;
  auto fast = masker();
  EXPECT_GT(fast.update(residual, 2).rms, 1.015 * rms);
  AutoMaskSettings settings;
  settings.fastnoise = false;
  auto careful = masker(settings);
  for (int cycle = 0; cycle < 2; ++cycle) {
    const AutoMaskUpdate u = careful.update(residual, 2);
    EXPECT_NEAR(u.rms, rms, 0.005 * rms) << "update " << cycle + 1;
    EXPECT_TRUE(covers(careful.mask(), 128, 128, 20));
  }
}

TEST(AutoMask, MinpercentchangeStopsTheUpdates) {
  const auto residual = threeSources();
  auto later = residual;
  addSource(later, kN, 200, 200, 20 * kSigma);  // appears after the mask has settled

  for (double minpercentchange : {10.0, -1.0}) {
    AutoMaskSettings settings;
    settings.minpercentchange = minpercentchange;
    auto m = masker(settings);
    int updates = 0;
    AutoMaskUpdate u;
    std::size_t before = 0;
    while (updates < 6 && !u.stopped_updating) {
      u = m.update(residual, 2);
      ++updates;
      if (!u.stopped_updating) before = u.pixels_in_mask;
    }
    if (minpercentchange > 0) {
      ASSERT_TRUE(u.stopped_updating);
      EXPECT_GE(updates, 2);
      EXPECT_LT(std::abs(double(u.pixels_in_mask) - double(before)), 0.1 * double(before));
      const AutoMaskUpdate v = m.update(later, 2);
      EXPECT_TRUE(v.stopped_updating);
      EXPECT_EQ(v.pixels_in_mask, u.pixels_in_mask);
      EXPECT_FALSE(m.mask()[200 * kN + 200]);
    } else {
      EXPECT_FALSE(u.stopped_updating);
      m.update(later, 2);
      EXPECT_TRUE(m.mask()[200 * kN + 200]);
    }
  }

  // tclean waits for the cycle threshold to reach the global threshold before checking the change.
  AutoMaskSettings settings;
  settings.minpercentchange = 10.0;
  auto waiting = masker(settings);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(waiting.update(residual, 2, false).stopped_updating);
}

TEST(AutoMask, SmoothingDrawsTheBeamEllipseWithoutWrapping) {
  // A pixel, then a 40 x 40 block (smoothed through FFTs), near a corner, with an elongated rotated
  // beam: after smoothing and the 1% cut, the mask is where the model drawn by restore() with the
  // same beam exceeds 1% of its peak, and nothing wraps around to the far edges.
  const double major = 12.0, minor = 5.0, pa = 0.5, cell = 1e-5;
  AutoMaskSettings settings;
  settings.minbeamfrac = 0.0;
  for (std::size_t side : {1, 40}) {
    AutoMasker m(settings, kN, kN, major, minor, pa, kSidelobe);
    std::vector<double> residual(kN * kN, 0.0);
    for (std::size_t y = 5; y < 5 + side; ++y)
      for (std::size_t x = 6; x < 6 + side; ++x) residual[y * kN + x] = 1.0;
    m.update(residual, 2);
    const auto drawn = restore(residual, std::vector<double>(kN * kN, 0.0), kN, kN, cell, cell,
                               Beam{major * cell, minor * cell, pa}, 1);
    const double limit = 0.01 * *std::max_element(drawn.begin(), drawn.end());
    std::size_t compared = 0, differ = 0;
    for (std::size_t p = 0; p < drawn.size(); ++p) {
      if (std::abs(drawn[p] - limit) < 1e-9 * limit) continue;
      ++compared;
      differ += bool(m.mask()[p]) != (drawn[p] > limit);
    }
    EXPECT_EQ(differ, 0u) << "block of " << side;
    EXPECT_GT(compared, kN * kN - 10);
    EXPECT_GT(std::count(m.mask().begin(), m.mask().end(), 1), 100);
    EXPECT_FALSE(m.mask()[(kN - 1) * kN + kN - 1]);
  }
}

TEST(AutoMask, SameMaskForOneTwoAndThreeThreads) {
  auto first = threeSources();
  addSource(first, kN, 192, 192, -20 * kSigma);
  auto second = noise(kN, kN, 9);
  for (std::size_t p = 0; p < second.size(); ++p) {
    if (radius(p, 64, 64) <= 14) second[p] += 3 * kSigma;
    if (radius(p, 160, 160) <= 60) second[p] += 8 * kSigma;  // enough pixels to smooth through FFTs
  }
  AutoMaskSettings settings;
  settings.negativethreshold = 5.0;
  auto one = masker(settings), two = masker(settings), three = masker(settings);
  for (const auto* residual : {&first, &second, &second}) {
    const AutoMaskUpdate a = one.update(*residual, 1), b = two.update(*residual, 2), c = three.update(*residual, 3);
    EXPECT_EQ(a.rms, b.rms);
    EXPECT_EQ(a.median, c.median);
    EXPECT_EQ(a.pixels_in_mask, b.pixels_in_mask);
    EXPECT_EQ(a.grow_regions_found, b.grow_regions_found);
    EXPECT_EQ(a.negative_pixels, c.negative_pixels);
    EXPECT_TRUE(std::equal(one.mask().begin(), one.mask().end(), two.mask().begin()));
    EXPECT_TRUE(std::equal(one.mask().begin(), one.mask().end(), three.mask().begin()));
  }
}

TEST(AutoMask, BadSettingsNameTheirKey) {
  auto rejects = [](AutoMaskSettings s, const std::string& key) {
    try {
      s.validate();
      ADD_FAILURE() << key << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  AutoMaskSettings s;
  EXPECT_NO_THROW(s.validate());
  s.smoothfactor = -1.0;
  rejects(s, "smoothfactor");
  s = {};
  s.cutthreshold = 1.0;
  rejects(s, "cutthreshold");
  s = {};
  s.growiterations = -1;
  rejects(s, "growiterations");
  s = {};
  s.minbeamfrac = -0.1;
  rejects(s, "minbeamfrac");
  s = {};
  s.noisethreshold = std::nan("");
  rejects(s, "noisethreshold");
  s = {};
  s.smoothfactor = 0.0;
  EXPECT_THROW(AutoMasker(s, kN, kN, kBeam, kBeam, 0.0, kSidelobe), std::invalid_argument);
  EXPECT_THROW(AutoMasker({}, kN, kN, 0.0, kBeam, 0.0, kSidelobe), std::invalid_argument);
  auto m = masker();
  EXPECT_THROW(m.update(std::vector<double>(10), 1), std::invalid_argument);
}

TEST(AutoMask, UpdateTimeFor2048Squared) {
  // 40 compact sources (smoothed by direct sums), then with a 300-pixel disk of 8 sigma added
  // (about 300000 pixels: smoothed through FFTs). Times are printed, not checked.
  constexpr std::size_t n = 2048;
  auto compact = noise(n, n, 3);
  std::mt19937_64 random(5);
  for (int i = 0; i < 40; ++i) {
    const double x = 40.0 + double(random() % (n - 80)), y = 40.0 + double(random() % (n - 80));
    const double peak = kSigma * (6.0 + double(random() % 60));
    const std::size_t x0 = std::size_t(x) - 20, y0 = std::size_t(y) - 20;
    for (std::size_t yy = y0; yy < y0 + 40; ++yy)
      for (std::size_t xx = x0; xx < x0 + 40; ++xx) {
        const double r2 = (double(xx) - x) * (double(xx) - x) + (double(yy) - y) * (double(yy) - y);
        compact[yy * n + xx] += peak * std::exp(-4.0 * std::numbers::ln2 * r2 / (kBeam * kBeam));
      }
  }
  auto extended = compact;
  for (std::size_t p = 0; p < extended.size(); ++p)
    if (std::hypot(double(p % n) - 1024.0, double(p / n) - 1024.0) < 300.0) extended[p] += 8 * kSigma;
  AutoMaskSettings settings;
  settings.negativethreshold = 5.0;  // all three smoothings run
  for (const auto* residual : {&compact, &extended}) {
    const bool disk = residual == &extended;
    AutoMasker m(settings, n, n, kBeam, kBeam, 0.0, 0.02);  // noise-limited: 3 x 0.02 x 66 sigma < 5 sigma
    for (int cycle = 1; cycle <= 2; ++cycle) {
      const auto start = std::chrono::steady_clock::now();
      const AutoMaskUpdate u = m.update(*residual, 2);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::printf("2048x2048 %s, update %d with 2 threads: %.0f ms, %zu pixels in the mask\n",
                  disk ? "with a disk" : "compact sources", cycle, ms, u.pixels_in_mask);
      RecordProperty(std::string(disk ? "disk" : "compact") + "_update_" + std::to_string(cycle) + "_ms", int(ms));
      EXPECT_TRUE(u.noise_limited);
      EXPECT_GT(u.pixels_in_mask, disk ? 280000u : 4000u);
    }
  }
}
