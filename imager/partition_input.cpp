#include "partition_input.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/tables/Tables/TableRecord.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <map>
#include <stdexcept>

#include "ms_selection.h"
#include "sub_ms_copy.h"

namespace ptclean::imager {

struct PartitionInput::Impl {
  casacore::MeasurementSet ms;
  casacore::Table selected;
  MsSlicing slicing;
};

PartitionInput::PartitionInput(const std::string& vis, const MsSelectionKeys& selection)
    : impl_(std::make_unique<Impl>()) {
  try {
    impl_->ms = casacore::MeasurementSet(vis, casacore::TableLock(casacore::TableLock::AutoNoReadLocking),
                                         casacore::Table::Old);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + vis + "' is not a MeasurementSet: " + std::string(error.getMesg()));
  }
  SelectedRows rows = selectRows(impl_->ms, selection, vis);
  impl_->selected = rows.table;
  impl_->slicing.channels = std::move(rows.channels);
  impl_->slicing.correlations = parseCorrelations(selection.correlation);
}

PartitionInput::~PartitionInput() = default;

std::size_t PartitionInput::selectedRows() const { return impl_->selected.nrow(); }

std::vector<PartitionRow> PartitionInput::rows() const {
  const casacore::Table& selected = impl_->selected;
  casacore::ScalarColumn<casacore::Int> scan(selected, "SCAN_NUMBER"), dd(selected, "DATA_DESC_ID"),
      field(selected, "FIELD_ID"), a1(selected, "ANTENNA1"), a2(selected, "ANTENNA2");
  auto scans = scan.getColumn(), dds = dd.getColumn(), fields = field.getColumn(), ant1 = a1.getColumn(),
       ant2 = a2.getColumn();
  casacore::MSDataDescColumns dd_cols(impl_->ms.dataDescription());
  casacore::MSSpWindowColumns spw_cols(impl_->ms.spectralWindow());
  casacore::MSPolarizationColumns pol_cols(impl_->ms.polarization());
  std::map<int, std::pair<int, std::size_t>> shape;  // dd -> (spw, channels x correlations)
  std::vector<PartitionRow> rows(scans.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto found = shape.find(dds[r]);
    if (found == shape.end()) {
      const int spw = dd_cols.spectralWindowId()(dds[r]);
      const std::size_t n = std::size_t(spw_cols.numChan()(spw)) *
                            std::size_t(pol_cols.numCorr()(dd_cols.polarizationId()(dds[r])));
      found = shape.emplace(dds[r], std::pair{spw, n}).first;
    }
    rows[r] = {scans[r], dds[r], found->second.first, fields[r], ant1[r], ant2[r], found->second.second};
  }
  return rows;
}

void PartitionInput::writeRows(const std::vector<std::size_t>& rows, const std::string& path,
                               const std::string& datacolumn) const {
  std::vector<casacore::rownr_t> numbers(rows.begin(), rows.end());
  copyRowsAsMs(impl_->ms, impl_->selected, numbers, path, impl_->slicing);
  try {
    casacore::Table copy(path, casacore::Table::Update);
    keepDataColumn(copy, datacolumn);
    if (copy.keywordSet().isDefined("SORTED_TABLE")) copy.rwKeywordSet().removeField("SORTED_TABLE");
    copy.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot write Sub-MS " + path + ": " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
