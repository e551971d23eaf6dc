#include "flag_rflag.h"

#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RefRows.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace ptclean::imager {
namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  auto middle = values.begin() + long(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

double standardDeviation(const std::vector<double>& values) {
  if (values.size() < 2) return std::nan("");
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
  double sum = 0.0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return std::sqrt(sum / double(values.size() - 1));
}

/// The amplitudes of one data description's rows (cells of chan * ncorr + corr), NaN where flagged.
struct Amplitudes {
  std::vector<std::size_t> rows;  ///< rows of the selection, in time order per baseline
  std::map<std::pair<int, int>, std::vector<std::size_t>> series;  ///< baseline -> indices into rows
  long ncorr = 0, nchan = 0;
  std::vector<double> values;  ///< rows.size() x cells
};

Amplitudes amplitudesOf(const casacore::Table& table, const std::vector<std::size_t>& dd_rows, const std::string& column) {
  Amplitudes a;
  a.rows = dd_rows;
  const auto times = casacore::ScalarColumn<casacore::Double>(table, "TIME").getColumn();
  const auto a1 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA1").getColumn();
  const auto a2 = casacore::ScalarColumn<casacore::Int>(table, "ANTENNA2").getColumn();
  std::stable_sort(a.rows.begin(), a.rows.end(), [&](std::size_t x, std::size_t y) { return times[x] < times[y]; });
  casacore::Vector<casacore::rownr_t> numbers(a.rows.size());
  for (std::size_t i = 0; i < a.rows.size(); ++i) numbers[i] = a.rows[i];
  const casacore::RefRows refs(numbers);
  const casacore::Array<casacore::Bool> flags = casacore::ArrayColumn<casacore::Bool>(table, "FLAG").getColumnCells(refs);
  a.ncorr = flags.shape()[0];
  a.nchan = flags.shape()[1];
  a.values.resize(flags.nelements());
  if (column == "FLOAT_DATA") {
    const casacore::Array<float> data = casacore::ArrayColumn<float>(table, column).getColumnCells(refs);
    std::transform(data.begin(), data.end(), a.values.begin(), [](float v) { return double(std::abs(v)); });
  } else {
    const casacore::Array<casacore::Complex> data = casacore::ArrayColumn<casacore::Complex>(table, column).getColumnCells(refs);
    std::transform(data.begin(), data.end(), a.values.begin(), [](casacore::Complex v) { return double(std::abs(v)); });
  }
  std::size_t k = 0;
  for (casacore::Bool f : flags) {
    if (f || !std::isfinite(a.values[k])) a.values[k] = std::nan("");
    ++k;
  }
  for (std::size_t i = 0; i < a.rows.size(); ++i) a.series[{a1[a.rows[i]], a2[a.rows[i]]}].push_back(i);
  return a;
}

}  // namespace

RflagFlags rflagFlags(const casacore::MeasurementSet& ms, const casacore::Table& table, const FlagCommand& command) {
  if (!table.tableDesc().isColumn(command.datacolumn))
    throw std::runtime_error("datacolumn: " + command.datacolumn + " is absent from " + std::string(ms.tableName()));
  RflagFlags result;
  result.samples.resize(table.nrow());
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  const auto dds = casacore::ScalarColumn<casacore::Int>(table, "DATA_DESC_ID").getColumn();
  std::map<int, std::vector<std::size_t>> rows_of_dd;
  for (std::size_t r = 0; r < dds.size(); ++r) rows_of_dd[dds[r]].push_back(r);
  const long half = command.winsize / 2;
  for (const auto& [dd, dd_rows] : rows_of_dd) {
    const Amplitudes a = amplitudesOf(table, dd_rows, command.datacolumn);
    const std::size_t cells = std::size_t(a.ncorr * a.nchan);
    for (std::size_t row : a.rows) result.samples[row].assign(cells, 0);
    // Time: the deviation over a window of consecutive times, per baseline and cell.
    std::vector<double> time_dev(a.values.size(), std::nan(""));
    for (const auto& [baseline, series] : a.series)
      for (std::size_t t = 0; t < series.size(); ++t)
        for (std::size_t k = 0; k < cells; ++k) {
          std::vector<double> window;
          for (long s = long(t) - half; s <= long(t) + half; ++s) {
            if (s < 0 || s >= long(series.size())) continue;
            const double v = a.values[series[std::size_t(s)] * cells + k];
            if (!std::isnan(v)) window.push_back(v);
          }
          time_dev[series[t] * cells + k] = standardDeviation(window);
        }
    std::vector<double> finite;
    for (double v : time_dev)
      if (std::isfinite(v)) finite.push_back(v);
    const double timedev = command.timedev > 0 ? command.timedev : median(finite);
    // Frequency: each channel's distance from the row's median, per correlation.
    std::vector<double> freq_dist(a.values.size(), std::nan("")), row_rms;
    for (std::size_t i = 0; i < a.rows.size(); ++i)
      for (long p = 0; p < a.ncorr; ++p) {
        std::vector<double> spectrum;
        for (long c = 0; c < a.nchan; ++c)
          if (const double v = a.values[i * cells + std::size_t(c * a.ncorr + p)]; !std::isnan(v)) spectrum.push_back(v);
        if (spectrum.size() < 3) continue;
        const double centre = median(spectrum);
        std::vector<double> distances;
        for (long c = 0; c < a.nchan; ++c) {
          const std::size_t at = i * cells + std::size_t(c * a.ncorr + p);
          if (std::isnan(a.values[at])) continue;
          freq_dist[at] = std::abs(a.values[at] - centre);
          distances.push_back(freq_dist[at]);
        }
        row_rms.push_back(1.4826 * median(distances));
      }
    const double freqdev = command.freqdev > 0 ? command.freqdev : median(row_rms);
    for (std::size_t i = 0; i < a.rows.size(); ++i)
      for (std::size_t k = 0; k < cells; ++k) {
        const double td = time_dev[i * cells + k], fd = freq_dist[i * cells + k];
        const bool by_time = timedev > 0 && std::isfinite(td) && td > command.timedevscale * timedev;
        const bool by_freq = freqdev > 0 && std::isfinite(fd) && fd > command.freqdevscale * freqdev;
        result.samples[a.rows[i]][k] = by_time || by_freq;
      }
    result.thresholds.push_back({{"spw", dd_cols.spectralWindowId()(dd)}, {"timedev", timedev}, {"freqdev", freqdev}});
  }
  return result;
}

}  // namespace ptclean::imager
