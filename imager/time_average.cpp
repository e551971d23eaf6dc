#include "time_average.h"

#include <casacore/casa/Arrays/ArrayLogical.h>
#include <casacore/casa/Arrays/Cube.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RefRows.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableColumn.h>

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "config.h"
#include "multi_ms.h"
#include "sub_ms_copy.h"

namespace ptclean::imager {
namespace {

using Rows = std::vector<casacore::rownr_t>;

/// Bins of rows: each a list of input rows, in output order (first time, then data description).
std::vector<Rows> timeBins(const casacore::Table& table, const TimeAveraging& averaging) {
  auto ints = [&](const char* name) { return casacore::ScalarColumn<casacore::Int>(table, name).getColumn(); };
  const auto dd = ints("DATA_DESC_ID"), a1 = ints("ANTENNA1"), a2 = ints("ANTENNA2"), f1 = ints("FEED1"),
             f2 = ints("FEED2"), field = ints("FIELD_ID"), scan = ints("SCAN_NUMBER"), state = ints("STATE_ID"),
             array = ints("ARRAY_ID"), obs = ints("OBSERVATION_ID");
  const auto time = casacore::ScalarColumn<casacore::Double>(table, "TIME").getColumn();
  const auto interval = casacore::ScalarColumn<casacore::Double>(table, "INTERVAL").getColumn();
  using Key = std::tuple<int, int, int, int, int, int, int, int, int, int>;
  std::map<Key, Rows> groups;
  for (std::size_t r = 0; r < time.size(); ++r)
    groups[Key{dd[r], a1[r], a2[r], f1[r], f2[r], field[r], array[r], obs[r], averaging.combine_scan ? 0 : scan[r],
               averaging.combine_state ? 0 : state[r]}]
        .push_back(r);
  std::vector<Rows> bins;
  for (auto& [key, rows] : groups) {
    std::stable_sort(rows.begin(), rows.end(), [&](auto x, auto y) { return time[x] < time[y]; });
    double bin_start = 0.0;
    for (auto r : rows) {
      const double start = time[r] - interval[r] / 2, end = time[r] + interval[r] / 2;
      if (r == rows.front() || end - bin_start > averaging.timebin_s * (1 + 1e-9)) {
        bins.push_back({});
        bin_start = start;
      }
      bins.back().push_back(r);
    }
  }
  std::stable_sort(bins.begin(), bins.end(), [&](const Rows& x, const Rows& y) {
    return std::tie(time[x.front()], dd[x.front()], a1[x.front()], a2[x.front()]) <
           std::tie(time[y.front()], dd[y.front()], a1[y.front()], a2[y.front()]);
  });
  return bins;
}

bool isDataColumn(const std::string& name) {
  return name == "DATA" || name == "CORRECTED_DATA" || name == "MODEL_DATA" || name == "FLOAT_DATA";
}

/// The averaged cells of one run of bins (one data description): the data columns weighted,
/// the weights summed, the flags where every row was flagged.
class RunAverager {
 public:
  RunAverager(const casacore::Table& in, const std::vector<Rows>& bins) : in_(in), bins_(bins) {
    // Cells are read in increasing row order, each tile once; at_[k] finds the k-th row of the
    // bins (in bin order) among them.
    for (const auto& bin : bins) rows_.insert(rows_.end(), bin.begin(), bin.end());
    Rows sorted = rows_;
    std::sort(sorted.begin(), sorted.end());
    for (auto r : rows_) at_.push_back(long(std::lower_bound(sorted.begin(), sorted.end(), r) - sorted.begin()));
    numbers_ = casacore::Vector<casacore::rownr_t>(sorted);
    flags_ = casacore::ArrayColumn<casacore::Bool>(in, "FLAG").getColumnCells(casacore::RefRows(numbers_));
    const casacore::IPosition shape = flags_.shape();
    weights_.resize(shape);
    bool spectrum = false;
    if (in.tableDesc().isColumn("WEIGHT_SPECTRUM")) {
      casacore::ArrayColumn<float> column(in, "WEIGHT_SPECTRUM");
      if (column.isDefined(rows_[0]) && column.shape(rows_[0]).isEqual(shape.getFirst(2))) {
        weights_ = column.getColumnCells(casacore::RefRows(numbers_));
        spectrum = true;
      }
    }
    if (!spectrum) {
      const casacore::Matrix<float> w = casacore::ArrayColumn<float>(in, "WEIGHT").getColumnCells(casacore::RefRows(numbers_));
      for (long r = 0; r < shape[2]; ++r)
        for (long c = 0; c < shape[1]; ++c)
          for (long p = 0; p < shape[0]; ++p) weights_(p, c, r) = w(p, r);
    }
    // Per bin and sample: whether any row is unflagged (then only those count).
    out_flags_.resize(shape[0], shape[1], long(bins.size()));
    out_weights_.resize(shape[0], shape[1], long(bins.size()));
    std::size_t k = 0;
    for (std::size_t b = 0; b < bins.size(); ++b) {
      for (long c = 0; c < shape[1]; ++c)
        for (long p = 0; p < shape[0]; ++p) {
          float unflagged = 0.0f, all = 0.0f;
          bool any = false;
          for (std::size_t i = 0; i < bins[b].size(); ++i) {
            const long r = at_[k + i];
            all += weights_(p, c, r);
            if (!flags_(p, c, r)) {
              unflagged += weights_(p, c, r);
              any = true;
            }
          }
          out_flags_(p, c, long(b)) = !any;
          out_weights_(p, c, long(b)) = any ? unflagged : all;
        }
      k += bins[b].size();
    }
  }

