// The same images whatever the mix of MPI ranks and OpenMP threads.
#include <gtest/gtest.h>

#include <cmath>

#include "ms_oracle.h"
#include "test_support.h"

namespace {

double maxDifference(const std::string& a, const std::string& b) {
  auto x = ptclean::testing::readFits(a), y = ptclean::testing::readFits(b);
  EXPECT_EQ(x.pixels.size(), y.pixels.size());
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < x.pixels.size(); ++i) {
    peak = std::max(peak, std::abs(x.pixels[i]));
    worst = std::max(worst, std::abs(x.pixels[i] - y.pixels[i]));
  }
  return worst / peak;
}

}  // namespace

TEST(RanksAndThreads, SameImagesForEveryMix) {
  if (!ptclean::testing::haveSharedData("vlba_mojave_m87.ms.tgz")) GTEST_SKIP() << "no shared data";
  ptclean::testing::TempDir dir("mix");
  auto ms = ptclean::testing::unpackSharedMs("vlba_mojave_m87.ms.tgz", dir.path()).string();
  ptclean::testing::UnchangedGuard unchanged(ms);
  const std::string args = " image --set vis=" + ms +
                           " --set imsize=256 --set cell=0.0002arcsec --set datacolumn=data"
                           " --set gridder=wproject --set weighting=briggs --set robust=0 --set imagename=";
  struct Mix { int ranks, threads; };
  for (Mix mix : {Mix{1, 1}, Mix{1, 2}, Mix{2, 1}, Mix{3, 1}, Mix{2, 2}}) {
    const std::string name = dir / ("mix" + std::to_string(mix.ranks) + "x" + std::to_string(mix.threads));
    const std::string prefix = mix.ranks == 1 ? "" : ptclean::testing::mpirunPrefix(mix.ranks) + " ";
    auto r = ptclean::testing::runCommand("OMP_NUM_THREADS=" + std::to_string(mix.threads) + " " + prefix +
                                          ptclean::testing::ptcleanBinary() + args + name);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(std::to_string(mix.ranks) + " rank(s) x " + std::to_string(mix.threads) + " thread(s)"),
              std::string::npos) << r.output;
    if (mix.ranks == 1 && mix.threads == 1) continue;
    const std::string reference = dir / "mix1x1";
    for (const char* suffix : {".residual.fits", ".psf.fits", ".image.fits"}) {
      double difference = maxDifference(reference + suffix, name + suffix);
      std::printf("%dx%d %s: max difference / peak = %.2e\n", mix.ranks, mix.threads, suffix, difference);
      EXPECT_LE(difference, 1e-6) << mix.ranks << "x" << mix.threads << " " << suffix;
    }
  }
}

