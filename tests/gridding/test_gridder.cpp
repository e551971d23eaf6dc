// The gridder against an exact DFT over accuracies, the adjointness of invert and predict, and
// independence of the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "dft.h"
#include "ptclean/gridding/gridder.h"

using namespace ptclean;
using gridding::ImageGeometry;
using gridding::VisibilityView;

namespace {

constexpr double kArcsec = std::numbers::pi / 180.0 / 3600.0;
constexpr double kSpeedOfLight = 299792458.0;

/// Random baselines (metres) and point sources near the field edge: w matters.
struct SyntheticData {
  std::vector<double> uvw, freq;
  std::vector<std::complex<float>> vis;
  std::vector<float> weight;
  VisibilityView view() const {
    return {uvw.size() / 3, freq.size(), uvw.data(), freq.data(), vis.data(), weight.data()};
  }
};

SyntheticData makeData(const ImageGeometry& g, std::size_t rows, double max_uv_lambda,
                       double w_scale, unsigned seed, bool flag_some = true,
                       std::vector<double> freq = {1.0e9, 1.05e9, 1.1e9, 0.98e9}) {  // unsorted on purpose
  SyntheticData d;
  d.freq = std::move(freq);
  const double k_max = 1.1e9 / kSpeedOfLight;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::uniform_real_distribution<float> wdist(0.5f, 2.0f);
  // Sources at pixel centres, three of them near the edges and corners.
  struct Source { double l, m, n1, flux; };
  std::vector<Source> sources;
  auto add = [&](long dx, long dy, double flux) {
    double l = -double(dx) * g.cell_x_rad, m = double(dy) * g.cell_y_rad;
    sources.push_back({l, m, std::sqrt(1 - l * l - m * m) - 1, flux});
  };
  add(0, 0, 1.0);
  add(long(g.nx / 2) - 3, long(g.ny / 2) - 5, 0.8);
  add(-long(g.nx / 2) + 2, long(g.ny / 3), 0.6);
  add(long(g.nx / 5), -long(g.ny / 2) + 1, 0.7);
  for (std::size_t r = 0; r < rows; ++r) {
    double u = uni(rng) * max_uv_lambda / k_max, v = uni(rng) * max_uv_lambda / k_max;
    double w = uni(rng) * w_scale / k_max;
    d.uvw.insert(d.uvw.end(), {u, v, w});
    for (double f : d.freq) {
      double k = f / kSpeedOfLight;
      std::complex<double> sum = 0.0;
      for (const auto& s : sources)
        sum += s.flux * std::polar(1.0, 2 * std::numbers::pi * (u * s.l + v * s.m + w * s.n1) * k);
      d.vis.push_back(std::complex<float>(sum));
      d.weight.push_back(flag_some && (r % 17 == 3) ? 0.0f : wdist(rng));
    }
  }
  return d;
}

double maxErrorAgainstDft(const SyntheticData& data, const ImageGeometry& g, double accuracy,
                          bool with_w, int threads, std::vector<double>* image_out = nullptr,
                          bool small_inversion = true, gridding::KernelChoice* choice = nullptr) {
  gridding::Gridder gridder(g, {accuracy, with_w, threads, small_inversion});
  std::vector<double> image(g.nx * g.ny, 0.0);
  VisibilityView view = data.view();
  gridder.invert({&view, 1}, image);
  auto pixels = ptclean::testing::brightAndRandomPixels(image, g.nx, g.ny, 20, 300, 7);
  // The corners are where the kernel correction amplifies rounding most.
  for (std::size_t x : {std::size_t(0), g.nx - 1})
    for (std::size_t y : {std::size_t(0), g.ny - 1}) pixels.push_back({x, y});
  auto exact = ptclean::testing::dftDirty({&view, 1}, g, pixels, with_w);
  double peak = 0.0, worst = 0.0;
  for (double e : exact) peak = std::max(peak, std::abs(e));
  for (std::size_t i = 0; i < pixels.size(); ++i)
    worst = std::max(worst, std::abs(image[pixels[i].y * g.nx + pixels[i].x] - exact[i]));
  if (image_out) *image_out = image;
  if (choice) *choice = gridder.lastChoice();
  return worst / peak;
}

const ImageGeometry kWideField{256, 192, 20 * kArcsec, 24 * kArcsec};
/// 4.3 degrees at 30": the baselines reach a third of the pixels' Nyquist frequency, and |w| turns
/// the phase by a cycle at the edges: small inversion grids on a grid sized for the data.
const ImageGeometry kCompactArrayField{512, 480, 30 * kArcsec, 28 * kArcsec};

/// Predict against the DFT, and <invert(V), M> == Re sum_k w_k conj(predict(M)_k) V_k.
void expectPredictMatchesDftAndAdjoint(const ImageGeometry& g, const SyntheticData& data, double accuracy) {
  VisibilityView view = data.view();
  std::vector<double> model(g.nx * g.ny, 0.0);
  std::mt19937 rng(11);
  std::uniform_int_distribution<std::size_t> pick(0, model.size() - 1);
  for (int i = 0; i < 25; ++i) model[pick(rng)] += 0.1 + 0.05 * i;
  gridding::Gridder gridder(g, {accuracy, true, 2});
  std::vector<std::complex<float>> predicted(data.vis.size());
  std::complex<float>* out = predicted.data();
  gridder.predict({&view, 1}, model, {&out, 1});
  auto exact = ptclean::testing::dftPredict(view, g, model, true);
  double total = 0, worst = 0;
  for (double m : model) total += std::abs(m);
  for (std::size_t i = 0; i < exact.size(); ++i) {
    if (data.weight[i] == 0.0f) {
      EXPECT_EQ(predicted[i], std::complex<float>(0.0f));
      continue;
    }
    worst = std::max(worst, std::abs(std::complex<double>(predicted[i]) - exact[i]));
  }
  std::printf("predict accuracy %.0e (%s): max error / sum|model| = %.3e\n", accuracy,
              gridder.lastChoice().describe().c_str(), worst / total);
  EXPECT_LE(worst / total, accuracy);

  std::vector<double> dirty(model.size(), 0.0);
  gridder.invert({&view, 1}, dirty);
  double lhs = 0, rhs = 0, scale = 0;
  for (std::size_t p = 0; p < model.size(); ++p) lhs += dirty[p] * model[p];
  for (std::size_t i = 0; i < data.vis.size(); ++i) {
    std::complex<double> term = double(data.weight[i]) * std::conj(std::complex<double>(predicted[i])) *
                                std::complex<double>(data.vis[i]);
    rhs += term.real();
    scale += std::abs(term);
  }
  EXPECT_LE(std::abs(lhs - rhs) / scale, accuracy) << "accuracy " << accuracy;
}

}  // namespace

