// Private to ms_concat (C++17-clean: included by casacore code). The generic row work that every
// subtable merge of `ptclean virtualconcat` shares: old -> new ID maps, copying rows from one
// table to another with their ID columns renumbered, and merging rows that are equal or "near".
//
//   concat::Count count;
//   concat::IdMap states = concat::mergeEqualRows(to_state, from_state, {}, count);
//   concat::IdMap spws = concat::mergeMatching(to_spw, from_spw, distance, {}, count);
#pragma once

#include <casacore/tables/Tables/Table.h>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

// A namespace of its own, as these names are generic and are no part of ms_concat.h.
namespace ptclean::imager::concat {

/// Old ID -> new ID. IDs it does not know (negative ones, say) stay as they are.
struct IdMap {
  std::vector<int> to;
  int operator()(int id) const { return id >= 0 && std::size_t(id) < to.size() && to[id] >= 0 ? to[id] : id; }
  bool knows(int id) const { return id >= 0 && std::size_t(id) < to.size() && to[id] >= 0; }
};

/// ID columns of subtables and the map that renumbers each.
using Remaps = std::vector<std::pair<std::string, const IdMap*>>;

/// How many rows of a member's subtable matched a reference row, and how many were added.
struct Count {
  std::size_t matched = 0, added = 0;
};

/// "ANTENNA 27 matched + 2 added", for the merge summary.
std::string counted(const std::string& table, const Count& c);

/// Subtable `name` of the MS whose main table is `main`; a null Table when it has none.
casacore::Table openSubtable(const casacore::Table& main, const std::string& name, bool update);

/// The names of the main table's keywords that are tables, SORTED_TABLE left out.
std::vector<std::string> subtableNamesOf(const casacore::Table& main);

bool hasColumn(const casacore::Table& table, const std::string& name);

/// Copies rows `rows` of `from` to the end of `to` (the columns both have), then renumbers the
/// ID columns of the new rows through `remaps`.
void appendRows(casacore::Table& to, const casacore::Table& from, const std::vector<casacore::rownr_t>& rows,
                const Remaps& remaps);

/// Rows of `from` equal to a row of `to` (their IDs renumbered) map to it; the others are appended.
IdMap mergeEqualRows(casacore::Table& to, const casacore::Table& from, const Remaps& remaps, Count& count);

/// How far row `from_row` is from row `to_row`; negative (kDifferent) when they are not the same.
using Distance = std::function<double(casacore::rownr_t, casacore::rownr_t)>;
constexpr double kDifferent = -1.0;

/// Rows of `from` map to the nearest row of `to` that `distance` finds the same; the others are
/// appended, their ID columns renumbered through `remaps`.
IdMap mergeMatching(casacore::Table& to, const casacore::Table& from, const Distance& distance, const Remaps& remaps,
                    Count& count);

}  // namespace ptclean::imager::concat
