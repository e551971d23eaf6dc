// ptclean_sweep (bench/sweep_main.cpp) on a tiny simulated MS: 2 cores, one run per mix.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifdef PTCLEAN_SWEEP_ZLIB
#include <zlib.h>
#endif

#include "test_support.h"

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint32_t bigEndian(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string cell; std::getline(ss, cell, separator);) out.push_back(cell);
  return out;
}

}  // namespace

TEST(Sweep, TwoCoresOneRunWritesEveryOutput) {
#ifndef PTCLEAN_SWEEP_BINARY
  GTEST_SKIP() << "ptclean_sweep is not built (PTCLEAN_BUILD_BENCH=OFF)";
#else
  using ptclean::testing::runCommand;
  ptclean::testing::TempDir dir("sweep");
  const std::string ms = dir / "tiny.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + ms +
                        " --set nchan=2 --set nintegrations=4");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;

  const std::string out = dir / "sweep";
  auto r = runCommand(std::string(PTCLEAN_SWEEP_BINARY) + " --ptclean " + ptclean::testing::ptcleanBinary() +
                      " --mpirun " + MPIEXEC + " --cores 2 --runs 1 --out " + out + " --set vis=" + ms +
                      " --set imsize=64 --set cell=20arcsec --set datacolumn=data --set niter=0 --project " +
                      PTCLEAN_SOURCE_DIR + "/configs/projection_alma.toml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("mix 1 of 3 (1x1), run 1 of 1, ETA"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mix 3 of 3 (2x1), run 1 of 1, ETA"), std::string::npos) << r.output;
  for (const char* name : {"sweep.csv", "sweep.json", "sweep.md", "sweep.png", "projection.md"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + name)) << name;

  // CSV: a header, then one row per (mix, run) with positive times.
  std::stringstream csv(readFile(out + "/sweep.csv"));
  std::string header_line;
  ASSERT_TRUE(std::getline(csv, header_line));
  const auto header = split(header_line, ',');
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name << " in " << header_line;
    return std::size_t(0);
  };
  const std::size_t mix_col = column("mix"), wall_col = column("wall_s"), elapsed_col = column("elapsed_s"),
                    grid_col = column("grid_s"), samples_col = column("samples"), rate_col = column("vis_per_s");
  std::set<std::string> csv_mixes;
  for (std::string line; std::getline(csv, line);) {
    const auto cells = split(line, ',');
    ASSERT_EQ(cells.size(), header.size()) << line;
    csv_mixes.insert(cells[mix_col]);
    EXPECT_GT(std::stod(cells[wall_col]), 0.0) << line;
    EXPECT_GT(std::stod(cells[elapsed_col]), 0.0) << line;
    EXPECT_GT(std::stod(cells[grid_col]), 0.0) << line;
    EXPECT_GT(std::stoll(cells[samples_col]), 0) << line;
    EXPECT_GT(std::stod(cells[rate_col]), 0.0) << line;
  }
  for (const char* mix : {"1x1", "1x2", "2x1"}) EXPECT_TRUE(csv_mixes.count(mix)) << mix << " missing from the CSV";

  // JSON: the same mixes, positive medians, efficiency 1 for 1x1 by definition.
  const auto doc = nlohmann::json::parse(readFile(out + "/sweep.json"));
  EXPECT_EQ(doc["cores"].get<int>(), 2);
  EXPECT_EQ(doc["runs"].size(), 3u);
  std::set<std::string> json_mixes;
  for (const auto& m : doc["mixes"]) {
    json_mixes.insert(m["mix"].get<std::string>());
    EXPECT_GT(m["median_wall_s"].get<double>(), 0.0) << m.dump();
    EXPECT_GT(m["efficiency"].get<double>(), 0.0) << m.dump();
    if (m["mix"] == "1x1") EXPECT_DOUBLE_EQ(m["efficiency"].get<double>(), 1.0);
  }
  for (const char* mix : {"1x1", "1x2", "2x1"}) EXPECT_TRUE(json_mixes.count(mix)) << mix << " missing from the JSON";
  // Every rank's samples are counted: the 2-rank run reads as many as the 1-rank one.
  long long one = -1, two = -1;
  for (const auto& run : doc["runs"]) {
    if (run["mix"] == "1x1") one = run["samples"].get<long long>();
    if (run["mix"] == "2x1") two = run["samples"].get<long long>();
  }
  EXPECT_GT(one, 0);
  EXPECT_EQ(one, two);

  // The cost model is fitted to these runs and checked against each of them; the projection
  // goes to 256 ranks and names the phase that limits it.
  const std::string projection = readFile(out + "/projection.md");
  for (const char* row : {"| 1x1-1 | 1 x 1 |", "| 1x2-1 | 1 x 2 |", "| 2x1-1 | 2 x 1 |", "| 256 |", "What limits scaling"})
    EXPECT_NE(projection.find(row), std::string::npos) << row << " missing from\n" << projection;

  const std::string md = readFile(out + "/sweep.md");
  EXPECT_NE(md.find("| 2x1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("efficiency"), std::string::npos) << md;

  // PNG: signature, IHDR (8-bit RGB), and the IDAT chunks inflate to height * (1 + width * 3) bytes.
  const std::string png = readFile(out + "/sweep.png");
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  const std::uint32_t width = bigEndian(png, 16), height = bigEndian(png, 20);
  EXPECT_GT(width, 100u);
  EXPECT_GT(height, 100u);
  EXPECT_EQ(int(std::uint8_t(png[24])), 8);  // bit depth
  EXPECT_EQ(int(std::uint8_t(png[25])), 2);  // RGB
  std::string idat;
  bool saw_end = false;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t length = bigEndian(png, at);
    const std::string type = png.substr(at + 4, 4);
    ASSERT_LE(at + 12 + length, png.size());
    if (type == "IDAT") idat += png.substr(at + 8, length);
    if (type == "IEND") saw_end = true;
    at += 12 + length;
  }
  EXPECT_TRUE(saw_end);
  ASSERT_FALSE(idat.empty());
#ifdef PTCLEAN_SWEEP_ZLIB
  const std::size_t expected = std::size_t(height) * (1 + std::size_t(width) * 3);
  std::vector<unsigned char> raw(expected + 16);
  uLongf raw_size = uLongf(raw.size());
  ASSERT_EQ(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), uLong(idat.size())), Z_OK);
  EXPECT_EQ(raw_size, expected);
  // Not a blank figure: some pixels are neither white nor black.
  std::size_t coloured = 0;
  for (std::size_t y = 0; y < height; ++y)
    for (std::size_t x = 0; x < width; ++x) {
      const unsigned char* p = raw.data() + y * (1 + width * 3) + 1 + x * 3;
      if (!(p[0] == p[1] && p[1] == p[2])) ++coloured;
    }
  EXPECT_GT(coloured, 1000u);
#endif
#endif
}