TEST(Gridder, WideFieldMatchesDftAtManyAccuracies) {
  // Baselines up to ~4000 wavelengths with |w| as large: the w-term shifts phases by a turn at
  // the field edge, so a 2D gridder would be far off.
  auto data = makeData(kWideField, 3000, 4000.0, 4000.0, 1);
  for (double accuracy : {1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8}) {
    double error = maxErrorAgainstDft(data, kWideField, accuracy, true, 2);
    RecordProperty("error_at_" + std::to_string(accuracy), std::to_string(error));
    std::printf("accuracy %.0e: max error / peak = %.3e\n", accuracy, error);
    EXPECT_LE(error, accuracy) << "accuracy " << accuracy;
  }
}

TEST(Gridder, FewVisibilitiesMeetTheAccuracyAtTheCorners) {
  // With few visibilities the cost model favours small grids (low oversampling), where the
  // kernel correction is steep: the precision choice must account for it.
  auto data = makeData(kWideField, 40, 4000.0, 4000.0, 9);
  for (double accuracy : {1e-2, 1e-3, 1e-4, 1e-5}) {
    double error = maxErrorAgainstDft(data, kWideField, accuracy, true, 1);
    std::printf("few visibilities, accuracy %.0e: max error / peak = %.3e\n", accuracy, error);
    EXPECT_LE(error, accuracy) << "accuracy " << accuracy;
  }
}

TEST(Gridder, EvenlySpacedDescendingChannelsMatchTheDft) {
  // Evenly spaced channels take the gridder's per-row phase recurrence; descending on purpose.
  std::vector<double> freq;
  for (int c = 0; c < 24; ++c) freq.push_back(1.1e9 - 2.5e6 * c);
  auto data = makeData(kWideField, 400, 4000.0, 4000.0, 12, true, freq);
  for (double accuracy : {1e-4, 1e-6}) {
    double error = maxErrorAgainstDft(data, kWideField, accuracy, true, 2);
    std::printf("even channels, accuracy %.0e: max error / peak = %.3e\n", accuracy, error);
    EXPECT_LE(error, accuracy);
  }
}

