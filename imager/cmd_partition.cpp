// `ptclean partition`: CASA's partition task. Selected rows of an MS are planned into Sub-MSs
// (partition/sub_ms_plan.h), each rank writes the Sub-MSs given to it, and rank 0 assembles the
// Multi-MS and renames it into place.
#include <filesystem>
#include <map>

#include "commands.h"
#include "flag_versions.h"
#include "interrupts.h"
#include "log.h"
#include "mms_writer.h"
#include "mpi_context.h"
#include "partition_input.h"
#include "partition_settings.h"
#include "ptclean/gridding/stopwatch.h"
#include "ptclean/partition/sub_ms_plan.h"

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

std::vector<partition::RowKey> rowKeys(const PartitionInput& input) {
  std::vector<partition::RowKey> keys;
  for (const auto& r : input.rows())
    keys.push_back({r.scan, r.data_desc, r.spw, r.field, r.antenna1, r.antenna2, r.visibilities});
  return keys;
}

/// Removes the staging folders unless the Multi-MS was completed (rank 0).
class PartitionCleanup {
 public:
  explicit PartitionCleanup(std::string outputvis) : out_(std::move(outputvis)) {}
  ~PartitionCleanup() {
    if (done_) return;
    std::error_code ignored;
    fs::remove_all(stagingFolder(out_), ignored);
    fs::remove_all(out_ + ".partition-tmp", ignored);
  }
  void done() { done_ = true; }

 private:
  std::string out_;
  bool done_ = false;
};

}  // namespace

int runPartitionCommand(const MpiContext& mpi, const std::string& config_file,
                        const std::vector<std::string>& overrides) {
  gridding::Stopwatch timer;
  const Config config = Config::load(partitionKeys(), config_file, overrides);
  const PartitionSettings settings = partitionSettingsFrom(config);
  const auto axis = partition::separationAxisFromName(settings.separationaxis);

  collectively(mpi, [&] {
    if (!fs::exists(settings.vis)) throw std::runtime_error("vis '" + settings.vis + "' does not exist");
    if (fs::exists(settings.outputvis))
      throw std::runtime_error("outputvis '" + settings.outputvis + "' already exists; partition never overwrites");
    if (fs::exists(stagingFolder(settings.outputvis)) || fs::exists(settings.outputvis + ".partition-tmp"))
      throw std::runtime_error("another partition into '" + settings.outputvis + "' seems to be running (" +
                               stagingFolder(settings.outputvis) + " exists)");
  });

  std::unique_ptr<PartitionInput> input;
  partition::SubMsPlan plan;
  collectively(mpi, [&] {
    input = std::make_unique<PartitionInput>(settings.vis, settings.selection);
    const std::size_t wanted =
        settings.createmms ? std::size_t(settings.numsubms > 0 ? settings.numsubms : (mpi.size() > 1 ? mpi.size() : 8)) : 1;
    plan = partition::planSubMss(rowKeys(*input), settings.createmms ? axis : partition::SeparationAxis::Scan, wanted);
  });
  spdlog::info("partition {} -> {}: {} selected rows into {} {} (separation axis {})", settings.vis,
               settings.outputvis, input->selectedRows(), plan.sub_ms_count,
               settings.createmms ? "Sub-MSs" : "MS", settings.separationaxis);

  std::unique_ptr<PartitionCleanup> cleanup;
  if (mpi.isRoot()) cleanup = std::make_unique<PartitionCleanup>(settings.outputvis);
  const std::string staging = settings.createmms ? stagingFolder(settings.outputvis) : settings.outputvis + ".partition-tmp";
  collectively(mpi, [&] {
    if (mpi.isRoot() && settings.createmms) fs::create_directories(staging);
  });

  // Each rank writes the Sub-MSs whose index modulo the rank count is its own.
  collectively(mpi, [&] {
    std::vector<std::vector<std::size_t>> rows(plan.sub_ms_count);
    for (std::size_t r = 0; r < plan.sub_ms_of_row.size(); ++r) rows[plan.sub_ms_of_row[r]].push_back(r);
    for (std::size_t i = std::size_t(mpi.rank()); i < plan.sub_ms_count; i += std::size_t(mpi.size())) {
      throwIfInterrupted("while writing Sub-MSs");
      gridding::Stopwatch one;
      const std::string path = settings.createmms ? (fs::path(staging) / subMsName(settings.outputvis, i)).string() : staging;
      input->writeRows(rows[i], path, settings.datacolumn);
      spdlog::info("{} {}: {} rows, {} visibilities, in {:.2f} s", settings.createmms ? "Sub-MS" : "MS",
                   fs::path(path).filename().string(), rows[i].size(), plan.visibilities_per_sub_ms[i], one.lap());
    }
  });

  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    throwIfInterrupted("before assembling the Multi-MS");
    if (settings.createmms) {
      assembleMultiMs(settings.outputvis, plan.sub_ms_count, partition::axisTypeText(axis));
    } else {
      fs::rename(staging, settings.outputvis);
    }
    if (settings.flagbackup) {
      try {
        saveFlagVersion(settings.outputvis, "partition_1", "Flags autosave on partition");
      } catch (...) {
        std::error_code ignored;
        fs::remove_all(settings.outputvis, ignored);
        throw;
      }
    }
    cleanup->done();
    spdlog::info("wrote {} in {:.2f} s", settings.outputvis, timer.lap());
  });
  return 0;
}

}  // namespace ptclean::imager
