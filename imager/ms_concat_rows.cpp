#include "ms_concat_rows.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/IO/AipsIO.h>
#include <casacore/casa/IO/MemoryIO.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableAttr.h>
#include <casacore/tables/Tables/TableColumn.h>
#include <casacore/tables/Tables/TableDesc.h>
#include <casacore/tables/Tables/TableRecord.h>
#include <casacore/tables/Tables/TableRow.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace ptclean::imager::concat {

using casacore::Int;
using casacore::rownr_t;
using casacore::String;
using casacore::Table;

std::string counted(const std::string& table, const Count& c) {
  return table + " " + std::to_string(c.matched) + " matched + " + std::to_string(c.added) + " added";
}

Table openSubtable(const Table& main, const std::string& name, bool update) {
  const casacore::TableRecord& keywords = main.keywordSet();
  if (!keywords.isDefined(name) || keywords.type(keywords.fieldNumber(name)) != casacore::TpTable) return Table();
  return Table(keywords.tableAttributes(name).name(), update ? Table::Update : Table::Old);
}

std::vector<std::string> subtableNamesOf(const Table& main) {
  std::vector<std::string> names;
  const casacore::TableRecord& keywords = main.keywordSet();
  for (casacore::uInt i = 0; i < keywords.nfields(); ++i)
    if (keywords.type(i) == casacore::TpTable && keywords.name(i) != "SORTED_TABLE") names.push_back(keywords.name(i));
  return names;
}

bool hasColumn(const Table& table, const std::string& name) { return table.tableDesc().isColumn(name); }

namespace {

/// The columns of `to` that `from` has too, of the same type and kind, sorted.
std::vector<std::string> commonColumns(const Table& to, const Table& from) {
  std::vector<std::string> common;
  for (const auto& name : to.tableDesc().columnNames()) {
    if (!hasColumn(from, name)) continue;
    const casacore::ColumnDesc& a = to.tableDesc().columnDesc(name);
    const casacore::ColumnDesc& b = from.tableDesc().columnDesc(name);
    if (a.dataType() == b.dataType() && a.isScalar() == b.isScalar()) common.push_back(name);
  }
  std::sort(common.begin(), common.end());
  return common;
}

/// Rows as bytes, so that whole rows can be compared (after renumbering their ID columns).
class RowBytes {
 public:
  RowBytes(const Table& table, const std::vector<std::string>& columns)
      : row_(table, casacore::Vector<String>(std::vector<String>(columns.begin(), columns.end()))) {}
  std::string operator()(rownr_t r, const Remaps& remaps = {}) const {
    casacore::TableRecord record = row_.get(r, true);
    for (const auto& [name, map] : remaps)
      if (record.isDefined(name) && record.dataType(name) == casacore::TpInt)
        record.define(name, (*map)(record.asInt(name)));
    casacore::MemoryIO buffer;
    {
      casacore::AipsIO io(&buffer);
      io << record;
    }
    return std::string(reinterpret_cast<const char*>(buffer.getBuffer()), buffer.length());
  }

 private:
  casacore::ROTableRow row_;
};

}  // namespace

void appendRows(Table& to, const Table& from, const std::vector<rownr_t>& rows, const Remaps& remaps) {
  if (rows.empty()) return;
  const rownr_t first = to.nrow();
  to.addRow(rows.size());
  for (const auto& name : commonColumns(to, from)) {
    const casacore::DataType type = from.tableDesc().columnDesc(name).dataType();
    if (type == casacore::TpRecord) {  // SOURCE_MODEL, say: TableColumn::put copies no records
      casacore::ScalarColumn<casacore::TableRecord> in(from, name), out(to, name);
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (in.isDefined(rows[i])) out.put(first + i, in(rows[i]));
      continue;
    }
    if (type == casacore::TpTable || type == casacore::TpOther) continue;
    casacore::TableColumn in(from, name), out(to, name);
    const bool scalar = in.columnDesc().isScalar();
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (scalar || in.isDefined(rows[i])) out.put(first + i, in, rows[i]);
  }
  for (const auto& [name, map] : remaps) {
    if (!hasColumn(to, name) || !to.tableDesc().columnDesc(name).isScalar() ||
        to.tableDesc().columnDesc(name).dataType() != casacore::TpInt)
      continue;
    casacore::ScalarColumn<Int> column(to, name);
    for (std::size_t i = 0; i < rows.size(); ++i) column.put(first + i, (*map)(column(first + i)));
  }
}

IdMap mergeEqualRows(Table& to, const Table& from, const Remaps& remaps, Count& count) {
  IdMap map;
  map.to.assign(from.nrow(), -1);
  if (from.nrow() == 0) return map;
  const std::vector<std::string> columns = commonColumns(to, from);
  const RowBytes to_bytes(to, columns), from_bytes(from, columns);
  // Hashes of the rows, checked byte for byte on a match: POINTING can have millions of rows.
  std::unordered_multimap<std::size_t, rownr_t> existing;
  const std::hash<std::string> hash;
  for (rownr_t r = 0; r < to.nrow(); ++r) existing.emplace(hash(to_bytes(r)), r);
  std::unordered_multimap<std::size_t, std::pair<rownr_t, std::string>> appended;
  std::vector<rownr_t> added;
  for (rownr_t r = 0; r < from.nrow(); ++r) {
    const std::string bytes = from_bytes(r, remaps);
    const std::size_t h = hash(bytes);
    int found = -1;
    for (auto [it, end] = existing.equal_range(h); it != end && found < 0; ++it)
      if (to_bytes(it->second) == bytes) found = int(it->second);
    for (auto [it, end] = appended.equal_range(h); it != end && found < 0; ++it)
      if (it->second.second == bytes) found = int(it->second.first);
    if (found >= 0) {
      map.to[r] = found;
      ++count.matched;
      continue;
    }
    const rownr_t at = to.nrow() + added.size();
    map.to[r] = int(at);
    appended.emplace(h, std::pair{at, bytes});
    added.push_back(r);
    ++count.added;
  }
  appendRows(to, from, added, remaps);
  return map;
}

IdMap mergeMatching(Table& to, const Table& from, const Distance& distance, const Remaps& remaps, Count& count) {
  IdMap map;
  map.to.assign(from.nrow(), -1);
  const rownr_t existing = to.nrow();
  std::vector<rownr_t> added;
  for (rownr_t r = 0; r < from.nrow(); ++r) {
    double nearest = std::numeric_limits<double>::infinity();
    for (rownr_t t = 0; t < existing; ++t) {
      const double d = distance(r, t);
      if (d >= 0 && d < nearest) {
        nearest = d;
        map.to[r] = int(t);
      }
    }
    if (map.to[r] >= 0) {
      ++count.matched;
    } else {
      map.to[r] = int(existing + added.size());
      added.push_back(r);
      ++count.added;
    }
  }
  appendRows(to, from, added, remaps);
  return map;
}

}  // namespace ptclean::imager::concat
