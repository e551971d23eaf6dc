#include "mms_writer.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/tables/Tables/TableInfo.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

/// The subtables of an MS: the keywords of its main table that are tables.
std::vector<std::string> subtableNames(const casacore::Table& table) {
  std::vector<std::string> names;
  const casacore::TableRecord& keywords = table.keywordSet();
  for (casacore::uInt i = 0; i < keywords.nfields(); ++i)
    if (keywords.type(i) == casacore::TpTable) names.push_back(keywords.name(i));
  return names;
}

std::string baseName(const std::string& outputvis) {
  std::string base = fs::path(outputvis).filename().string();
  if (base.empty()) base = fs::path(outputvis).parent_path().filename().string();
  return base;
}

}  // namespace

std::string stagingFolder(const std::string& outputvis) {
  return outputvis + ".partition-staging";
}

std::string subMsName(const std::string& outputvis, std::size_t index) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%04zu.ms", index);
  return baseName(outputvis) + suffix;
}

void assembleMultiMs(const std::string& outputvis, std::size_t count, const std::string& axis_type) {
  const fs::path staging = stagingFolder(outputvis);
  const fs::path gathered = outputvis + ".partition-tmp";
  const std::string first = subMsName(outputvis, 0);
  // In every Sub-MS but the first, the subtables become links to the first's (SOURCE and HISTORY
  // stay real: they may differ between Sub-MSs).
  std::vector<std::string> subtables;
  {
    casacore::Table zero((staging / first).string());
    subtables = subtableNames(zero);
  }
  for (std::size_t i = 1; i < count; ++i) {
    const fs::path sub = staging / subMsName(outputvis, i);
    for (const auto& name : subtables) {
      if (name == "SOURCE" || name == "HISTORY") continue;
      fs::remove_all(sub / name);
      fs::create_directory_symlink(fs::path("..") / first / name, sub / name);
    }
  }
  try {
    casacore::Block<casacore::Table> parts(count);
    for (std::size_t i = 0; i < count; ++i) parts[i] = casacore::Table((staging / subMsName(outputvis, i)).string());
    casacore::Table concat(parts, casacore::Block<casacore::String>(), "SUBMSS");
    concat.rename(gathered.string(), casacore::Table::New);
    casacore::TableInfo& info = concat.tableInfo();
    info.setType(casacore::TableInfo::type(casacore::TableInfo::MEASUREMENTSET));
    info.setSubType("CONCATENATED");
    info.readmeAddLine("AxisType = " + axis_type);
    concat.flushTableInfo();
    concat.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot assemble the Multi-MS " + outputvis + ": " + std::string(error.getMesg()));
  }
  for (const auto& name : subtables)
    fs::create_directory_symlink(fs::path("SUBMSS") / first / name, gathered / name);
  fs::remove_all(staging);
  fs::rename(gathered, outputvis);
}

}  // namespace ptclean::imager
