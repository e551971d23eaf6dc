// C++17-clean (its implementation includes casacore). The table work of `ptclean virtualconcat`:
// merging the subtables of one MS into another's and renumbering the ID columns of its main
// table, without touching its visibilities.
//
//   ConcatInput first = inspectConcatInput("a.ms");     // its first TIME, to sort the inputs
//   int max_scan = maxScanNumber("a.ms");
//   MergeSummary s = mergeConcatMember("a.ms", "b.ms", tolerances, max_scan);
//   // a.ms's ANTENNA, SPECTRAL_WINDOW, FIELD, ... now hold b.ms's rows too (matched rows once);
//   // b.ms's ANTENNA1, FIELD_ID, DATA_DESC_ID, ... now count in a.ms's subtables.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ptclean::imager {

struct ConcatTolerances {
  double freq_hz = 1.0;                    ///< channel frequencies this close are the same
  double dir_rad = 4.84813681109536e-9;    ///< field directions this close are the same
  bool respect_name = true;                ///< fields of different names are different
  bool copy_pointing = true;               ///< false: POINTING rows are not merged
};

/// What virtualconcat checks of an input before it touches it.
struct ConcatInput {
  double first_time = 0;              ///< the smallest TIME; +infinity for an MS without rows
  std::size_t rows = 0;
  std::vector<std::string> columns;   ///< of the main table, sorted
};

/// Throws std::runtime_error naming `path` when it is not a readable MeasurementSet.
ConcatInput inspectConcatInput(const std::string& path);

/// The subtables of an MS (its main table's keywords that are tables), SORTED_TABLE left out.
std::vector<std::string> concatSubtables(const std::string& ms);

/// The largest SCAN_NUMBER of an MS (0 for none).
int maxScanNumber(const std::string& ms);

struct MergeSummary {
  std::string text;                   ///< "ANTENNA 27 matched + 2 added, ..." for the log
  std::size_t reversed_baselines = 0;  ///< rows whose ANTENNA1 now exceeds ANTENNA2
};

/// Merges `member`'s subtables into `reference`'s, whose rows and numbering stay, and rewrites the
/// ID columns of `member`'s main table to count in `reference`'s subtables. Rows match as CASA's
/// concat matches them: antennas by name, station and position (1 m); spws by channel count,
/// frame and every channel frequency and width (freq_hz); fields by their directions (dir_rad)
/// and, with respect_name, their names; polarizations by CORR_TYPE; OBSERVATION, STATE,
/// PROCESSOR and the other subtables row for row. Of several rows within tolerance, the nearest
/// is taken (CASA takes the first). When `member`'s observation is new to `reference`, its scan
/// numbers are moved past `max_scan` (as CASA does); `max_scan` is updated.
MergeSummary mergeConcatMember(const std::string& reference, const std::string& member,
                               const ConcatTolerances& tolerances, int& max_scan);

/// The main-table columns mergeConcatMember may rewrite, and those scaleWeights rewrites (the
/// ones present), for saving before and restoring after a failure.
std::vector<std::string> concatIdColumns(const std::string& ms);
std::vector<std::string> concatWeightColumns(const std::string& ms);
void saveMainColumns(const std::string& ms, const std::vector<std::string>& columns, const std::string& saved);
void restoreMainColumns(const std::string& ms, const std::string& saved);

/// WEIGHT and WEIGHT_SPECTRUM times `factor`, SIGMA and SIGMA_SPECTRUM divided by its root.
void scaleWeights(const std::string& ms, double factor);

/// Removes every row of the POINTING table (as CASA's copypointing=false).
void emptyPointing(const std::string& ms);

/// Removes the SORTED_TABLE keyword (a sort order that no longer holds in a Multi-MS, removed as
/// CASA's makeMMS does). Returns the folder of its table, "" when there was none.
std::string dropSortedTable(const std::string& ms);
/// Defines SORTED_TABLE again, as the table at `table` (after a failure).
void restoreSortedTable(const std::string& ms, const std::string& table);

/// Adds a row to the HISTORY table of `ms`: `message` from `application`, with `parameters`.
void addHistoryRow(const std::string& ms, const std::string& application, const std::string& message,
                   const std::vector<std::string>& parameters);

}  // namespace ptclean::imager