  template <typename T>
  casacore::Cube<T> average(const std::string& column) const {
    const casacore::Cube<T> in = casacore::ArrayColumn<T>(in_, column).getColumnCells(casacore::RefRows(numbers_));
    const long ncorr = in.shape()[0], nchan = in.shape()[1];
    casacore::Cube<T> out(ncorr, nchan, long(bins_.size()));
    std::size_t k = 0;
    for (std::size_t b = 0; b < bins_.size(); ++b) {
      for (long c = 0; c < nchan; ++c)
        for (long p = 0; p < ncorr; ++p) {
          T sum{};
          double sum_w = 0.0;
          for (std::size_t i = 0; i < bins_[b].size(); ++i) {
            const long r = at_[k + i];
            if (!out_flags_(p, c, long(b)) && flags_(p, c, r)) continue;
            sum += in(p, c, r) * weights_(p, c, r);
            sum_w += weights_(p, c, r);
          }
          out(p, c, long(b)) = sum_w > 0 ? sum / float(sum_w) : in(p, c, at_[k]);
        }
      k += bins_[b].size();
    }
    return out;
  }
  /// Whether the bin-order row `k` of bin `b` counts for correlation `p`'s WEIGHT and SIGMA: it
  /// has an unflagged sample, or no row of the bin has one.
  bool counts(long p, long b, std::size_t k) const {
    bool bin_has_any = false;
    for (long c = 0; c < out_flags_.shape()[1] && !bin_has_any; ++c) bin_has_any = !out_flags_(p, c, b);
    if (!bin_has_any) return true;
    for (long c = 0; c < flags_.shape()[1]; ++c)
      if (!flags_(p, c, at_[k])) return true;
    return false;
  }
  const casacore::Cube<bool>& flags() const { return out_flags_; }
  const casacore::Cube<float>& weightSpectrum() const { return out_weights_; }

