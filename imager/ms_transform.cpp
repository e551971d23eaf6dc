#include "ms_transform.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MSSel/MSSelection.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "log.h"
#include "ms_selection.h"
#include "spw_combination.h"
#include "sub_ms_copy.h"

namespace ptclean::imager {
namespace {

constexpr std::size_t kChunkRows = 4096;

casacore::MeasurementSet openMs(const std::string& path) {
  try {
    return casacore::MeasurementSet(path, casacore::TableLock(casacore::TableLock::AutoNoReadLocking), casacore::Table::Old);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + path + "' is not a MeasurementSet: " + std::string(error.getMesg()));
  }
}

/// Rows of `selected` with at least one unflagged sample among the kept channels and correlations.
std::vector<casacore::rownr_t> rowsWithUnflaggedData(const casacore::MeasurementSet& ms, const casacore::Table& selected,
                                                    const MsSlicing& slicing) {
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  const auto dds = casacore::ScalarColumn<casacore::Int>(selected, "DATA_DESC_ID").getColumn();
  const auto row_flags = casacore::ScalarColumn<casacore::Bool>(selected, "FLAG_ROW").getColumn();
  casacore::ArrayColumn<casacore::Bool> flag_column(selected, "FLAG");
  std::vector<casacore::rownr_t> kept;
  std::size_t start = 0;
  while (start < dds.size()) {
    std::size_t end = start + 1;
    while (end < dds.size() && end - start < kChunkRows && dds[end] == dds[start]) ++end;
    const int spw = dd_cols.spectralWindowId()(dds[start]);
    const casacore::Vector<int> types = pol_cols.corrType()(dd_cols.polarizationId()(dds[start]));
    const casacore::Array<casacore::Bool> flags = flag_column.getColumnRange(
        casacore::Slicer(casacore::IPosition(1, long(start)), casacore::IPosition(1, long(end - start))));
    const long ncorr = flags.shape()[0], nchan = flags.shape()[1];
    std::vector<bool> corr_kept(std::size_t(ncorr), true), chan_kept(std::size_t(nchan), true);
    if (!slicing.correlations.empty())
      for (long p = 0; p < ncorr; ++p) corr_kept[std::size_t(p)] = slicing.correlations.count(types[p]) > 0;
    if (auto chans = slicing.channels.find(spw); chans != slicing.channels.end()) {
      std::fill(chan_kept.begin(), chan_kept.end(), false);
      for (int c : chans->second) chan_kept[std::size_t(c)] = true;
    }
    const casacore::Bool* f = flags.data();
    for (std::size_t r = start; r < end; ++r, f += ncorr * nchan) {
      if (row_flags[r]) continue;
      bool any = false;
      for (long c = 0; c < nchan && !any; ++c)
        for (long p = 0; p < ncorr && !any; ++p) any = chan_kept[std::size_t(c)] && corr_kept[std::size_t(p)] && !f[c * ncorr + p];
      if (any) kept.push_back(r);
    }
    start = end;
  }
  return kept;
}

/// Renumbers SPECTRAL_WINDOW_ID in `table` through `new_id`, removing rows of other spws (-1 stays).
void renumberSpwRows(casacore::Table& table, const std::map<int, int>& new_id) {
  if (!table.tableDesc().isColumn("SPECTRAL_WINDOW_ID")) return;
  casacore::ScalarColumn<casacore::Int> column(table, "SPECTRAL_WINDOW_ID");
  casacore::Vector<casacore::Int> ids = column.getColumn();
  std::vector<casacore::rownr_t> removed;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    if (ids[r] < 0) continue;
    auto found = new_id.find(ids[r]);
    if (found == new_id.end()) removed.push_back(r);
    else ids[r] = found->second;
  }
  column.putColumn(ids);
  if (!removed.empty()) table.removeRow(casacore::Vector<casacore::rownr_t>(removed));
}

/// split's re-indexing: the spws in `kept` (ascending) become 0, 1, ... everywhere.
void reindexSpws(const std::string& path, const std::vector<int>& kept) {
  casacore::Table main(path, casacore::Table::Update);
  std::map<int, int> new_spw;
  for (std::size_t i = 0; i < kept.size(); ++i) new_spw[kept[i]] = int(i);
  casacore::Table dd(path + "/DATA_DESCRIPTION", casacore::Table::Update);
  const auto dd_spws = casacore::ScalarColumn<casacore::Int>(dd, "SPECTRAL_WINDOW_ID").getColumn();
  std::map<int, int> new_dd;
  for (std::size_t d = 0, next = 0; d < dd_spws.size(); ++d)
    if (new_spw.count(dd_spws[d])) new_dd[int(d)] = int(next++);
  renumberSpwRows(dd, new_spw);
  casacore::ScalarColumn<casacore::Int> dd_ids(main, "DATA_DESC_ID");
  casacore::Vector<casacore::Int> ids = dd_ids.getColumn();
  for (auto& id : ids) id = new_dd.at(id);
  dd_ids.putColumn(ids);
  casacore::Table spw(path + "/SPECTRAL_WINDOW", casacore::Table::Update);
  std::vector<casacore::rownr_t> removed;
  for (casacore::rownr_t r = 0; r < spw.nrow(); ++r)
    if (!new_spw.count(int(r))) removed.push_back(r);
  if (!removed.empty()) spw.removeRow(casacore::Vector<casacore::rownr_t>(removed));
  const casacore::TableRecord& keywords = main.keywordSet();
  for (casacore::uInt k = 0; k < keywords.nfields(); ++k) {
    const std::string name = keywords.name(k);
    if (keywords.type(k) != casacore::TpTable || name == "DATA_DESCRIPTION" || name == "SPECTRAL_WINDOW") continue;
    casacore::Table sub(path + "/" + name, casacore::Table::Update);
    renumberSpwRows(sub, new_spw);
  }
}

}  // namespace