TEST(Gridder, WTermIsNeededForThisField) {
  auto data = makeData(kWideField, 1000, 4000.0, 4000.0, 2);
  double error = maxErrorAgainstDft(data, kWideField, 1e-6, false, 1);
  // Sanity of the test itself: a 2D gridder is far off the w-aware DFT... (compare w/o w-term)
  gridding::Gridder flat(kWideField, {1e-6, false, 1});
  std::vector<double> image(kWideField.nx * kWideField.ny, 0.0);
  VisibilityView view = data.view();
  flat.invert({&view, 1}, image);
  auto pixels = ptclean::testing::brightAndRandomPixels(image, kWideField.nx, kWideField.ny, 20, 100, 3);
  auto with_w = ptclean::testing::dftDirty({&view, 1}, kWideField, pixels, true);
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    peak = std::max(peak, std::abs(with_w[i]));
    worst = std::max(worst, std::abs(image[pixels[i].y * kWideField.nx + pixels[i].x] - with_w[i]));
  }
  EXPECT_GT(worst / peak, 1e-2);
  // ...while it matches the DFT without the w-term: the 'standard' gridder.
  EXPECT_LE(error, 1e-6);
}

TEST(Gridder, AliasedVisibilitiesBeyondTheGridMatchTheDft) {
  // uv beyond 1/(2 cell): the DFT aliases them, and so must the gridder.
  ImageGeometry g{128, 128, 60 * kArcsec, 60 * kArcsec};
  auto data = makeData(g, 800, 2500.0, 200.0, 5);
  EXPECT_LE(maxErrorAgainstDft(data, g, 1e-6, true, 2), 1e-6);
}

TEST(Gridder, ThreadCountDoesNotChangeTheImage) {
  auto data = makeData(kWideField, 2000, 4000.0, 4000.0, 3);
  std::vector<double> one, two;
  maxErrorAgainstDft(data, kWideField, 1e-5, true, 1, &one);
  maxErrorAgainstDft(data, kWideField, 1e-5, true, 2, &two);
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < one.size(); ++i) {
    peak = std::max(peak, std::abs(one[i]));
    worst = std::max(worst, std::abs(one[i] - two[i]));
  }
  EXPECT_LE(worst, 1e-6 * peak);
}

TEST(Gridder, PredictMatchesDftAndIsTheAdjointOfInvert) {
  for (double accuracy : {1e-3, 1e-6}) {
    expectPredictMatchesDftAndAdjoint(kWideField, makeData(kWideField, 600, 4000.0, 4000.0, 4), accuracy);
    expectPredictMatchesDftAndAdjoint(kCompactArrayField, makeData(kCompactArrayField, 600, 1100.0, 1500.0, 4),
                                      accuracy);
  }
}

TEST(Gridder, SmallInversionMatchesTheDftAndTheFullGrid) {
  auto data = makeData(kCompactArrayField, 2000, 1100.0, 1500.0, 21);
  for (bool with_w : {true, false}) {
    for (double accuracy : {1e-3, 1e-6}) {
      std::vector<double> small, full;
      gridding::KernelChoice small_choice, full_choice;
      double error = maxErrorAgainstDft(data, kCompactArrayField, accuracy, with_w, 2, &small, true, &small_choice);
      maxErrorAgainstDft(data, kCompactArrayField, accuracy, with_w, 2, &full, false, &full_choice);
      std::printf("small inversion, w %d, accuracy %.0e: max error / peak = %.3e (%s)\n", int(with_w), accuracy,
                  error, small_choice.describe().c_str());
      EXPECT_LE(small_choice.grid_nx * 10, small_choice.period_nx * 6) << "the data need much less than the period";
      EXPECT_EQ(full_choice.grid_nx, full_choice.period_nx);
      EXPECT_LE(error, accuracy);
      double peak = 0, worst = 0;
      for (std::size_t p = 0; p < small.size(); ++p) {
        peak = std::max(peak, std::abs(full[p]));
        worst = std::max(worst, std::abs(small[p] - full[p]));
      }
      std::printf("  small inversion - full grid: %.3e of the peak\n", worst / peak);
      EXPECT_LE(worst, accuracy * peak) << "small inversion and the full grid, accuracy " << accuracy;
    }
  }
}

