// The part of ms_concat.h that lets `ptclean virtualconcat` undo its changes after a failure:
// saving and restoring the main-table columns it rewrites, and the SORTED_TABLE keyword it removes.
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScaColDesc.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/SetupNewTab.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableAttr.h>
#include <casacore/tables/Tables/TableDesc.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <initializer_list>
#include <stdexcept>

#include "ms_concat.h"
#include "ms_concat_rows.h"

namespace ptclean::imager {
namespace {

using casacore::AipsError;
using casacore::Int;
using casacore::rownr_t;
using casacore::Table;
using concat::hasColumn;

/// Those of `names` that the main table of `ms` has.
std::vector<std::string> presentColumns(const std::string& ms, std::initializer_list<const char*> names) {
  const Table main(ms);
  std::vector<std::string> columns;
  for (const char* name : names)
    if (hasColumn(main, name)) columns.push_back(name);
  return columns;
}

/// Copies column `name` of `from` into `to`, row for row: an ID column (scalar Int) or a weight
/// column (float arrays, whose undefined cells stay undefined).
void copyMainColumn(const Table& from, Table& to, const std::string& name) {
  if (from.tableDesc().columnDesc(name).isScalar()) {
    casacore::ScalarColumn<Int>(to, name).putColumn(casacore::ScalarColumn<Int>(from, name).getColumn());
    return;
  }
  casacore::ArrayColumn<float> in(from, name), out(to, name);
  for (rownr_t r = 0; r < from.nrow(); ++r)
    if (in.isDefined(r)) out.put(r, in(r));
}

}  // namespace

std::vector<std::string> concatIdColumns(const std::string& ms) {
  return presentColumns(ms, {"ANTENNA1", "ANTENNA2", "DATA_DESC_ID", "FIELD_ID", "STATE_ID", "PROCESSOR_ID",
                             "OBSERVATION_ID", "SCAN_NUMBER"});
}

std::vector<std::string> concatWeightColumns(const std::string& ms) {
  return presentColumns(ms, {"WEIGHT", "SIGMA", "WEIGHT_SPECTRUM", "SIGMA_SPECTRUM"});
}

void saveMainColumns(const std::string& ms, const std::vector<std::string>& columns, const std::string& saved) {
  try {
    const Table main(ms);
    casacore::TableDesc desc;
    for (const auto& name : columns) {
      if (main.tableDesc().columnDesc(name).isScalar())
        desc.addColumn(casacore::ScalarColumnDesc<Int>(name));
      else
        desc.addColumn(casacore::ArrayColumnDesc<float>(name));
    }
    casacore::SetupNewTable setup(saved, desc, Table::New);
    casacore::StandardStMan storage;
    setup.bindAll(storage);
    Table copy(setup, main.nrow());
    for (const auto& name : columns) copyMainColumn(main, copy, name);
    copy.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot save the columns of " + ms + " in " + saved + ": " + std::string(error.getMesg()));
  }
}

void restoreMainColumns(const std::string& ms, const std::string& saved) {
  try {
    const Table copy(saved);
    Table main(ms, Table::Update);
    for (const auto& name : copy.tableDesc().columnNames()) copyMainColumn(copy, main, name);
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot restore the columns of " + ms + " from " + saved + ": " +
                             std::string(error.getMesg()));
  }
}

std::string dropSortedTable(const std::string& ms) {
  try {
    Table main(ms, Table::Update);
    if (!main.keywordSet().isDefined("SORTED_TABLE")) return "";
    std::string path;
    if (main.keywordSet().type(main.keywordSet().fieldNumber("SORTED_TABLE")) == casacore::TpTable)
      path = main.keywordSet().tableAttributes("SORTED_TABLE").name();
    main.rwKeywordSet().removeField("SORTED_TABLE");
    main.flush();
    return path;
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot remove SORTED_TABLE of " + ms + ": " + std::string(error.getMesg()));
  }
}

void restoreSortedTable(const std::string& ms, const std::string& table) {
  try {
    Table main(ms, Table::Update);
    main.rwKeywordSet().defineTable("SORTED_TABLE", Table(table));
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot restore SORTED_TABLE of " + ms + ": " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
