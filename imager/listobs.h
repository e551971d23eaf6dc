// C++17-clean. `ptclean listobs`: what a MeasurementSet or Multi-MS holds (observation, scans,
// fields, spectral windows, antennas), as CASA's listobs prints it, or as JSON for scripts:
//
//   nlohmann::json summary = listObsSummary("day2.ms");
//   std::cout << listObsText(summary);            // CASA-like tables
//   int scans = int(summary["scans"].size());
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ptclean::imager {

struct ListObsOptions {
  bool verbose = true;  ///< false: antennas as one "name=station" list instead of a table
};

/// Reads the summary of a MeasurementSet or a Multi-MS (opened as one table: its root is a
/// ConcatTable) at `vis`. Keys (snake_case): ms, observation, rows, data_columns, scans, fields,
/// spws, antennas, antennas_in_use, array_centre (when known). Times are the first and last
/// TIME (integration midpoints), ISO UTC to 0.1 s; the ANTENNA table's every row is listed, with
/// `in_use` for those in the data.
/// Throws std::runtime_error naming `vis` when it does not exist or is not a MeasurementSet.
nlohmann::json listObsSummary(const std::string& vis);

/// CASA-listobs-like text of a summary from listObsSummary().
std::string listObsText(const nlohmann::json& summary, const ListObsOptions& options = {});

/// `ptclean listobs VIS [--json] [--listfile F] [--overwrite]`: the text (or, with `json`, the
/// summary as JSON) to standard output, or to `listfile`. An existing listfile is refused unless
/// `overwrite`, as CASA does. Returns the exit code; throws std::runtime_error on bad input.
int runListObsCommand(const std::string& vis, bool json, const std::string& listfile, bool overwrite);

}  // namespace ptclean::imager
