// savemodel='modelcolumn' under MPI: every rank writes MODEL_DATA for its own rows, and together
// they hold the exact visibilities of the final model; nothing else in the MS changes. The same
// holds when the data are streamed from the MS (max_memory) instead of kept in memory.
#include <gtest/gtest.h>

#include <cmath>

#include "dft.h"
#include "ms_oracle.h"
#include "test_support.h"

using namespace ptclean::testing;

namespace {

constexpr std::size_t kN = 128;
constexpr double kCellArcsec = 3.0;

std::string simulate(const TempDir& dir, const std::string& name) {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set array_scale=2 --set nspw=2 --set nchan=3 --set nintegrations=12"
                      " --set nscans=2 --set hourangle_span=4h --set 'phasecenter=J2000 12h00m00 40d00m00'"
                      " --set noise=0.05 --set 'sources=[{type=\"point\", l=0, m=0, flux=1.0},"
                      " {type=\"point\", l=45, m=-30, flux=0.4}]'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

CommandResult image(const std::string& ms, const std::string& name, int ranks, const std::string& extra) {
  return runCommand("OMP_NUM_THREADS=1 " + mpirunPrefix(ranks) + " " + ptcleanBinary() + " image --set vis=" + ms +
                    " --set imagename=" + name + " --set imsize=" + std::to_string(kN) + " --set cell=" +
                    std::to_string(kCellArcsec) + "arcsec --set datacolumn=data --set niter=300 --set nsigma=3"
                    " --set gridder_accuracy=1e-6 --set savemodel=modelcolumn " + extra);
}

/// max |MODEL_DATA - DFT of the .model image| / max |DFT| over every sample of the MS.
double modelColumnError(const std::string& ms, const std::string& model_fits) {
  auto model = readFits(model_fits);
  const double cell = kCellArcsec / 3600.0 * 3.141592653589793 / 180.0;
  const ptclean::gridding::ImageGeometry geometry{kN, kN, cell, cell};
  double worst = 0.0, peak = 0.0;
  std::size_t samples = 0;
  for (const auto& spw : readStokesIOracle(ms, "MODEL_DATA")) {
    // Every sample, flagged or not, has its model.
    std::vector<float> ones(spw.vis.size(), 1.0f);
    ptclean::gridding::VisibilityView view{spw.uvw.size() / 3, spw.freq.size(), spw.uvw.data(), spw.freq.data(),
                                           spw.vis.data(), ones.data()};
    auto exact = dftPredict(view, geometry, model.pixels, false);
    for (std::size_t i = 0; i < exact.size(); ++i) {
      peak = std::max(peak, std::abs(exact[i]));
      worst = std::max(worst, std::abs(std::complex<double>(spw.vis[i]) - exact[i]));
      ++samples;
    }
  }
  EXPECT_GT(samples, 1000u);
  EXPECT_GT(peak, 0.5) << "the model should hold most of the 1.4 Jy";
  return worst / peak;
}

}  // namespace

TEST(ModelColumn, TwoRanksWriteTheExactModelAndNothingElse) {
  TempDir dir("modelcol");
  const std::string ms = simulate(dir, "obs.ms");
  const auto data_before = readStokesIOracle(ms, "DATA");
  auto r = image(ms, dir / "img", 2, "");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("savemodel: added MODEL_DATA"), std::string::npos) << r.output;
  const double error = modelColumnError(ms, dir / "img.model.fits");
  std::printf("MODEL_DATA vs DFT of the model: max error / peak = %.2e\n", error);
  EXPECT_LE(error, 1e-5);
  const auto data_after = readStokesIOracle(ms, "DATA");
  ASSERT_EQ(data_before.size(), data_after.size());
  for (std::size_t s = 0; s < data_before.size(); ++s) EXPECT_EQ(data_before[s].vis, data_after[s].vis) << "DATA changed";

  // A second run overwrites the column it finds, with the same rows.
  auto again = image(ms, dir / "img2", 3, "--set niter=50");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("added MODEL_DATA"), std::string::npos);
  EXPECT_LE(modelColumnError(ms, dir / "img2.model.fits"), 1e-5);
}

TEST(ModelColumn, OtherChangesToTheMsAreRefused) {
  TempDir dir("modelvirtual");
  const std::string ms = simulate(dir, "obs.ms");
  auto r = runCommand(ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + (dir / "v") +
                      " --set niter=10 --set savemodel=virtual");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("'savemodel'"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "v.image"));
}

TEST(Streaming, SameImagesAndModelColumnAsInMemory) {
  TempDir dir("stream");
  const std::string ms = simulate(dir, "obs.ms");
  for (const char* weighting : {"natural", "briggs"}) {
    const std::string w = std::string(" --set weighting=") + weighting;
    auto memory = image(ms, dir / (std::string("mem_") + weighting), 2, w);
    ASSERT_EQ(memory.exit_code, 0) << memory.output;
    EXPECT_NE(memory.output.find("memory mode"), std::string::npos) << memory.output;
    auto streamed = image(ms, dir / (std::string("str_") + weighting), 2, w + " --set max_memory=0.2MB");
    ASSERT_EQ(streamed.exit_code, 0) << streamed.output;
    EXPECT_NE(streamed.output.find("streaming mode"), std::string::npos) << streamed.output;
    // Differences relative to the peak of the restored image, as for the rank/thread mixes.
    double peak = 0;
    for (double v : readFits(dir / (std::string("mem_") + weighting + ".image.fits")).pixels) peak = std::max(peak, std::abs(v));
    for (const char* suffix : {".image.fits", ".residual.fits", ".model.fits", ".psf.fits"}) {
      auto a = readFits(dir / (std::string("mem_") + weighting + suffix));
      auto b = readFits(dir / (std::string("str_") + weighting + suffix));
      double worst = 0;
      for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
      std::printf("%s %s: memory vs streaming, max difference / peak = %.2e\n", weighting, suffix, worst / peak);
      EXPECT_LE(worst / peak, 1e-5) << weighting << suffix;
    }
    EXPECT_LE(modelColumnError(ms, dir / (std::string("str_") + weighting + ".model.fits")), 1e-5);
  }
}
