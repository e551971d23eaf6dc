#include "multi_ms.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableInfo.h>
#include <casacore/tables/Tables/TableUtil.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "ms_transform.h"

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

/// Bytes under `folder` without following links (as `du`).
std::uintmax_t folderBytes(const fs::path& folder) {
  std::uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::none);
       it != fs::recursive_directory_iterator(); ++it)
    if (it->is_symlink()) {
      it.disable_recursion_pending();
    } else if (it->is_regular_file()) {
      total += it->file_size();
    }
  return total;
}

std::string humanSize(std::uintmax_t bytes) {
  const char* units = "KMGTP";
  double value = double(bytes) / 1024.0;
  int unit = 0;
  while (value >= 1024.0 && unit < 4) value /= 1024.0, ++unit;
  char text[32];
  if (value < 10.0) std::snprintf(text, sizeof text, "%.1f%c", value, units[unit]);
  else std::snprintf(text, sizeof text, "%.0f%c", value, units[unit]);
  return text;
}

void checkLinks(const fs::path& ms) {
  for (const auto& entry : fs::directory_iterator(ms))
    if (entry.is_symlink() && !fs::exists(entry.path()))
      throw std::runtime_error("Multi-MS: broken link " + entry.path().string() + " -> " +
                               fs::read_symlink(entry.path()).string());
}

SubMsSummary summariseMs(const std::string& path) {
  SubMsSummary part;
  part.path = path;
  part.size = humanSize(folderBytes(path));
  casacore::MeasurementSet ms(path);
  casacore::ScalarColumn<casacore::Int> scan(ms, "SCAN_NUMBER"), dd(ms, "DATA_DESC_ID");
  auto scans = scan.getColumn(), dds = dd.getColumn();
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  std::map<int, std::set<int>> spws_of_scan;
  for (std::size_t r = 0; r < scans.size(); ++r) {
    ++part.scans[scans[r]].rows;
    spws_of_scan[scans[r]].insert(dd_cols.spectralWindowId()(dds[r]));
  }
  for (auto& [id, info] : part.scans)
    for (int spw : spws_of_scan[id]) {
      info.spws.push_back(spw);
      info.nchans.push_back(spw_cols.numChan()(spw));
    }
  return part;
}

}  // namespace

bool isMultiMs(const std::string& path) {
  if (!fs::is_directory(fs::path(path) / "SUBMSS")) return false;
  try {
    return casacore::TableUtil::tableInfo(path).subType() == "CONCATENATED";
  } catch (const casacore::AipsError&) {
    return false;
  }
}

std::vector<std::string> subMsPaths(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("'" + path + "' does not exist");
  if (!isMultiMs(path)) throw std::runtime_error("'" + path + "' is not a Multi-MS (no concatenated table with SUBMSS/)");
  checkLinks(path);
  std::vector<std::string> parts;
  try {
    casacore::Table table(path);
    for (const auto& name : table.getPartNames()) parts.push_back(name);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("Multi-MS '" + path + "' cannot be opened: " + std::string(error.getMesg()));
  }
  for (const auto& part : parts) {
    if (!fs::exists(part)) throw std::runtime_error("Multi-MS '" + path + "': Sub-MS " + part + " is missing");
    checkLinks(part);
  }
  return parts;
}

std::size_t tableRows(const std::string& path) {
  try {
    return casacore::Table(path).nrow();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot read " + path + ": " + std::string(error.getMesg()));
  }
}

std::string multiMsAxis(const std::string& path) {
  const std::string readme = casacore::TableUtil::tableInfo(path).readme();
  const auto at = readme.find("AxisType = ");
  if (at == std::string::npos) return "";
  const std::string axis = readme.substr(at + 11);
  return axis.substr(0, axis.find('\n'));
}

MultiMsSummary summariseMultiMs(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("vis '" + path + "' does not exist");
  MultiMsSummary summary;
  summary.multi = isMultiMs(path);
  if (!summary.multi) {
    if (!casacore::Table::isReadable(path)) throw std::runtime_error("vis '" + path + "' is not a MeasurementSet");
    summary.parts.push_back(summariseMs(path));
    return summary;
  }
  summary.axis = multiMsAxis(path);
  try {
    for (const auto& part : subMsPaths(path)) summary.parts.push_back(summariseMs(part));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("Multi-MS '" + path + "': " + std::string(error.getMesg()));
  }
  return summary;
}

bool subMssHoldEverySpw(const std::string& vis, const std::string& spw_expression) {
  const std::vector<int> selected = selectedSpwIds(casacore::MeasurementSet(vis), spw_expression);
  const std::set<int> wanted(selected.begin(), selected.end());
  // Per Sub-MS, the selected spws of each of its scans; a scan must find the same spws in every
  // Sub-MS that holds it, so that each baseline and time meets all its spws in one Sub-MS.
  std::map<int, std::set<int>> spws_of_scan;
  std::vector<std::map<int, std::set<int>>> held;
  for (const auto& part : subMsPaths(vis)) {
    casacore::MeasurementSet sub(part);
    const auto dd_spw = casacore::MSDataDescColumns(sub.dataDescription()).spectralWindowId().getColumn();
    const auto dds = casacore::ScalarColumn<casacore::Int>(sub, "DATA_DESC_ID").getColumn();
    const auto scans = casacore::ScalarColumn<casacore::Int>(sub, "SCAN_NUMBER").getColumn();
    std::map<int, std::set<int>> mine;
    for (std::size_t r = 0; r < dds.size(); ++r)
      if (wanted.count(dd_spw[dds[r]])) mine[scans[r]].insert(dd_spw[dds[r]]);
    for (const auto& [scan, spws] : mine) spws_of_scan[scan].insert(spws.begin(), spws.end());
    held.push_back(std::move(mine));
  }
  for (const auto& mine : held)
    for (const auto& [scan, spws] : mine)
      if (spws != spws_of_scan[scan]) return false;
  return true;
}

}  // namespace ptclean::imager