TEST(Gridder, PlaneByPlaneGivesTheImagesOfAllPlanesAtOnce) {
  // A memory limit below the planes' size makes the gridder visit one w-plane at a time.
  auto data = makeData(kWideField, 1500, 4000.0, 4000.0, 14);
  VisibilityView view = data.view();
  std::vector<double> model(kWideField.nx * kWideField.ny, 0.0);
  model[60 * kWideField.nx + 30] = 1.0;
  model[150 * kWideField.nx + 200] = -0.5;
  gridding::GridderSettings all{1e-6, true, 2}, one_by_one = all;
  one_by_one.plane_memory_bytes = 0.0;
  std::vector<double> dirty[2], psf[2];
  std::vector<std::complex<float>> predicted[2];
  for (int k = 0; k < 2; ++k) {
    gridding::Gridder gridder(kWideField, k == 0 ? all : one_by_one);
    dirty[k].assign(model.size(), 0.0);
    psf[k].assign(model.size(), 0.0);
    gridder.invert({&view, 1}, dirty[k], psf[k]);
    predicted[k].resize(data.vis.size());
    std::complex<float>* out = predicted[k].data();
    gridder.predict({&view, 1}, model, {&out, 1});
    EXPECT_GT(gridder.lastChoice().w_planes, 1u);
  }
  double peak = 0, worst = 0, psf_worst = 0, vis_peak = 0, vis_worst = 0;
  for (std::size_t p = 0; p < model.size(); ++p) {
    peak = std::max(peak, std::abs(dirty[0][p]));
    worst = std::max(worst, std::abs(dirty[0][p] - dirty[1][p]));
    psf_worst = std::max(psf_worst, std::abs(psf[0][p] - psf[1][p]));
  }
  for (std::size_t i = 0; i < predicted[0].size(); ++i) {
    vis_peak = std::max(vis_peak, double(std::abs(predicted[0][i])));
    vis_worst = std::max(vis_worst, double(std::abs(predicted[0][i] - predicted[1][i])));
  }
  EXPECT_LE(worst, 1e-9 * peak);
  EXPECT_LE(psf_worst, 1e-9 * std::abs(psf[0][kWideField.ny / 2 * kWideField.nx + kWideField.nx / 2]));
  EXPECT_LE(vis_worst, 1e-6 * vis_peak);
}

TEST(Gridder, SamplesSortedInBlocksGiveTheImagesOfSamplesSortedOnce) {
  // Views without a samples_id are sorted and gridded a block of rows at a time; with one, all
  // at once (and kept for later calls). Both must give the same images.
  auto data = makeData(kWideField, 1500, 4000.0, 4000.0, 14);
  VisibilityView blocked = data.view(), whole = blocked;
  blocked.samples_id = 0;
  whole.samples_id = 42;
  gridding::GridderSettings in_blocks{1e-6, true, 2}, at_once = in_blocks;
  in_blocks.sort_block_samples = 1000;  // 71 rows of 14 channels: 22 blocks
  std::vector<double> dirty[2], psf[2];
  for (int k = 0; k < 2; ++k) {
    gridding::Gridder gridder(kWideField, k == 0 ? in_blocks : at_once);
    dirty[k].assign(kWideField.nx * kWideField.ny, 0.0);
    psf[k].assign(dirty[k].size(), 0.0);
    gridder.invert({k == 0 ? &blocked : &whole, 1}, dirty[k], psf[k]);
    EXPECT_GT(gridder.lastChoice().w_planes, 1u);
    EXPECT_GT(gridder.lastTimings().sort, 0.0);
  }
  double peak = 0, worst = 0, psf_worst = 0;
  for (std::size_t p = 0; p < dirty[0].size(); ++p) {
    peak = std::max(peak, std::abs(dirty[1][p]));
    worst = std::max(worst, std::abs(dirty[0][p] - dirty[1][p]));
    psf_worst = std::max(psf_worst, std::abs(psf[0][p] - psf[1][p]));
  }
  ASSERT_GT(peak, 0.0);
  EXPECT_LE(worst, 1e-9 * peak);
  EXPECT_LE(psf_worst, 1e-9 * std::abs(psf[1][kWideField.ny / 2 * kWideField.nx + kWideField.nx / 2]));
}