 private:
  const casacore::Table& in_;
  const std::vector<Rows>& bins_;
  Rows rows_;
  std::vector<long> at_;
  casacore::Vector<casacore::rownr_t> numbers_;
  casacore::Cube<bool> flags_, out_flags_;
  casacore::Cube<float> weights_, out_weights_;
};

template <typename T>
void firstOfEachBin(const casacore::Table& in, casacore::Table& out, const std::string& name, const std::vector<Rows>& bins) {
  casacore::ScalarColumn<T> from(in, name), to(out, name);
  const casacore::Vector<T> values = from.getColumn();
  casacore::Vector<T> result(bins.size());
  for (std::size_t b = 0; b < bins.size(); ++b) result[b] = values[bins[b].front()];
  to.putColumn(result);
}

/// TIME and TIME_CENTROID: the mean; INTERVAL: the span; EXPOSURE: the sum.
void timeColumn(const casacore::Table& in, casacore::Table& out, const std::string& name, const std::vector<Rows>& bins) {
  const auto values = casacore::ScalarColumn<double>(in, name).getColumn();
  const auto time = casacore::ScalarColumn<double>(in, "TIME").getColumn();
  const auto interval = casacore::ScalarColumn<double>(in, "INTERVAL").getColumn();
  casacore::Vector<double> result(bins.size());
  for (std::size_t b = 0; b < bins.size(); ++b) {
    double sum = 0.0, first = 1e300, last = -1e300;
    for (auto r : bins[b]) {
      sum += values[r];
      first = std::min(first, time[r] - interval[r] / 2);
      last = std::max(last, time[r] + interval[r] / 2);
    }
    result[b] = name == "INTERVAL" ? last - first : name == "EXPOSURE" ? sum : sum / double(bins[b].size());
  }
  casacore::ScalarColumn<double>(out, name).putColumn(result);
}

void scalarColumn(const casacore::Table& in, casacore::Table& out, const std::string& name, const std::vector<Rows>& bins) {
  if (name == "TIME" || name == "TIME_CENTROID" || name == "INTERVAL" || name == "EXPOSURE")
    return timeColumn(in, out, name, bins);
  switch (in.tableDesc().columnDesc(name).dataType()) {
    case casacore::TpBool: return firstOfEachBin<casacore::Bool>(in, out, name, bins);
    case casacore::TpInt: return firstOfEachBin<casacore::Int>(in, out, name, bins);
    case casacore::TpFloat: return firstOfEachBin<casacore::Float>(in, out, name, bins);
    case casacore::TpDouble: return firstOfEachBin<casacore::Double>(in, out, name, bins);
    case casacore::TpString: return firstOfEachBin<casacore::String>(in, out, name, bins);
    default: throw std::runtime_error("time averaging: column " + name + " has a type it cannot carry");
  }
}

/// The array columns of one run of bins (rows [first, first + bins.size()) of the output).
void arrayColumns(const casacore::Table& in, casacore::Table& out, const std::vector<Rows>& bins, std::size_t first,
                  const std::vector<std::string>& names) {
  const RunAverager averager(in, bins);
  const casacore::Slicer target(casacore::IPosition(1, long(first)), casacore::IPosition(1, long(bins.size())));
  for (const auto& name : names) {
    if (name == "FLAG") {
      casacore::ArrayColumn<bool>(out, name).putColumnRange(target, averager.flags());
    } else if (name == "WEIGHT_SPECTRUM") {
      casacore::ArrayColumn<float>(out, name).putColumnRange(target, averager.weightSpectrum());
    } else if (name == "SIGMA_SPECTRUM") {
      casacore::Cube<float> sigma = averager.weightSpectrum().copy();
      for (float& v : sigma) v = v > 0 ? 1.0f / std::sqrt(v) : 0.0f;
      casacore::ArrayColumn<float>(out, name).putColumnRange(target, sigma);
    } else if (name == "FLOAT_DATA") {
      casacore::ArrayColumn<float>(out, name).putColumnRange(target, averager.average<float>(name));
    } else if (isDataColumn(name)) {
      casacore::ArrayColumn<casacore::Complex>(out, name).putColumnRange(target, averager.average<casacore::Complex>(name));
    } else if (name == "WEIGHT" || name == "SIGMA" || name == "UVW") {
      Rows rows;
      for (const auto& bin : bins) rows.insert(rows.end(), bin.begin(), bin.end());
      Rows sorted = rows;
      std::sort(sorted.begin(), sorted.end());
      const casacore::RefRows refs{casacore::Vector<casacore::rownr_t>(sorted)};
      const casacore::Matrix<double> read = [&] {
        if (name == "UVW") return casacore::Matrix<double>(casacore::ArrayColumn<double>(in, name).getColumnCells(refs));
        const casacore::Matrix<float> f = casacore::ArrayColumn<float>(in, name).getColumnCells(refs);
        casacore::Matrix<double> d(f.shape());
        for (std::size_t i = 0; i < f.nelements(); ++i) d.data()[i] = f.data()[i];
        return d;
      }();
      casacore::Matrix<double> values(read.shape());
      for (std::size_t i = 0; i < rows.size(); ++i)
        values.column(long(i)) = read.column(long(std::lower_bound(sorted.begin(), sorted.end(), rows[i]) - sorted.begin()));
      casacore::Matrix<double> result(values.shape()[0], long(bins.size()), 0.0);
      std::size_t k = 0;
      for (std::size_t b = 0; b < bins.size(); ++b) {
        for (long p = 0; p < values.shape()[0]; ++p) {
          double sum = 0.0;
          for (std::size_t i = 0; i < bins[b].size(); ++i) {
            if (name != "UVW" && !averager.counts(p, long(b), k + i)) continue;
            const double v = values(p, long(k + i));
            sum += name == "SIGMA" ? (v > 0 ? 1.0 / (v * v) : 0.0) : v;
          }
          result(p, long(b)) = name == "UVW" ? sum / double(bins[b].size()) : name == "SIGMA" ? (sum > 0 ? 1.0 / std::sqrt(sum) : 0.0) : sum;
        }
        k += bins[b].size();
      }
      if (name == "UVW") {
        casacore::ArrayColumn<double>(out, name).putColumnRange(target, result);
      } else {
        casacore::Matrix<float> f(result.shape());
        for (std::size_t i = 0; i < f.nelements(); ++i) f.data()[i] = float(result.data()[i]);
        casacore::ArrayColumn<float>(out, name).putColumnRange(target, f);
      }
    } else {
      throw std::runtime_error("time averaging: array column " + name + " cannot be averaged");
    }
  }
}

}  // namespace

TimeAveraging timeAveragingFrom(const std::string& timebin, const std::string& combine) {
  TimeAveraging averaging;
  if (!timebin.empty()) {
    casacore::Quantity q;
    const std::string text = timebin.find_first_not_of("0123456789.") == std::string::npos ? timebin + "s" : timebin;
    if (!casacore::Quantity::read(q, text) || !q.isConform("s") || q.getValue("s") < 0)
      throw ConfigError("key 'timebin': '" + timebin + "' is not a time ('10s', '1min')");
    averaging.timebin_s = q.getValue("s");
  }
  std::string rest = combine;
  for (std::size_t at = 0; at != std::string::npos;) {
    const std::size_t comma = rest.find(',', at);
    std::string item = rest.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == "scan") averaging.combine_scan = true;
    else if (item == "state") averaging.combine_state = true;
    else if (!item.empty()) throw ConfigError("key 'combine': '" + item + "' must be scan or state");
    at = comma == std::string::npos ? comma : comma + 1;
  }
  return averaging;
}