void transformMs(const std::string& input, const std::string& output, const MsTransformSettings& settings,
                 const TransformFactory& make_transform) {
  if (settings.combine_spws || settings.time.timebin_s > 0) {
    // The channels first, into siblings that go whatever happens; then the spws joined, then
    // the time bins.
    struct Removed {
      std::vector<std::string> paths;
      ~Removed() {
        std::error_code ignored;
        for (const auto& path : paths) std::filesystem::remove_all(path, ignored);
      }
    } removed{{output + ".channels", output + ".combined"}};
    MsTransformSettings channels_only = settings;
    channels_only.time = {};
    channels_only.combine_spws = false;
    std::string current = output + ".channels";
    transformMs(input, current, channels_only, make_transform);
    if (settings.combine_spws) {
      const std::string next = settings.time.timebin_s > 0 ? output + ".combined" : output;
      combineSpws(current, next);
      current = next;
    }
    if (settings.time.timebin_s > 0) averageInTime(current, output, settings.time);
    return;
  }
  casacore::MeasurementSet ms = openMs(input);
  SelectedRows selected = selectRows(ms, settings.selection, input, true);
  MsSlicing slicing;
  slicing.channels = std::move(selected.channels);
  slicing.correlations = parseCorrelations(settings.selection.correlation);
  if (make_transform) slicing.transform = make_transform(ms);
  std::vector<casacore::rownr_t> rows;
  if (settings.keepflags) {
    rows.resize(selected.table.nrow());
    for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  } else {
    rows = rowsWithUnflaggedData(ms, selected.table, slicing);
  }
  copyRowsAsMs(ms, selected.table, rows, output, slicing);
  try {
    {
      casacore::Table copy(output, casacore::Table::Update);
      keepDataColumn(copy, settings.datacolumn);
      if (copy.keywordSet().isDefined("SORTED_TABLE")) copy.rwKeywordSet().removeField("SORTED_TABLE");
      copy.flush();
    }
    if (settings.reindex_spws && !settings.selection.spw.empty()) reindexSpws(output, selectedSpwIds(ms, settings.selection.spw));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot write " + output + ": " + std::string(error.getMesg()));
  }
}

std::vector<int> selectedSpwIds(const casacore::MeasurementSet& ms, const std::string& spw_expression) {
  std::vector<int> ids;
  if (spw_expression.empty()) {
    for (casacore::rownr_t r = 0; r < ms.spectralWindow().nrow(); ++r) ids.push_back(int(r));
    return ids;
  }
  casacore::MSSelection selection;
  selection.setSpwExpr(spw_expression);
  const casacore::Vector<casacore::Int> list = selection.getSpwList(&ms);
  std::set<int> unique(list.begin(), list.end());
  return {unique.begin(), unique.end()};
}

void checkTransformInput(const std::string& vis, const MsTransformSettings& settings,
                         const TransformFactory& make_transform) {
  casacore::MeasurementSet ms = openMs(vis);
  selectRows(ms, settings.selection, vis, false);
  parseCorrelations(settings.selection.correlation);
  if (make_transform) make_transform(ms);
  if (settings.datacolumn == "all") return;
  const std::string column = settings.datacolumn == "data"        ? "DATA"
                             : settings.datacolumn == "corrected" ? "CORRECTED_DATA"
                                                                  : "MODEL_DATA";
  if (!ms.tableDesc().isColumn(column))
    throw std::runtime_error("datacolumn='" + settings.datacolumn + "': " + vis + " has no " + column + " column");
}

std::string resolvedDataColumn(const std::string& vis, const std::string& datacolumn, const std::string& task) {
  if (datacolumn != "corrected") return datacolumn;
  if (openMs(vis).tableDesc().isColumn("CORRECTED_DATA")) return datacolumn;
  spdlog::warn("{}: {} has no CORRECTED_DATA column: using DATA (datacolumn='data'), as CASA does", task, vis);
  return "data";
}

}  // namespace ptclean::imager
