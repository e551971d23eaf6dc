// Helpers shared by the test binaries: run the ptclean program, temporary folders, shared data.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ptclean::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs `command` through /bin/sh with stderr merged into stdout.
CommandResult runCommand(const std::string& command);

/// Absolute path of the ptclean binary under test.
std::string ptcleanBinary();

/// "mpirun --allow-run-as-root --oversubscribe -n <n>" (with OMPI variables that keep it quiet).
std::string mpirunPrefix(int ranks);

struct PointSource {
  double l_arcsec = 0.0, m_arcsec = 0.0, flux = 0.0;
};

/// The `sources` value of `ptclean simulate` for these point sources (TOML array of tables).
std::string pointSourcesToml(const std::vector<PointSource>& sources);

/// A fresh folder under $TMPDIR (or /tmp), removed with everything in it at destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Unpacks ../shared/data/<tgz> into `into` and returns the path of the MS it holds.
/// Calls GTEST_SKIP-worthy failure (throws) if the archive is missing.
std::filesystem::path unpackSharedMs(const std::string& tgz, const std::filesystem::path& into);

/// Every file under `path` with the hash of its contents, to show that a run left it unchanged.
std::map<std::string, std::size_t> treeSnapshot(const std::filesystem::path& path);

/// Records `path` (an input MS) now, and when it goes fails the test if anything in it changed:
/// ptclean never modifies its input (savemodel aside).
class UnchangedGuard {
 public:
  explicit UnchangedGuard(std::filesystem::path path);
  ~UnchangedGuard();
  UnchangedGuard(const UnchangedGuard&) = delete;
  UnchangedGuard& operator=(const UnchangedGuard&) = delete;

 private:
  std::filesystem::path path_;
  std::map<std::string, std::size_t> before_;
};

/// True if the shared data folder with `tgz` exists.
bool haveSharedData(const std::string& tgz);

}  // namespace ptclean::testing
