// libFuzzer target: the MS validation layer and reader (ms_validation.cpp, ms_reader.cpp) on
// mutated copies of a small MeasurementSet (docs/fuzzing.md).
//
// Input: text lines. An optional first line "S D SPW FIELD CORR ANT" picks the datacolumn and
// the selection keys from the short lists below; every other line is one mutation
// (ms_fuzz_mutations.h). The mutated MS is opened with MsReader and all its data are read.
// Expected outcomes: the data, or a std::exception (casacore's AipsError is one). A crash, an
// abort or a sanitizer report is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "ms_fuzz_mutations.h"
#include "ms_fuzz_template.h"
#include "ms_reader.h"

namespace {

namespace fs = std::filesystem;
using ptclean::imager::MsReader;
using ptclean::imager::MsSelectionKeys;

struct MsFuzzInput {
  std::string datacolumn = "corrected";
  MsSelectionKeys selection;
  std::vector<std::string> mutations;
};

template <std::size_t N>
std::string choose(const char* const (&options)[N], int index) {
  return options[unsigned(index) % N];
}

MsFuzzInput parseInput(const std::string& bytes) {
  MsFuzzInput input;
  std::istringstream lines(bytes);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (first && line.size() > 1 && line[0] == 'S') {
      std::istringstream in(line.substr(1));
      int pick[5] = {1, 0, 0, 0, 0};
      for (int& p : pick) in >> p;
      const char* const columns[] = {"data", "corrected", "model", "DATA", "nonsense"};
      const char* const spws[] = {"", "0", "1", "0:1~2", "1:0~1", "0,1", "0:3", "5", "0:2~9", "*", "1:1", "0:0~0;2~3"};
      const char* const fields[] = {"", "0", "src", "1", "nosuchfield"};
      const char* const corrs[] = {"", "RR", "LL", "RR,LL", "XX", "I", "RL"};
      const char* const antennas[] = {"", "A0&A1", "0", "A9", "!A2"};
      input.datacolumn = choose(columns, pick[0]);
      input.selection.spw = choose(spws, pick[1]);
      input.selection.field = choose(fields, pick[2]);
      input.selection.correlation = choose(corrs, pick[3]);
      input.selection.antenna = choose(antennas, pick[4]);
    } else {
      input.mutations.push_back(line);
    }
    first = false;
  }
  return input;
}

/// This process's folder in memory (tmpfs): the template MS, written once, and the working copy.
const fs::path& workFolder() {
  static const fs::path folder = [] {
    fs::path path = fs::path("/dev/shm") / ("ptclean-fuzz-ms-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    ptclean::fuzz::writeTemplateMs((path / "template.ms").string());
    return path;
  }();
  // Registered after `folder` is made, so that it runs before `folder` is destroyed.
  static const bool removed_at_exit = std::atexit([] { fs::remove_all(workFolder()); }) == 0;
  (void)removed_at_exit;
  return folder;
}

/// Everything a run of the imager asks of the reader.
void readEverything(const std::string& path, const MsFuzzInput& input) {
  MsReader reader(path, input.selection, input.datacolumn);
  (void)reader.rowCosts();
  (void)reader.summary();
  (void)reader.notes();
  const auto centre = reader.defaultPhaseCentre();
  const std::size_t rows = reader.selectedRows();
  (void)reader.readStokesI(0, rows, centre);
  (void)reader.readStokesI(rows / 2, rows, centre);  // a second, partial pass, as a streamed run makes
  (void)reader.problems();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // a few dozen mutations say all; longer inputs only slow the campaign
  const MsFuzzInput input = parseInput(std::string(reinterpret_cast<const char*>(data), size));
  const fs::path work = workFolder() / "work.ms";
  fs::remove_all(work);
  fs::copy(workFolder() / "template.ms", work, fs::copy_options::recursive);
  try {
    for (const auto& mutation : input.mutations) ptclean::fuzz::applyMutation(work.string(), mutation);
  } catch (const std::exception&) {
    // casacore refused this mutation: read the MS as the mutations before it left it
  }
  try {
    readEverything(work.string(), input);
  } catch (const std::exception&) {
    // the documented failure: a std::runtime_error (or casacore's AipsError) with a message
  } catch (...) {
    std::fprintf(stderr, "fuzz_ms finding: an exception that is not a std::exception\n");
    std::abort();
  }
  return 0;
}