TEST(Gridder, PsfGriddedAlongsideTheDirtyImageMatchesTheDftOfUnitVisibilities) {
  auto data = makeData(kWideField, 1500, 4000.0, 4000.0, 6);
  VisibilityView view = data.view();
  gridding::Gridder gridder(kWideField, {1e-6, true, 2});
  std::vector<double> dirty(kWideField.nx * kWideField.ny, 0.0), psf(dirty.size(), 0.0), alone(dirty.size(), 0.0);
  gridder.invert({&view, 1}, dirty, psf);
  gridder.invert({&view, 1}, alone);
  SyntheticData ones = data;
  std::fill(ones.vis.begin(), ones.vis.end(), std::complex<float>(1.0f));
  VisibilityView ones_view = ones.view();
  auto pixels = ptclean::testing::brightAndRandomPixels(psf, kWideField.nx, kWideField.ny, 20, 200, 8);
  auto exact = ptclean::testing::dftDirty({&ones_view, 1}, kWideField, pixels, true);
  const double peak = exact[0];
  double worst = 0.0, difference = 0.0;
  for (std::size_t i = 0; i < pixels.size(); ++i)
    worst = std::max(worst, std::abs(psf[pixels[i].y * kWideField.nx + pixels[i].x] - exact[i]));
  for (std::size_t p = 0; p < dirty.size(); ++p) difference = std::max(difference, std::abs(dirty[p] - alone[p]));
  EXPECT_LE(worst / peak, 1e-6);
  EXPECT_EQ(difference, 0.0) << "gridding the PSF alongside must not change the dirty image";
}

TEST(Gridder, KeptSamplesGiveTheImagesOfAFreshSortWithNewVisibilities) {
  // A major cycle: predict, then invert new visibilities, on samples promised unchanged (same
  // samples_id). The gridder keeps its sorted items; the images must equal a fresh gridder's,
  // whatever was called before (invert with PSF, predict, invert), and the promise lapses with
  // another id or another weight array.
  auto data = makeData(kWideField, 1200, 4000.0, 4000.0, 9);
  VisibilityView view = data.view();
  view.samples_id = 42;
  gridding::Gridder kept(kWideField, {1e-6, true, 2});
  std::vector<double> dirty(kWideField.nx * kWideField.ny, 0.0), psf(dirty.size(), 0.0);
  kept.invert({&view, 1}, dirty, psf);

  std::vector<double> model(dirty.size(), 0.0);
  model[100 * kWideField.nx + 77] = 0.5;
  model[20 * kWideField.nx + 200] = -0.25;
  std::vector<std::complex<float>> predicted(data.vis.size()), fresh_predicted(data.vis.size());
  std::complex<float>* out = predicted.data();
  kept.predict({&view, 1}, model, {&out, 1});
  gridding::Gridder fresh(kWideField, {1e-6, true, 2});
  VisibilityView plain = data.view();
  std::complex<float>* fresh_out = fresh_predicted.data();
  fresh.predict({&plain, 1}, model, {&fresh_out, 1});
  EXPECT_EQ(predicted, fresh_predicted) << "predict reads the same items in the same order";

  std::vector<std::complex<float>> remaining(data.vis.size());
  for (std::size_t i = 0; i < remaining.size(); ++i) remaining[i] = data.vis[i] - predicted[i];
  auto residualOf = [&](gridding::Gridder& gridder, VisibilityView v) {
    v.vis = remaining.data();
    std::vector<double> image(dirty.size(), 0.0);
    gridder.invert({&v, 1}, image);
    return image;
  };
  const auto kept_residual = residualOf(kept, view);
  const auto fresh_residual = residualOf(fresh, plain);
  double peak = 0.0, worst = 0.0;
  for (std::size_t p = 0; p < dirty.size(); ++p) {
    peak = std::max(peak, std::abs(fresh_residual[p]));
    worst = std::max(worst, std::abs(kept_residual[p] - fresh_residual[p]));
  }
  EXPECT_GT(peak, 0.0);
  EXPECT_LE(worst, 1e-6 * peak) << "kept items with new values (float rounding of the value only)";

  // New weights under a new id: the kept items must not be used.
  SyntheticData reweighted = data;
  for (float& w : reweighted.weight) w = w > 0.0f ? 1.0f : 0.0f;
  VisibilityView other = reweighted.view();
  other.samples_id = 43;
  std::vector<double> after(dirty.size(), 0.0), expected(dirty.size(), 0.0);
  kept.invert({&other, 1}, after);
  gridding::Gridder(kWideField, {1e-6, true, 2}).invert({&other, 1}, expected);
  EXPECT_EQ(after, expected);
}
