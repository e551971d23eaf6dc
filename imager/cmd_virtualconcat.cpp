// `ptclean virtualconcat`: CASA's virtualconcat task. The input MSs, sorted by their first time,
// become the Sub-MSs of a Multi-MS: moved (or, with keepcopy, copied) into the staging folder,
// their subtables merged into the first's and their main-table IDs renumbered (ms_concat.h), then
// assembled by the Multi-MS writer (mms_writer.h). The visibilities are not rewritten.
//
// With keepcopy=false the inputs are moved, so a failure must give them back as they were: before
// anything is changed, each moved input's subtables and the main-table columns that will change
// are saved in <concatvis>.virtualconcat-undo, and a failed run puts them back and moves the
// inputs back to where they were.
#include <algorithm>
#include <filesystem>
#include <numeric>
#include <sstream>
#include <system_error>

#include "commands.h"
#include "config.h"
#include "interrupts.h"
#include "log.h"
#include "mms_writer.h"
#include "mpi_context.h"
#include "ms_concat.h"
#include "multi_ms.h"
#include "ptclean/gridding/stopwatch.h"
#include "virtualconcat_settings.h"

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

/// CASA's virtualconcat calls makeMMS without a separation axis, so its readme has no AxisType;
/// CASA (partitionhelper.axisType) and listpartition read an empty value the same way.
constexpr const char* kAxisType = "";

std::string undoFolder(const std::string& concatvis) { return concatvis + ".virtualconcat-undo"; }
std::string gatheredFolder(const std::string& concatvis) { return concatvis + ".partition-tmp"; }  // assembleMultiMs's

bool present(const fs::path& path) { return fs::exists(fs::symlink_status(path)); }

/// One input on its way into the Multi-MS.
struct Member {
  std::string input;           ///< where it was
  std::string name;            ///< its Sub-MS name, "<concatvis>.0001.ms"
  double weight_scale = 1.0;
  bool moved = false;          ///< renamed into the staging folder; a failure moves it back
  bool remove_input = false;   ///< copied across file systems instead of moved: removed at the end
  fs::path undo;               ///< moved inputs: saved subtables, columns, SORTED_TABLE
  bool columns_saved = false;
  bool sorted_table_saved = false;
};

/// Checks an input without touching it; returns what sorting needs. Errors name the path.
ConcatInput checkInput(const std::string& vis) {
  const auto status = fs::symlink_status(vis);
  if (!fs::exists(status)) throw std::runtime_error("vis '" + vis + "' does not exist");
  if (fs::is_symlink(status))
    throw std::runtime_error("vis '" + vis + "' is a symbolic link; give the real path (as CASA requires)");
  if (!fs::is_directory(status)) throw std::runtime_error("vis '" + vis + "' is not a MeasurementSet (not a folder)");
  if (isMultiMs(vis))
    throw std::runtime_error("vis '" + vis + "' is a Multi-MS; virtualconcat of Multi-MSs is not supported yet");
  for (const auto& entry : fs::directory_iterator(vis))
    if (entry.is_symlink())
      throw std::runtime_error("vis '" + vis + "': " + entry.path().string() +
                               " is a link (a Sub-MS taken out of a Multi-MS?); give a plain MS");
  return inspectConcatInput(vis);
}

std::string differingColumns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> only;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
  std::string text;
  for (const auto& name : only) text += (text.empty() ? "" : ", ") + name;
  return text;
}

/// The run on rank 0: the staged members, and what a failure must undo.
class VirtualConcat {
 public:
  VirtualConcat(const VirtualConcatSettings& settings, std::vector<Member> members)
      : s_(settings), members_(std::move(members)), staging_(stagingFolder(settings.concatvis)),
        gathered_(gatheredFolder(settings.concatvis)), undo_(undoFolder(settings.concatvis)) {}
  VirtualConcat(const VirtualConcat&) = delete;
  VirtualConcat& operator=(const VirtualConcat&) = delete;
  ~VirtualConcat() {
    if (!done_) rollBack();
  }

  void run(const std::string& history);

 private:
  fs::path staged(const Member& m) const { return staging_ / m.name; }
  void stage(Member& m);
  void saveSubtables(Member& m);
  void rollBack() noexcept;
  void giveBack(Member& m);

  const VirtualConcatSettings& s_;
  std::vector<Member> members_;
  fs::path staging_, gathered_, undo_;
  bool done_ = false;
};