bool timeBinsCrossSubMss(const std::string& vis, const TimeAveraging& averaging) {
  if (averaging.timebin_s <= 0 || !averaging.combine_scan || !isMultiMs(vis)) return false;
  const std::string axis = multiMsAxis(vis);
  return axis.empty() || axis.find("scan") != std::string::npos;  // no AxisType: taken as auto (scan,spw)
}

void averageInTime(const std::string& input, const std::string& output, const TimeAveraging& averaging) {
  try {
    if (casacore::Table(input).nrow() == 0) {  // nothing to average: the empty copy is the output
      std::filesystem::rename(input, output);
      return;
    }
    casacore::Table in(input);
    const std::vector<Rows> bins = timeBins(in, averaging);
    in.deepCopy(output, casacore::Table::New, false, casacore::Table::AipsrcEndian, true);
    copySubtables(in, output);
    casacore::Table out(output, casacore::Table::Update);
    out.addRow(bins.size());
    std::vector<std::string> arrays;
    for (const auto& name : out.tableDesc().columnNames()) {
      if (!in.isColumnStored(name)) continue;
      if (in.tableDesc().columnDesc(name).isScalar()) {
        if (name == "FLAG_ROW") continue;
        scalarColumn(in, out, name, bins);
      } else if (in.nrow() > 0 && casacore::TableColumn(in, name).isDefined(0)) {
        arrays.push_back(name);
      }
    }
    const auto dd = casacore::ScalarColumn<casacore::Int>(in, "DATA_DESC_ID").getColumn();
    for (std::size_t start = 0; start < bins.size();) {
      std::size_t end = start + 1;
      while (end < bins.size() && dd[bins[end].front()] == dd[bins[start].front()]) ++end;
      arrayColumns(in, out, std::vector<Rows>(bins.begin() + long(start), bins.begin() + long(end)), start, arrays);
      start = end;
    }
    casacore::ArrayColumn<bool> flags(out, "FLAG");
    casacore::Vector<casacore::Bool> row_flags(bins.size());
    for (std::size_t b = 0; b < bins.size(); ++b) row_flags[b] = casacore::allTrue(flags(b));
    casacore::ScalarColumn<casacore::Bool>(out, "FLAG_ROW").putColumn(row_flags);
    out.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("time averaging " + input + " failed: " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
