// `ptclean listobs` as text: CASA's listobs layout of the summary that listobs.cpp reads, and
// the command itself (standard output or a listfile).
#include <fmt/printf.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "listobs.h"

namespace ptclean::imager {
namespace fs = std::filesystem;

namespace {

const char* const kRule = "================================================================================\n";

/// "2010-04-26T03:21:56.0" as CASA writes it: "26-Apr-2010/03:21:56.0".
std::string casaDate(const std::string& iso) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (iso.size() < 19 || iso[4] != '-' || iso[10] != 'T') return iso;
  const int month = std::atoi(iso.substr(5, 2).c_str());
  if (month < 1 || month > 12) return iso;
  return iso.substr(8, 2) + "-" + kMonths[month - 1] + "-" + iso.substr(0, 4) + "/" + iso.substr(11);
}

std::string timeOfDay(const std::string& iso) { return iso.size() > 11 ? iso.substr(11) : iso; }

std::string joined(const nlohmann::json& values, const std::string& separator) {
  std::string text;
  for (const auto& value : values)
    text += (text.empty() ? "" : separator) + (value.is_string() ? value.get<std::string>() : value.dump());
  return text;
}

void observationText(const nlohmann::json& summary, std::ostringstream& out) {
  const nlohmann::json& obs = summary.value("observation", nlohmann::json::object());
  out << kRule << "           MeasurementSet Name:  " << summary.value("ms", "") << "\n" << kRule;
  out << "   Observer: " << joined(obs.value("observers", nlohmann::json::array()), ", ")
      << "     Project: " << joined(obs.value("projects", nlohmann::json::array()), ", ") << "\n";
  out << "Observation: " << joined(obs.value("telescopes", nlohmann::json::array()), ", ") << "\n";
  out << fmt::sprintf("Data records: %zu       Total elapsed time = %.6g seconds\n",
                 summary.value("rows", std::size_t(0)), obs.value("elapsed_s", 0.0));
  if (!obs.value("start", std::string()).empty())
    out << "   Observed from   " << casaDate(obs.value("start", "")) << "   to   " << casaDate(obs.value("end", ""))
        << " (UTC)\n";
  out << "Data columns: " << joined(summary.value("data_columns", nlohmann::json::array()), ", ") << "\n";
}

void scansText(const nlohmann::json& scans, std::ostringstream& out) {
  out << "\nScans: " << scans.size() << "\n";
  out << fmt::sprintf("  %-39s %5s %5s %-20s %9s  %-12s %-20s %s\n", "Timerange (UTC)", "Scan", "FldId", "FieldName",
                 "nRows", "SpwIds", "Average Interval(s)", "ScanIntent");
  std::string last_date;
  for (const auto& scan : scans) {
    const std::string start = scan.value("start", ""), end = scan.value("end", "");
    const std::string date = start.substr(0, std::min<std::size_t>(start.size(), 10));
    // The date only where it changes, as CASA does; an end on another day shows its date.
    std::string range = date == last_date ? std::string(12, ' ') + timeOfDay(start) : casaDate(start);
    range += " - " + (end.compare(0, 10, date) == 0 ? timeOfDay(end) : casaDate(end));
    last_date = date;
    const std::string spws = "[" + joined(scan.value("spw_ids", nlohmann::json::array()), ",") + "]";
    const std::string intents = joined(scan.value("intents", nlohmann::json::array()), ",");
    out << fmt::sprintf("  %-39s %5d %5d %-20s %9zu  %-12s %-20.6g %s\n", range.c_str(), scan.value("scan", 0),
                   scan.value("field_id", 0), scan.value("field_name", "").c_str(), scan.value("rows", std::size_t(0)),
                   spws.c_str(), scan.value("mean_interval_s", 0.0), intents.c_str());
  }
}

void fieldsText(const nlohmann::json& fields, std::ostringstream& out) {
  out << "\nFields: " << fields.size() << "\n";
  out << fmt::sprintf("  %-4s %-5s %-20s %-16s %-16s %-8s %9s\n", "ID", "Code", "Name", "RA", "Decl", "Epoch", "nRows");
  for (const auto& field : fields)
    out << fmt::sprintf("  %-4d %-5s %-20s %-16s %-16s %-8s %9zu\n", field.value("id", 0), field.value("code", "").c_str(),
                   field.value("name", "").c_str(), field.value("ra", "").c_str(), field.value("dec", "").c_str(),
                   field.value("epoch", "").c_str(), field.value("rows", std::size_t(0)));
}

void spwsText(const nlohmann::json& spws, std::ostringstream& out) {
  std::set<int> setups;
  for (const auto& spw : spws)
    for (const auto& id : spw.value("polarization_ids", nlohmann::json::array())) setups.insert(id.get<int>());
  out << "\nSpectral Windows:  (" << spws.size() << " unique spectral windows and " << setups.size()
      << " unique polarization setups)\n";
  out << fmt::sprintf("  %-6s %-20s %7s %-6s %14s %14s %12s %14s  %s\n", "SpwID", "Name", "#Chans", "Frame", "Ch0(MHz)",
                 "ChanWid(kHz)", "TotBW(kHz)", "CtrFreq(MHz)", "Corrs");
  for (const auto& spw : spws)
    out << fmt::sprintf("  %-6d %-20s %7d %-6s %14.4f %14.4f %12.1f %14.4f  %s\n", spw.value("id", 0),
                   spw.value("name", "").c_str(), spw.value("nchan", 0), spw.value("frame", "").c_str(),
                   spw.value("first_freq_hz", 0.0) * 1e-6, spw.value("chan_width_hz", 0.0) * 1e-3,
                   spw.value("total_bw_hz", 0.0) * 1e-3, spw.value("centre_freq_hz", 0.0) * 1e-6,
                   joined(spw.value("correlations", nlohmann::json::array()), "  ").c_str());
}

void antennasText(const nlohmann::json& summary, const ListObsOptions& options, std::ostringstream& out) {
  const nlohmann::json& antennas = summary.value("antennas", nlohmann::json::array());
  const std::size_t in_use = summary.value("antennas_in_use", std::size_t(0));
  out << "\nAntennas: " << in_use;
  if (in_use != antennas.size()) out << " with data (the ANTENNA table has " << antennas.size() << " rows)";
  out << ":\n";
  if (!options.verbose) {
    std::string names;
    for (const auto& antenna : antennas)
      if (antenna.value("in_use", false))
        names += "'" + antenna.value("name", "") + "'='" + antenna.value("station", "") + "' ";
    out << "   " << names << "\n";
    return;
  }
  if (summary.contains("array_centre"))
    out << "  (array centre: " << summary["array_centre"].value("from", "") << ")\n";
  out << fmt::sprintf("  %-4s %-8s %-8s %6s  %-40s %s\n", "ID", "Name", "Station", "Diam.", "Offset from array center (m)",
                 "ITRF Geocentric coordinates (m)");
  out << fmt::sprintf("  %-29s %13s %13s %13s %16s %16s %16s\n", "", "East", "North", "Elevation", "x", "y", "z");
  for (const auto& antenna : antennas) {
    if (!antenna.value("in_use", false)) continue;
    const auto position = antenna.value("position_m", std::vector<double>(3, 0.0));
    const auto offset = antenna.value("offset_from_array_centre_m", std::vector<double>());
    std::string offsets = fmt::sprintf("%13s %13s %13s", "", "", "");
    if (offset.size() == 3) offsets = fmt::sprintf("%13.4f %13.4f %13.4f", offset[0], offset[1], offset[2]);
    out << fmt::sprintf("  %-4d %-8s %-8s %5.1fm %s %16.6f %16.6f %16.6f\n", antenna.value("id", 0),
                   antenna.value("name", "").c_str(), antenna.value("station", "").c_str(),
                   antenna.value("diameter_m", 0.0), offsets.c_str(), position.size() > 0 ? position[0] : 0.0,
                   position.size() > 1 ? position[1] : 0.0, position.size() > 2 ? position[2] : 0.0);
  }
}

}  // namespace

std::string listObsText(const nlohmann::json& summary, const ListObsOptions& options) {
  std::ostringstream out;
  observationText(summary, out);
  scansText(summary.value("scans", nlohmann::json::array()), out);
  fieldsText(summary.value("fields", nlohmann::json::array()), out);
  spwsText(summary.value("spws", nlohmann::json::array()), out);
  antennasText(summary, options, out);
  return out.str();
}

int runListObsCommand(const std::string& vis, bool json, const std::string& listfile, bool overwrite) {
  // Refused before reading the MS, as CASA does, so that a slow read is not wasted.
  if (!listfile.empty() && fs::exists(listfile) && !overwrite)
    throw std::runtime_error("listfile '" + listfile + "' exists and overwrite=False (give --overwrite)");
  const nlohmann::json summary = listObsSummary(vis);
  // Names in old MSs are not always UTF-8: replace what JSON cannot hold rather than fail.
  const std::string text =
      json ? summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" : listObsText(summary);
  if (listfile.empty()) {
    std::cout << text << std::flush;
    return 0;
  }
  std::ofstream out(listfile, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write listfile '" + listfile + "'");
  return 0;
}

}  // namespace ptclean::imager