void VirtualConcat::stage(Member& m) {
  const fs::path to = staged(m);
  if (s_.keepcopy) {
    fs::copy(m.input, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    return;
  }
  std::error_code error;
  fs::rename(m.input, to, error);
  if (!error) {
    m.moved = true;
    return;
  }
  if (error != std::errc::cross_device_link)
    throw std::runtime_error("cannot move vis '" + m.input + "' to " + to.string() + ": " + error.message());
  // Another file system: copied now, the input removed once the Multi-MS is complete.
  fs::copy(m.input, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  m.remove_input = true;
}

void VirtualConcat::saveSubtables(Member& m) {
  fs::create_directories(m.undo / "subtables");
  for (const auto& name : concatSubtables(staged(m).string())) {
    const fs::path table = staged(m) / name;
    if (fs::is_directory(fs::symlink_status(table)))
      fs::copy(table, m.undo / "subtables" / name, fs::copy_options::recursive);
  }
}

void VirtualConcat::run(const std::string& history) {
  fs::create_directories(staging_);
  if (!s_.keepcopy) fs::create_directories(undo_);
  for (std::size_t i = 0; i < members_.size(); ++i) {
    throwIfInterrupted("while gathering the inputs");
    Member& m = members_[i];
    stage(m);
    spdlog::info("{} {} as Sub-MS {}", m.moved ? "moved" : "copied", m.input, m.name);
    if (m.moved) {
      m.undo = undo_ / std::to_string(i);
      saveSubtables(m);
    }
  }

  const std::string first = staged(members_[0]).string();
  ConcatTolerances tolerances;
  tolerances.freq_hz = s_.freqtol_hz;
  tolerances.dir_rad = s_.dirtol_rad;
  tolerances.respect_name = s_.respectname;
  tolerances.copy_pointing = s_.copypointing;
  int max_scan = maxScanNumber(first);
  for (std::size_t i = 0; i < members_.size(); ++i) {
    throwIfInterrupted("while merging the subtables");
    Member& m = members_[i];
    const std::string path = staged(m).string();
    if (m.moved && (i > 0 || m.weight_scale != 1.0)) {
      std::vector<std::string> columns = i > 0 ? concatIdColumns(path) : std::vector<std::string>{};
      if (m.weight_scale != 1.0)
        for (const auto& name : concatWeightColumns(path)) columns.push_back(name);
      saveMainColumns(path, columns, (m.undo / "columns").string());
      m.columns_saved = true;
    }
    if (i > 0) {
      MergeSummary merged;
      try {
        merged = mergeConcatMember(first, path, tolerances, max_scan);
      } catch (const std::exception& error) {
        throw std::runtime_error("vis '" + m.input + "': " + error.what());
      }
      spdlog::info("{}: {}", m.input, merged.text);
      if (merged.reversed_baselines > 0)
        spdlog::warn("{}: {} rows now have ANTENNA1 > ANTENNA2 (its antennas are numbered differently in the first "
                     "input); kept so, with their visibilities and UVW as they were",
                     m.input, merged.reversed_baselines);
    }
    if (m.weight_scale != 1.0) {
      scaleWeights(path, m.weight_scale);
      spdlog::info("{}: weights scaled by {}", m.input, m.weight_scale);
    }
  }
  if (!s_.copypointing) emptyPointing(first);
  addHistoryRow(first, "ptclean virtualconcat", "virtualconcat of " + std::to_string(members_.size()) + " MSs",
                [&] {
                  std::vector<std::string> lines;
                  std::istringstream in(history);
                  for (std::string line; std::getline(in, line);) lines.push_back(line);
                  return lines;
                }());

  // As CASA's makeMMS: every Sub-MS gets the first's SOURCE and HISTORY (the others become links).
  for (std::size_t i = 1; i < members_.size(); ++i)
    for (const char* name : {"SOURCE", "HISTORY"}) {
      const fs::path from = fs::path(first) / name, to = staged(members_[i]) / name;
      if (!fs::is_directory(fs::symlink_status(from))) continue;
      fs::remove_all(to);
      fs::copy(from, to, fs::copy_options::recursive);
    }
  // The inputs' sort orders do not hold in a Multi-MS (removed as CASA's makeMMS does).
  for (auto& m : members_) {
    const std::string sorted = dropSortedTable(staged(m).string());
    if (sorted.empty() || !fs::exists(sorted)) continue;
    if (m.moved) {
      fs::rename(sorted, m.undo / "SORTED_TABLE");
      m.sorted_table_saved = true;
    } else {
      fs::remove_all(sorted);
    }
  }

  throwIfInterrupted("before assembling the Multi-MS");
  assembleMultiMs(s_.concatvis, members_.size(), kAxisType);
  done_ = true;
  std::error_code ignored;
  fs::remove_all(undo_, ignored);
  for (const auto& m : members_)
    if (m.remove_input) fs::remove_all(m.input, ignored);
}

/// Puts a moved input back as it was: its subtables and columns, SORTED_TABLE, its place.
void VirtualConcat::giveBack(Member& m) {
  fs::path at = staged(m);
  if (!present(at)) at = gathered_ / "SUBMSS" / m.name;
  if (!present(at)) throw std::runtime_error("it is neither in " + staging_.string() + " nor in " + gathered_.string());
  if (present(m.undo / "subtables"))
    for (const auto& saved : fs::directory_iterator(m.undo / "subtables")) {
      const fs::path table = at / saved.path().filename();
      fs::remove_all(table);
      fs::copy(saved.path(), table, fs::copy_options::recursive);
    }
  if (m.columns_saved) restoreMainColumns(at.string(), (m.undo / "columns").string());
  if (m.sorted_table_saved) {
    fs::rename(m.undo / "SORTED_TABLE", at / "SORTED_TABLE");
    restoreSortedTable(at.string(), (at / "SORTED_TABLE").string());
  }
  fs::rename(at, m.input);
}

void VirtualConcat::rollBack() noexcept {
  bool all_back = true;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (!it->moved) continue;  // a copy: the input itself was never touched
    try {
      giveBack(*it);
      spdlog::info("moved {} back", it->input);
    } catch (const std::exception& error) {
      all_back = false;
      spdlog::error("could not give {} back as it was: {}; its data are under {} or {}, its saved subtables and "
                    "columns under {}",
                    it->input, error.what(), staging_.string(), gathered_.string(), it->undo.string());
    }
  }
  if (!all_back) return;  // keep everything for the user
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  fs::remove_all(gathered_, ignored);
  fs::remove_all(undo_, ignored);
}

void concatenate(const VirtualConcatSettings& s, const std::string& history) {
  gridding::Stopwatch timer;
  if (present(s.concatvis))
    throw std::runtime_error("concatvis '" + s.concatvis + "' already exists; virtualconcat never overwrites");
  for (const std::string& folder :
       {stagingFolder(s.concatvis), gatheredFolder(s.concatvis), undoFolder(s.concatvis)})
    if (present(folder))
      throw std::runtime_error("another virtualconcat or partition into '" + s.concatvis + "' seems to be running (" +
                               folder + " exists)");

  std::vector<ConcatInput> inputs;
  for (const auto& vis : s.vis) inputs.push_back(checkInput(vis));
  for (std::size_t i = 1; i < inputs.size(); ++i)
    if (inputs[i].columns != inputs[0].columns)
      throw std::runtime_error("vis '" + s.vis[i] + "' and '" + s.vis[0] + "' have different main-table columns (" +
                               differingColumns(inputs[i].columns, inputs[0].columns) +
                               "); virtualconcat does not add columns to the inputs");

  // Chronological order: by the first TIME (CASA's sort_mslist); ties keep the order given.
  std::vector<std::size_t> order(s.vis.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return inputs[a].first_time < inputs[b].first_time; });
  std::vector<Member> members;
  for (std::size_t i = 0; i < order.size(); ++i) {
    Member m;
    m.input = s.vis[order[i]];
    m.name = subMsName(s.concatvis, i);
    m.weight_scale = s.visweightscale.empty() ? 1.0 : s.visweightscale[order[i]];
    members.push_back(m);
  }
  if (!std::is_sorted(order.begin(), order.end())) {
    std::string text;
    for (const auto& m : members) text += " " + m.input;
    spdlog::info("inputs sorted by their first time:{}", text);
  }
  spdlog::info("virtualconcat {} MSs -> {} ({} the inputs)", members.size(), s.concatvis,
               s.keepcopy ? "copying" : "moving");

  VirtualConcat concat(s, std::move(members));
  concat.run(history);
  spdlog::info("wrote {} in {:.2f} s", s.concatvis, timer.lap());
}

}  // namespace

int runVirtualConcatCommand(const MpiContext& mpi, const std::string& config_file,
                            const std::vector<std::string>& overrides) {
  // Every rank reads the keys, so that a bad key ends every rank alike (exit code 2).
  const Config config = Config::load(virtualconcatKeys(), config_file, overrides);
  const VirtualConcatSettings settings = virtualconcatSettingsFrom(config);
  // Only rank 0 works: virtualconcat moves folders and renumbers tables, nothing to share out.
  collectively(mpi, [&] {
    if (mpi.isRoot()) concatenate(settings, config.dump());
  });
  return 0;
}

}  // namespace ptclean::imager
