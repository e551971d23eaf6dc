// `ptclean listpartition`: CASA's listpartition, as text or as CASA's createdict structure.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "multi_ms.h"

namespace ptclean::imager {

namespace {

std::string bracketed(const std::vector<int>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? " " : "") + std::to_string(values[i]);
  return text + "]";
}

std::string asText(const MultiMsSummary& summary, const std::string& vis) {
  std::ostringstream out;
  if (summary.multi)
    out << "This is a Multi-MS with separation axis = " << summary.axis << "\n";
  else
    out << vis << " is not a Multi-MS: listed as one part\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-6s %-20s %-26s %-9s %s\n", "Sub-MS", "Scan", "Spw", "Nchan", "Nrows", "Size");
  out << line;
  for (const auto& part : summary.parts) {
    bool first = true;
    for (const auto& [scan, info] : part.scans) {
      const std::string name = first ? std::filesystem::path(part.path).filename().string() : "";
      std::snprintf(line, sizeof line, "%-24s %-6d %-20s %-26s %-9zu %s\n", name.c_str(), scan,
                    bracketed(info.spws).c_str(), bracketed(info.nchans).c_str(), info.rows,
                    first ? part.size.c_str() : "");
      out << line;
      first = false;
    }
  }
  return out.str();
}

nlohmann::json asDictionary(const MultiMsSummary& summary) {
  nlohmann::json dict = nlohmann::json::object();
  for (std::size_t i = 0; i < summary.parts.size(); ++i) {
    const auto& part = summary.parts[i];
    nlohmann::json scans = nlohmann::json::object();
    for (const auto& [scan, info] : part.scans)
      scans[std::to_string(scan)] = {{"nrows", info.rows}, {"spwIds", info.spws}, {"nchans", info.nchans}};
    dict[std::to_string(i)] = {{"MS", part.path}, {"size", part.size}, {"scanId", scans}};
  }
  return dict;
}

}  // namespace

int runListPartitionCommand(const std::string& vis, bool json, const std::string& listfile) {
  const MultiMsSummary summary = summariseMultiMs(vis);
  const std::string text = json ? asDictionary(summary).dump(2) + "\n" : asText(summary, vis);
  if (listfile.empty()) {
    std::cout << text << std::flush;
    return 0;
  }
  if (std::filesystem::exists(listfile)) throw std::runtime_error("listfile '" + listfile + "' already exists");
  std::ofstream out(listfile);
  out << text;
  if (!out) throw std::runtime_error("cannot write listfile '" + listfile + "'");
  return 0;
}

}  // namespace ptclean::imager
