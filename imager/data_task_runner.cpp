#include "data_task_runner.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "interrupts.h"
#include "log.h"
#include "mms_writer.h"
#include "mpi_context.h"
#include "multi_ms.h"
#include "ptclean/gridding/stopwatch.h"
#include "ptclean/partition/unit_dealing.h"

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

/// Bytes of the files under `path`, not following links (a Sub-MS's linked subtables are shared).
std::size_t folderBytes(const std::string& path) {
  std::size_t bytes = 0;
  std::error_code ignored;
  for (const auto& entry : fs::recursive_directory_iterator(path, ignored))
    if (entry.is_regular_file(ignored) && !entry.is_symlink(ignored)) bytes += entry.file_size(ignored);
  return bytes;
}

/// Which rank processes each part: dealt on rank 0 (the sizes could change under a rank that
/// looks later) and broadcast; rank 0 logs the deal.
std::vector<std::size_t> dealParts(const MpiContext& mpi, const std::string& task, const std::vector<std::string>& parts) {
  std::vector<std::size_t> bytes(parts.size()), owner(parts.size(), 0);
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    for (std::size_t i = 0; i < parts.size(); ++i) bytes[i] = folderBytes(parts[i]);
    owner = partition::dealLargestFirst(bytes, std::size_t(mpi.size()));
  });
  std::vector<double> dealt(owner.begin(), owner.end());
  mpi.broadcast(dealt);
  for (std::size_t i = 0; i < parts.size(); ++i) owner[i] = std::size_t(dealt[i]);
  if (!mpi.isRoot()) return owner;
  spdlog::info("{}: Multi-MS of {} Sub-MSs over {} rank{}", task, parts.size(), mpi.size(), mpi.size() > 1 ? "s" : "");
  for (int rank = 0; rank < mpi.size(); ++rank) {
    std::string names;
    std::size_t total = 0;
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (owner[i] == std::size_t(rank)) {
        names += (names.empty() ? "" : ", ") + fs::path(parts[i]).filename().string();
        total += bytes[i];
      }
    spdlog::info("{}: {} takes {} ({:.1f} MB)", task, rank == 0 ? "client" : "server-" + std::to_string(rank),
                 names.empty() ? "nothing" : names, double(total) / 1e6);
  }
  return owner;
}

/// Runs `process` on part `path`, naming the Sub-MS in a failure.
template <typename Process>
auto processPart(const std::string& task, const std::string& path, bool is_sub_ms, Process&& process) {
  throwIfInterrupted("during " + task);
  try {
    return process();
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& error) {
    if (!is_sub_ms) throw;
    throw std::runtime_error(task + " failed on Sub-MS " + fs::path(path).filename().string() + ": " + error.what());
  }
}

/// Removes what an unfinished writing task left (rank 0).
class UnfinishedOutput {
 public:
  explicit UnfinishedOutput(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  ~UnfinishedOutput() {
    if (done_) return;
    std::error_code ignored;
    for (const auto& path : paths_) fs::remove_all(path, ignored);
  }
  void done() { done_ = true; }

 private:
  std::vector<std::string> paths_;
  bool done_ = false;
};

}  // namespace

std::vector<std::string> taskParts(const std::string& vis) {
  return isMultiMs(vis) ? subMsPaths(vis) : std::vector<std::string>{vis};
}

