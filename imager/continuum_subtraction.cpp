// uvcontsub's casacore side (uvcontsub_task.h): the fitted channels, the fit and subtraction in
// place on a split output, and whether a Multi-MS can be fitted Sub-MS by Sub-MS.
#include <casacore/casa/Arrays/ArrayLogical.h>
#include <casacore/casa/Arrays/Cube.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RefRows.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "continuum_fit.h"
#include "ms_selection.h"
#include "multi_ms.h"
#include "uvcontsub_task.h"

namespace ptclean::imager {
namespace {

/// The DATA, FLAG and per-channel weights of one data description's rows, held while fitting.
struct DescriptionData {
  casacore::Vector<casacore::rownr_t> rows;
  casacore::Cube<casacore::Complex> data;
  casacore::Cube<casacore::Bool> flags;
  casacore::Cube<float> weights;
  int spw = 0;
};

DescriptionData readDescription(const casacore::Table& table, const std::vector<casacore::rownr_t>& rows, int spw) {
  DescriptionData d;
  d.spw = spw;
  d.rows = casacore::Vector<casacore::rownr_t>(rows);
  const casacore::RefRows refs(d.rows);
  d.data = casacore::ArrayColumn<casacore::Complex>(table, "DATA").getColumnCells(refs);
  d.flags = casacore::ArrayColumn<casacore::Bool>(table, "FLAG").getColumnCells(refs);
  d.weights.resize(d.flags.shape());
  if (table.tableDesc().isColumn("WEIGHT_SPECTRUM")) {
    casacore::ArrayColumn<float> column(table, "WEIGHT_SPECTRUM");
    if (column.isDefined(rows[0]) && column.shape(rows[0]).isEqual(d.flags.shape().getFirst(2))) {
      d.weights = column.getColumnCells(refs);
      return d;
    }
  }
  const casacore::Matrix<float> w = casacore::ArrayColumn<float>(table, "WEIGHT").getColumnCells(refs);
  for (long r = 0; r < d.flags.shape()[2]; ++r)
    for (long c = 0; c < d.flags.shape()[1]; ++c)
      for (long p = 0; p < d.flags.shape()[0]; ++p) d.weights(p, c, r) = w(p, r);
  return d;
}

}  // namespace

FitChannels fitChannels(const std::string& vis, const UvcontsubSettings& settings) {
  casacore::MeasurementSet ms(vis);
  const std::string& spw = settings.transform.selection.spw;
  const std::vector<int> spws = selectedSpwIds(ms, spw);
  const auto kept = spw.empty() ? std::map<int, std::vector<int>>{} : selectedChannels(ms, spw, "spw");
  const auto fitted = settings.fitspw.empty() ? std::map<int, std::vector<int>>{} : selectedChannels(ms, settings.fitspw, "fitspw");
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  FitChannels out;
  std::size_t total = 0;
  for (std::size_t i = 0; i < spws.size(); ++i) {
    std::vector<int> chans;
    if (auto found = kept.find(spws[i]); found != kept.end()) {
      chans = found->second;
    } else {
      for (int c = 0; c < spw_cols.numChan()(spws[i]); ++c) chans.push_back(c);
    }
    std::vector<char> mask(chans.size(), 0);
    const auto fit = fitted.find(spws[i]);
    std::size_t count = 0;
    for (std::size_t k = 0; k < chans.size(); ++k) {
      const bool in_fitspw = settings.fitspw.empty() ||
                             (fit != fitted.end() && std::binary_search(fit->second.begin(), fit->second.end(), chans[k]));
      mask[k] = settings.excludechans ? !in_fitspw : in_fitspw;
      count += std::size_t(mask[k]);
    }
    if (count == 0 && !settings.combine_spw)
      throw std::runtime_error("fitspw='" + settings.fitspw + "'" + (settings.excludechans ? " with excludechans" : "") +
                               " leaves no channel to fit in spw " + std::to_string(spws[i]) +
                               "; give it line-free channels or leave it out of spw");
    total += count;
    out[int(i)] = mask;
  }
  if (total == 0)
    throw std::runtime_error("fitspw='" + settings.fitspw + "' selects no channel of the selected spws to fit");
  return out;
}

void subtractContinuum(const std::string& path, const FitChannels& fit, int order, bool combine_spw, bool continuum_only) {
  try {
    casacore::Table table(path, casacore::Table::Update);
    if (table.nrow() == 0) return;
    const casacore::MSSpectralWindow spw_table(path + "/SPECTRAL_WINDOW");  // kept open: the columns refer to it
    casacore::MSSpWindowColumns spw_cols(spw_table);
    const auto dd_spw = casacore::ScalarColumn<casacore::Int>(casacore::Table(path + "/DATA_DESCRIPTION"), "SPECTRAL_WINDOW_ID").getColumn();
    const auto dds = casacore::ScalarColumn<casacore::Int>(table, "DATA_DESC_ID").getColumn();
    const auto times = casacore::ScalarColumn<casacore::Double>(table, "TIME").getColumn();
    const auto a1 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA1").getColumn();
    const auto a2 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA2").getColumn();
    const auto fields = casacore::ScalarColumn<casacore::Int>(table, "FIELD_ID").getColumn();
    std::map<int, std::vector<casacore::rownr_t>> rows_of_dd;
    for (std::size_t r = 0; r < dds.size(); ++r) rows_of_dd[dds[r]].push_back(r);
    std::map<int, DescriptionData> blocks;
    std::map<int, casacore::Vector<double>> freqs;
    for (const auto& [dd, rows] : rows_of_dd) {
      blocks[dd] = readDescription(table, rows, dd_spw[dd]);
      freqs[dd] = spw_cols.chanFreq()(dd_spw[dd]);
    }
    // The samples fitted together: one row, or with combine='spw' the rows of every spw of a
    // baseline, time and field.
    using Member = std::pair<int, std::size_t>;  // data description, index in its block
    std::map<std::tuple<double, int, int, int>, std::vector<Member>> groups;
    std::vector<std::vector<Member>> singles;
    for (const auto& [dd, block] : blocks)
      for (std::size_t i = 0; i < block.rows.size(); ++i) {
        const auto r = block.rows[i];
        if (combine_spw) groups[{times[r], a1[r], a2[r], fields[r]}].push_back({dd, i});
        else singles.push_back({{dd, i}});
      }
    for (auto& [key, members] : groups) singles.push_back(std::move(members));
    ContinuumFit model(order);
    for (const auto& members : singles) {
      const long ncorr = blocks[members[0].first].data.shape()[0];
      for (long p = 0; p < ncorr; ++p) {
        model.clear();
        for (const auto& [dd, i] : members) {
          const DescriptionData& b = blocks[dd];
          if (b.data.shape()[0] != ncorr) throw std::runtime_error("combine='spw' needs the same correlations in every spw");
          const std::vector<char>& mask = fit.at(b.spw);
          for (long c = 0; c < b.data.shape()[1]; ++c)
            if (mask[std::size_t(c)] && !b.flags(p, c, long(i))) model.add(freqs[dd][c], b.data(p, c, long(i)), b.weights(p, c, long(i)));
        }
        const bool solved = model.solve();
        for (const auto& [dd, i] : members) {
          DescriptionData& b = blocks[dd];
          for (long c = 0; c < b.data.shape()[1]; ++c) {
            const std::complex<double> continuum = solved ? model.at(freqs[dd][c]) : 0.0;
            if (!solved) b.flags(p, c, long(i)) = true;
            const casacore::Complex value(float(continuum.real()), float(continuum.imag()));
            b.data(p, c, long(i)) = continuum_only ? value : b.data(p, c, long(i)) - value;
          }
        }
      }
    }
    casacore::ArrayColumn<casacore::Complex> data_column(table, "DATA");
    casacore::ArrayColumn<casacore::Bool> flag_column(table, "FLAG");
    casacore::ScalarColumn<casacore::Bool> row_flag_column(table, "FLAG_ROW");
    for (const auto& [dd, b] : blocks) {
      const casacore::RefRows refs(b.rows);
      data_column.putColumnCells(refs, b.data);
      flag_column.putColumnCells(refs, b.flags);
      casacore::Vector<casacore::Bool> row_flags(b.rows.size());
      for (std::size_t i = 0; i < b.rows.size(); ++i) row_flags[i] = casacore::allTrue(b.flags.xyPlane(i));
      row_flag_column.putColumnCells(refs, row_flags);
    }
    table.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("continuum subtraction in " + path + " failed: " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
