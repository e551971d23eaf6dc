// The part of ms_concat.h for the edits `ptclean virtualconcat` makes beside the merge: scaling
// the weights of a member, emptying POINTING, and the HISTORY row that records the concat.
#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RowNumbers.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <stdexcept>

#include "ms_concat.h"
#include "ms_concat_rows.h"

namespace ptclean::imager {
namespace {

using casacore::AipsError;
using casacore::Int;
using casacore::rownr_t;
using casacore::String;
using casacore::Table;
using concat::hasColumn;
using concat::openSubtable;

/// Multiplies the cells of array column `name` (when the table has it) by `factor`, a range of rows
/// at a time: one read and write per range, not per row.
template <typename T>
void scaleColumn(Table& main, const std::string& name, T factor) {
  if (!hasColumn(main, name)) return;
  casacore::ArrayColumn<T> column(main, name);
  constexpr rownr_t kChunk = 8192;
  for (rownr_t start = 0; start < main.nrow(); start += kChunk) {
    const rownr_t count = std::min(kChunk, main.nrow() - start);
    const casacore::Slicer rows(casacore::IPosition(1, start), casacore::IPosition(1, count));
    try {
      casacore::Array<T> values = column.getColumnRange(rows);
      values *= factor;
      column.putColumnRange(rows, values);
    } catch (const AipsError&) {  // cells of different shapes, or undefined ones: cell by cell
      for (rownr_t r = start; r < start + count; ++r) {
        if (!column.isDefined(r)) continue;
        casacore::Array<T> values = column(r);
        values *= factor;
        column.put(r, values);
      }
    }
  }
}

}  // namespace

void scaleWeights(const std::string& ms, double factor) {
  try {
    Table main(ms, Table::Update);
    scaleColumn<float>(main, "WEIGHT", float(factor));
    scaleColumn<float>(main, "WEIGHT_SPECTRUM", float(factor));
    scaleColumn<float>(main, "SIGMA", float(1.0 / std::sqrt(factor)));
    scaleColumn<float>(main, "SIGMA_SPECTRUM", float(1.0 / std::sqrt(factor)));
    main.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot scale the weights of " + ms + ": " + std::string(error.getMesg()));
  }
}

void emptyPointing(const std::string& ms) {
  try {
    Table pointing = openSubtable(Table(ms), "POINTING", true);
    if (pointing.isNull() || pointing.nrow() == 0) return;
    casacore::Vector<rownr_t> rows(pointing.nrow());
    for (rownr_t r = 0; r < rows.size(); ++r) rows[r] = r;
    pointing.removeRow(casacore::RowNumbers(rows));
    pointing.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot empty the POINTING table of " + ms + ": " + std::string(error.getMesg()));
  }
}

void addHistoryRow(const std::string& ms, const std::string& application, const std::string& message,
                   const std::vector<std::string>& parameters) {
  try {
    const Table main(ms);
    Table history = openSubtable(main, "HISTORY", true);
    if (history.isNull()) return;
    const Table observation = openSubtable(main, "OBSERVATION", false);
    const rownr_t row = history.nrow();
    history.addRow();
    constexpr double kUnixEpochMjdSeconds = 40587.0 * 86400.0;
    casacore::ScalarColumn<double>(history, "TIME").put(row, kUnixEpochMjdSeconds + double(std::time(nullptr)));
    const bool observed = !observation.isNull() && observation.nrow() > 0;
    casacore::ScalarColumn<Int>(history, "OBSERVATION_ID").put(row, observed ? 0 : -1);
    casacore::ScalarColumn<String>(history, "MESSAGE").put(row, message);
    casacore::ScalarColumn<String>(history, "PRIORITY").put(row, "NORMAL");
    casacore::ScalarColumn<String>(history, "ORIGIN").put(row, application);
    casacore::ScalarColumn<Int>(history, "OBJECT_ID").put(row, 0);
    casacore::ScalarColumn<String>(history, "APPLICATION").put(row, application);
    casacore::ArrayColumn<String>(history, "CLI_COMMAND").put(row, casacore::Vector<String>(1, application));
    casacore::Vector<String> params(parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) params[i] = parameters[i];
    casacore::ArrayColumn<String>(history, "APP_PARAMS").put(row, params);
    history.flush();
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot write HISTORY of " + ms + ": " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