TEST(RanksAndThreads, AFailingRankStopsEveryRankWithOneMessage) {
  ptclean::testing::TempDir dir("fail");
  auto r = ptclean::testing::runCommand(ptclean::testing::mpirunPrefix(2) + " " + ptclean::testing::ptcleanBinary() +
                                        " image --set vis=" + (dir / "missing.ms") + " --set imagename=" + (dir / "x"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
  std::size_t count = 0;
  for (std::size_t at = r.output.find("ptclean: error:"); at != std::string::npos;
       at = r.output.find("ptclean: error:", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << r.output;
}

TEST(RanksAndThreads, CleanGivesTheSameImagesForEveryMixAndWeighting) {
  ptclean::testing::TempDir dir("cleanmix");
  const std::string ms = dir / "points.ms";
  auto sim = ptclean::testing::runCommand(
      ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
      " --set array=vla --set array_scale=3.28 --set nchan=4 --set nintegrations=10 --set nscans=3"
      " --set hourangle_span=6h --set hourangle_start=-3h --set 'phasecenter=J2000 12h00m00 40d00m00' --set noise=0.25"
      " --set 'sources=[{type=\"point\", l=0.0, m=0.0, flux=1.0}, {type=\"point\", l=60.0, m=-40.0, flux=0.5}]'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  struct Mix { int ranks, threads; };
  for (const char* weighting : {"natural", "uniform", "briggs"}) {
    const std::string args = " image --set vis=" + ms + " --set imsize=192 --set cell=2arcsec --set datacolumn=data"
                             " --set niter=2000 --set nsigma=3 --set cycleniter=300 --set weighting=" + weighting +
                             " --set robust=0 --set imagename=";
    for (Mix mix : {Mix{1, 1}, Mix{1, 2}, Mix{2, 1}, Mix{3, 1}, Mix{2, 2}}) {
      const std::string name = dir / (std::string(weighting) + std::to_string(mix.ranks) + "x" + std::to_string(mix.threads));
      const std::string prefix = mix.ranks == 1 ? "" : ptclean::testing::mpirunPrefix(mix.ranks) + " ";
      auto r = ptclean::testing::runCommand("OMP_NUM_THREADS=" + std::to_string(mix.threads) + " " + prefix +
                                            ptclean::testing::ptcleanBinary() + args + name);
      ASSERT_EQ(r.exit_code, 0) << r.output;
      if (mix.ranks == 1 && mix.threads == 1) continue;
      const std::string reference = dir / (std::string(weighting) + "1x1");
      auto image = ptclean::testing::readFits(reference + ".image.fits");
      double peak = 0;
      for (double v : image.pixels) peak = std::max(peak, std::abs(v));
      for (const char* suffix : {".image.fits", ".residual.fits", ".model.fits"}) {
        auto a = ptclean::testing::readFits(reference + suffix), b = ptclean::testing::readFits(name + suffix);
        double worst = 0;
        for (std::size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - b.pixels[i]));
        std::printf("%s %dx%d %s: max difference / peak = %.2e\n", weighting, mix.ranks, mix.threads, suffix, worst / peak);
        EXPECT_LE(worst / peak, 1e-5) << weighting << " " << mix.ranks << "x" << mix.threads << " " << suffix;
      }
    }
  }
}

TEST(RanksAndThreads, TimingsPerRankAndAnIdleClientGiveTheSameImages) {
  ptclean::testing::TempDir dir("timings");
  const std::string ms = dir / "points.ms";
  auto sim = ptclean::testing::runCommand(
      ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
      " --set array=vla --set nchan=2 --set nintegrations=10 --set noise=0.25"
      " --set 'sources=[{type=\"point\", l=30.0, m=20.0, flux=1.0}]'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  const std::string args = " image --set vis=" + ms + " --set imsize=128 --set cell=8arcsec --set datacolumn=data"
                           " --set niter=500 --set nsigma=3 --set imagename=";
  auto a = ptclean::testing::runCommand("OMP_NUM_THREADS=1 " + ptclean::testing::mpirunPrefix(3) + " " +
                                        ptclean::testing::ptcleanBinary() + args + (dir / "busy"));
  ASSERT_EQ(a.exit_code, 0) << a.output;
  auto b = ptclean::testing::runCommand("OMP_NUM_THREADS=1 " + ptclean::testing::mpirunPrefix(3) + " " +
                                        ptclean::testing::ptcleanBinary() + args + (dir / "idle") +
                                        " --no-work-on-client --timings " + (dir / "t.json"));
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_NE(b.output.find("[client] read 0 Stokes I samples"), std::string::npos) << b.output;
  auto x = ptclean::testing::readFits(dir / "busy.image.fits"), y = ptclean::testing::readFits(dir / "idle.image.fits");
  double peak = 0, worst = 0;
  for (std::size_t i = 0; i < x.pixels.size(); ++i) {
    peak = std::max(peak, std::abs(x.pixels[i]));
    worst = std::max(worst, std::abs(x.pixels[i] - y.pixels[i]));
  }
  EXPECT_LE(worst / peak, 1e-5);
  // The timings file: one entry per rank with every phase and the work it did: the idle client
  // holds no samples, the servers hold them all, and rank 0 found the components.
  auto json = ptclean::testing::runCommand(
      "/usr/bin/python3 -c \"import json; d=json.load(open('" + (dir / "t.json") +
      "')); r=d['per_rank']; print(d['ranks'], len(r), sorted(r[1].keys()), r[0]['minor'] > 0, r[1]['grid'] > 0,"
      " r[0]['work']['samples'], r[1]['work']['samples'] + r[2]['work']['samples'],"
      " r[0]['work']['minor_iterations'] > 0, r[1]['work']['gridded_plane_visits'] > 0,"
      " r[1]['work']['degridded_plane_visits'] > 0, r[0]['work']['major_cycles'] > 0)\"");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  // 351 baselines x 10 integrations x 2 channels.
  EXPECT_NE(json.output.find("3 3 ['degrid', 'fft', 'grid', 'minor', 'rank', 'read', 'reduce', 'role', 'work', 'write'] "
                             "True True 0.0 7020.0 True True True True"),
            std::string::npos)
      << json.output;
}
