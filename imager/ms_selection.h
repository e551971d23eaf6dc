// C++17 (includes casacore): CASA selection syntax on a MeasurementSet through casacore's
// MSSelection, shared by everything that reads or copies rows (the imager's reader, partition).
#pragma once

#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/Table.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ms_reader.h"

namespace ptclean::imager {

struct SelectedRows {
  casacore::Table table;                     ///< the selected rows (a reference table)
  std::map<int, std::vector<int>> channels;  ///< spw -> selected channels (only spws with a channel selection)
};

/// Correlation names ("RR, LL", "XX,YY") to casacore Stokes types; throws std::runtime_error
/// naming a name that is not a correlation.
std::set<int> parseCorrelations(const std::string& text);

/// The channels that a spw expression ('0:5~20;40~60,2') selects, per spw; throws
/// std::runtime_error naming `key` when the expression is invalid.
std::map<int, std::vector<int>> selectedChannels(const casacore::MeasurementSet& ms, const std::string& spw_expression,
                                                 const std::string& key);

/// Applies `keys` (all but `correlation`); throws std::runtime_error naming `path` and the bad key,
/// or, unless `allow_empty`, saying which keys matched no data.
SelectedRows selectRows(const casacore::MeasurementSet& ms, const MsSelectionKeys& keys, const std::string& path,
                        bool allow_empty = false);

}  // namespace ptclean::imager