void runWritingTask(const MpiContext& mpi, const WritingTask& task) {
  gridding::Stopwatch timer;
  const std::string staging = stagingFolder(task.outputvis), temporary = task.outputvis + "." + task.name + "-tmp";
  collectively(mpi, [&] {
    if (!fs::exists(task.vis)) throw std::runtime_error("vis '" + task.vis + "' does not exist");
    if (fs::exists(task.outputvis))
      throw std::runtime_error("outputvis '" + task.outputvis + "' already exists; " + task.name + " never overwrites");
    if (fs::exists(staging) || fs::exists(temporary))
      throw std::runtime_error("another task is writing '" + task.outputvis + "' (" +
                               (fs::exists(staging) ? staging : temporary) + " exists)");
  });
  const bool multi = isMultiMs(task.vis);
  std::unique_ptr<UnfinishedOutput> cleanup;
  if (mpi.isRoot()) cleanup = std::make_unique<UnfinishedOutput>(std::vector<std::string>{staging, temporary});

  if (!multi || task.serial) {
    if (mpi.size() > 1 && mpi.isRoot())
      spdlog::info("{}: {} is processed as one MS by the client (rank 0) alone{}", task.name, task.vis,
                   multi ? "" : "; partition it into a Multi-MS to share the work among the ranks");
    collectively(mpi, [&] {
      if (!mpi.isRoot()) return;
      processPart(task.name, task.vis, false, [&] { task.process(task.vis, temporary); });
      throwIfInterrupted("before renaming " + task.outputvis + " into place");
      fs::rename(temporary, task.outputvis);
      cleanup->done();
    });
    if (mpi.isRoot()) spdlog::info("{}: wrote {} in {:.2f} s", task.name, task.outputvis, timer.lap());
    return;
  }

  std::vector<std::string> parts;
  std::string axis;
  collectively(mpi, [&] {
    parts = subMsPaths(task.vis);
    axis = multiMsAxis(task.vis);
  });
  const auto owner = dealParts(mpi, task.name, parts);
  collectively(mpi, [&] {
    if (mpi.isRoot()) fs::create_directories(staging);
  });
  collectively(mpi, [&] {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (owner[i] != std::size_t(mpi.rank())) continue;
      gridding::Stopwatch one;
      const std::string output = (fs::path(staging) / subMsName(task.outputvis, i)).string();
      processPart(task.name, parts[i], true, [&] { task.process(parts[i], output); });
      spdlog::info("{}: Sub-MS {} done in {:.2f} s", task.name, fs::path(parts[i]).filename().string(), one.lap());
    }
  });
  std::size_t written = 0;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    throwIfInterrupted("before assembling " + task.outputvis);
    // Sub-MSs without selected data are left out, as CASA's parallel tasks leave them out (a
    // concatenation with an empty part cannot read its tiled columns); the rest keep their order.
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const fs::path part = fs::path(staging) / subMsName(task.outputvis, i);
      if (tableRows(part.string()) == 0) {
        fs::remove_all(part);
        spdlog::info("{}: Sub-MS {} holds none of the selected data: left out", task.name, fs::path(parts[i]).filename().string());
        continue;
      }
      if (written != i) fs::rename(part, fs::path(staging) / subMsName(task.outputvis, written));
      ++written;
    }
    if (written == 0) throw std::runtime_error(task.name + ": the selection leaves no data in any Sub-MS of " + task.vis);
    assembleMultiMs(task.outputvis, written, axis.empty() ? "scan,spw" : axis);
    cleanup->done();
  });
  if (mpi.isRoot())
    spdlog::info("{}: wrote the Multi-MS {} ({} Sub-MSs) in {:.2f} s", task.name, task.outputvis, written, timer.lap());
}

std::vector<std::string> runInPlaceTask(const MpiContext& mpi, const InPlaceTask& task) {
  std::vector<std::string> parts;
  collectively(mpi, [&] {
    if (!fs::exists(task.vis)) throw std::runtime_error("vis '" + task.vis + "' does not exist");
    parts = taskParts(task.vis);
    if (mpi.isRoot() && task.check)
      for (const auto& part : parts) task.check(part);
  });
  const bool multi = parts.size() != 1 || parts[0] != task.vis;
  std::vector<std::size_t> owner(parts.size(), 0);
  if (multi)
    owner = dealParts(mpi, task.name, parts);
  else if (mpi.size() > 1 && mpi.isRoot())
    spdlog::info("{}: {} is a plain MS: the client (rank 0) processes it alone", task.name, task.vis);
  nlohmann::json mine = nlohmann::json::object();
  collectively(mpi, [&] {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (owner[i] != std::size_t(mpi.rank())) continue;
      gridding::Stopwatch one;
      mine[std::to_string(i)] = processPart(task.name, parts[i], multi, [&] { return task.process(parts[i]); });
      if (multi) spdlog::info("{}: Sub-MS {} done in {:.2f} s", task.name, fs::path(parts[i]).filename().string(), one.lap());
    }
  });
  std::vector<std::string> results;
  const auto gathered = mpi.gatherTextsToRoot(mine.dump());
  if (!mpi.isRoot()) return results;
  results.resize(parts.size());
  for (const auto& text : gathered) {
    const nlohmann::json rank_results = nlohmann::json::parse(text);
    for (const auto& [index, result] : rank_results.items()) results[std::stoul(index)] = result.get<std::string>();
  }
  return results;
}

}  // namespace ptclean::imager
