#include "test_support.h"

#include <gtest/gtest.h>

#include <sstream>

#include <fstream>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <sys/wait.h>

namespace ptclean::testing {

CommandResult runCommand(const std::string& command) {
  CommandResult result;
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string ptcleanBinary() { return PTCLEAN_BINARY; }

std::string mpirunPrefix(int ranks) {
  return std::string("OMPI_MCA_rmaps_base_oversubscribe=1 ") + MPIEXEC +
         " --allow-run-as-root --oversubscribe -n " + std::to_string(ranks);
}

TempDir::TempDir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::filesystem::path root = base ? base : "/tmp";
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = root / ("ptclean-test-" + tag + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder for " + tag);
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!std::getenv("PTCLEAN_KEEP_TEST_FILES")) std::filesystem::remove_all(path_, ignored);
}

bool haveSharedData(const std::string& tgz) {
  return std::filesystem::exists(std::filesystem::path(PTCLEAN_SHARED_DATA) / tgz);
}

std::filesystem::path unpackSharedMs(const std::string& tgz, const std::filesystem::path& into) {
  auto archive = std::filesystem::path(PTCLEAN_SHARED_DATA) / tgz;
  if (!std::filesystem::exists(archive)) throw std::runtime_error("missing " + archive.string());
  auto result = runCommand("tar -xzf '" + archive.string() + "' -C '" + into.string() + "'");
  if (result.exit_code != 0) throw std::runtime_error("tar failed: " + result.output);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(into)) {
    if (entry.is_directory() && entry.path().extension() == ".ms") return entry.path();
  }
  throw std::runtime_error("no .ms inside " + archive.string());
}

std::string pointSourcesToml(const std::vector<PointSource>& sources) {
  std::string text = "[";
  for (const auto& s : sources)
    text += std::string(text.size() > 1 ? ", " : "") + "{type=\"point\", l=" + std::to_string(s.l_arcsec) +
            ", m=" + std::to_string(s.m_arcsec) + ", flux=" + std::to_string(s.flux) + "}";
  return text + "]";
}

std::map<std::string, std::size_t> treeSnapshot(const std::filesystem::path& path) {
  std::map<std::string, std::size_t> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    files[entry.path().string()] = std::hash<std::string>{}(content.str());
  }
  return files;
}

UnchangedGuard::UnchangedGuard(std::filesystem::path path) : path_(std::move(path)), before_(treeSnapshot(path_)) {}

UnchangedGuard::~UnchangedGuard() {
  EXPECT_EQ(treeSnapshot(path_), before_) << "the input " << path_ << " was modified";
}

}  // namespace ptclean::testing
