// Load: a batch of 50 small images on 3 ranks finishes with every image, and no rank keeps file
// descriptors or memory per job (the client before and after, each server after its first and
// its last job, as batch.json records them).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace {

TEST(BatchLoad, FiftyImagesOnThreeRanksLeakNoFilesOrMemory) {
  ptclean::testing::TempDir dir("batch-load");
  const std::string ms = dir / "small.ms";
  auto sim = ptclean::testing::runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                                          " --set nchan=2 --set nintegrations=10 --set noise=0.05 --set 'sources=" +
                                          ptclean::testing::pointSourcesToml({{60, -40, 1.0}}) + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  const std::string outdir = dir / "out";
  {
    std::ofstream batch(dir / "jobs.toml");
    batch << "outdir = \"" << outdir << "\"\n[defaults]\nvis = \"" << ms
          << "\"\ndatacolumn = \"data\"\nimsize = 64\ncell = \"16arcsec\"\nnsigma = 3\n";
    for (int j = 0; j < 50; ++j) batch << "[[job]]\nname = \"image" << j << "\"\nniter = " << 10 * j << "\n";
  }
  auto r = ptclean::testing::runCommand("OMP_NUM_THREADS=1 " + ptclean::testing::mpirunPrefix(3) + " " +
                                        ptclean::testing::ptcleanBinary() + " batch " + (dir / "jobs.toml"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (int j = 0; j < 50; ++j)
    EXPECT_TRUE(std::filesystem::exists(outdir + "/image" + std::to_string(j) + "/image" + std::to_string(j) + ".image.fits")) << j;

  std::ifstream in(outdir + "/batch.json");
  const auto record = nlohmann::json::parse(in);
  const auto& resources = record.at("resources");
  const auto& client = resources.at("client");
  std::printf("client: %d open files, %.1f MB before; %d, %.1f MB after\n", client["start"]["open_files"].get<int>(),
              client["start"]["rss_mb"].get<double>(), client["end"]["open_files"].get<int>(),
              client["end"]["rss_mb"].get<double>());
  EXPECT_EQ(client["end"]["open_files"], client["start"]["open_files"]);
  // 50 job records and their JSON are all the client keeps: well under a megabyte.
  EXPECT_LT(client["end"]["rss_mb"].get<double>() - client["start"]["rss_mb"].get<double>(), 4.0);
  ASSERT_EQ(resources.at("servers").size(), 2u);
  for (const auto& [server, s] : resources.at("servers").items()) {
    std::printf("server-%s: %d open files, %.1f MB after its first job; %d, %.1f MB after its last\n", server.c_str(),
                s["after_first_job"]["open_files"].get<int>(), s["after_first_job"]["rss_mb"].get<double>(),
                s["after_last_job"]["open_files"].get<int>(), s["after_last_job"]["rss_mb"].get<double>());
    EXPECT_EQ(s["after_last_job"]["open_files"], s["after_first_job"]["open_files"]) << "server-" << server;
    EXPECT_LT(s["after_last_job"]["rss_mb"].get<double>() - s["after_first_job"]["rss_mb"].get<double>(), 2.0)
        << "server-" << server;
  }
}

}  // namespace
