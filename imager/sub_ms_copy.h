// C++17 (includes casacore). Copies chosen rows of a MeasurementSet into a new MS column by
// column in bulk, keeping only the selected channels of each spw and the selected correlations
// (the SPECTRAL_WINDOW and POLARIZATION subtables of the copy follow), as CASA's partition and
// split do through mstransform.
#pragma once

#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/Table.h>

#include "spectral_transform.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ptclean::imager {

struct MsSlicing {
  std::map<int, std::vector<int>> channels;  ///< spw -> channels kept (one contiguous run); absent = all
  std::set<int> correlations;                ///< Stokes types kept (casacore::Stokes); empty = all
  std::shared_ptr<SpectralTransform> transform;  ///< applied to every row after slicing; null = none
};

/// Rows `rows` (row numbers of `selected`, a selection of `ms`) as a new MS at `path`, with its
/// subtables. Throws std::runtime_error naming what cannot be sliced.
void copyRowsAsMs(const casacore::MeasurementSet& ms, const casacore::Table& selected,
                  const std::vector<casacore::rownr_t>& rows, const std::string& path, const MsSlicing& slicing);

/// The subtables of `from` (its table keywords) copied whole, as folders, into the table at
/// `path`: casacore copies an unchanged table with system("cp -r"), and system() ignores SIGINT
/// meanwhile, so a Ctrl-C would be lost.
void copySubtables(const casacore::Table& from, const std::string& path);

/// The spectral and per-correlation columns that `table` (still without rows) stores with one
/// fixed shape become variable-shaped, so that their cells may change shape in a copy.
void makeSpectralShapesVariable(casacore::Table& table);

/// Keeps one data column of a copy as DATA ("data", "corrected", "model"; "all" keeps them all),
/// as CASA's split and partition do. Throws std::runtime_error when that column is absent.
void keepDataColumn(casacore::Table& copy, const std::string& datacolumn);

}  // namespace ptclean::imager
