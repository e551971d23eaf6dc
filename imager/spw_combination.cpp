#include "spw_combination.h"

#include <casacore/casa/Arrays/ArrayLogical.h>
#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Arrays/Cube.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/RefRows.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "sub_ms_copy.h"

namespace ptclean::imager {
namespace {

/// Where each input channel of each spw goes in the combined spw.
struct CombinedAxis {
  std::vector<int> spw_of_dd;                ///< DATA_DESCRIPTION's SPECTRAL_WINDOW_ID
  int first_spw = 0;                         ///< the spw whose SPECTRAL_WINDOW row is kept
  std::map<int, std::vector<long>> slot;     ///< spw -> output channel of each of its channels
  casacore::Vector<double> freq, width, effective_bw, resolution;
};

CombinedAxis combinedAxis(const std::string& path) {
  casacore::MeasurementSet ms(path);
  casacore::MSSpWindowColumns spw(ms.spectralWindow());
  casacore::MSDataDescColumns dd(ms.dataDescription());
  casacore::MSPolarizationColumns pol(ms.polarization());
  struct Channel {
    double freq, width, bw, res;
    int spw;
    long chan;
  };
  std::vector<Channel> channels;
  CombinedAxis axis;
  // Only the spws that a data description uses (an unused SPECTRAL_WINDOW row adds nothing).
  std::set<int> used;
  for (casacore::rownr_t d = 0; d < dd.nrow(); ++d) {
    const int s = dd.spectralWindowId()(d);
    if (!used.insert(s).second)
      throw std::runtime_error("combinespws: spw " + std::to_string(s) + " has several data descriptions in " + path);
    axis.spw_of_dd.push_back(s);
    if (!casacore::allEQ(pol.corrType()(dd.polarizationId()(d)), pol.corrType()(dd.polarizationId()(0))))
      throw std::runtime_error("combinespws: the spws of " + path + " differ in their correlations");
  }
  if (used.empty()) throw std::runtime_error("combinespws: " + path + " has no data description");
  axis.first_spw = *used.begin();
  for (int s : used) {
    const casacore::Vector<double> f = spw.chanFreq()(s), w = spw.chanWidth()(s), b = spw.effectiveBW()(s), r = spw.resolution()(s);
    for (std::size_t c = 0; c < f.size(); ++c) channels.push_back({f[c], w[c], b[c], r[c], s, long(c)});
  }
  std::stable_sort(channels.begin(), channels.end(), [](const Channel& a, const Channel& b) { return a.freq < b.freq; });
  for (std::size_t i = 1; i < channels.size(); ++i)
    if (channels[i].freq - channels[i - 1].freq < 0.5 * (std::abs(channels[i].width) + std::abs(channels[i - 1].width)) * (1 - 1e-9))
      throw std::runtime_error("combinespws: spws " + std::to_string(channels[i - 1].spw) + " and " + std::to_string(channels[i].spw) +
                               " overlap in frequency; overlapping spws are not combined (regrid them first)");
  const std::size_t n = channels.size();
  axis.freq.resize(n);
  axis.width.resize(n);
  axis.effective_bw.resize(n);
  axis.resolution.resize(n);
  for (int s : used) axis.slot[s].assign(std::size_t(spw.numChan()(s)), 0);
  for (std::size_t i = 0; i < n; ++i) {
    axis.freq[i] = channels[i].freq;
    axis.width[i] = std::abs(channels[i].width);
    axis.effective_bw[i] = channels[i].bw;
    axis.resolution[i] = channels[i].res;
    axis.slot[channels[i].spw][std::size_t(channels[i].chan)] = long(i);
  }
  return axis;
}

/// SPECTRAL_WINDOW and DATA_DESCRIPTION reduced to one row each (spw 0, data description 0, its
/// polarization the first's); in the other subtables the first spw's rows become spw 0's and
/// the other spws' rows go.
void combineSubtables(const std::string& path, const CombinedAxis& axis) {
  {
    casacore::MSSpectralWindow table(path + "/SPECTRAL_WINDOW", casacore::Table::Update);
    casacore::MSSpWindowColumns cols(table);
    const auto row = casacore::rownr_t(axis.first_spw);
    cols.chanFreq().put(row, axis.freq);
    cols.chanWidth().put(row, axis.width);
    cols.effectiveBW().put(row, axis.effective_bw);
    cols.resolution().put(row, axis.resolution);
    cols.numChan().put(row, int(axis.freq.size()));
    cols.totalBandwidth().put(row, casacore::sum(axis.width));
    cols.refFrequency().put(row, axis.freq[0]);
    std::vector<casacore::rownr_t> others;
    for (casacore::rownr_t r = 0; r < table.nrow(); ++r)
      if (r != row) others.push_back(r);
    if (!others.empty()) table.removeRow(casacore::Vector<casacore::rownr_t>(others));
  }
  {
    casacore::Table dd(path + "/DATA_DESCRIPTION", casacore::Table::Update);
    casacore::ScalarColumn<casacore::Int>(dd, "SPECTRAL_WINDOW_ID").put(0, 0);
    std::vector<casacore::rownr_t> others(dd.nrow() - 1);
    std::iota(others.begin(), others.end(), casacore::rownr_t(1));
    if (!others.empty()) dd.removeRow(casacore::Vector<casacore::rownr_t>(others));
  }
  casacore::Table main(path);
  const casacore::TableRecord& keywords = main.keywordSet();
  for (casacore::uInt k = 0; k < keywords.nfields(); ++k) {
    const std::string name = keywords.name(k);
    if (keywords.type(k) != casacore::TpTable || name == "SPECTRAL_WINDOW" || name == "DATA_DESCRIPTION") continue;
    casacore::Table sub(path + "/" + name, casacore::Table::Update);
    if (!sub.tableDesc().isColumn("SPECTRAL_WINDOW_ID")) continue;
    casacore::ScalarColumn<casacore::Int> column(sub, "SPECTRAL_WINDOW_ID");
    casacore::Vector<casacore::Int> ids = column.getColumn();
    std::vector<casacore::rownr_t> removed;
    for (std::size_t r = 0; r < ids.size(); ++r) {
      if (ids[r] == axis.first_spw) ids[r] = 0;
      else if (ids[r] >= 0) removed.push_back(r);
    }
    column.putColumn(ids);
    if (!removed.empty()) sub.removeRow(casacore::Vector<casacore::rownr_t>(removed));
  }
}

template <typename T>
void copyScalarsOfFirstRows(const casacore::Table& in, casacore::Table& out, const std::string& name,
                            const std::vector<casacore::rownr_t>& first) {
  const casacore::Vector<T> values = casacore::ScalarColumn<T>(in, name).getColumn();
  casacore::Vector<T> result(first.size());
  for (std::size_t g = 0; g < first.size(); ++g) result[g] = values[first[g]];
  casacore::ScalarColumn<T>(out, name).putColumn(result);
}

}  // namespace

void combineSpws(const std::string& input, const std::string& output) {
  try {
    const CombinedAxis axis = combinedAxis(input);
    casacore::Table in(input);
    auto ints = [&](const char* name) { return casacore::ScalarColumn<casacore::Int>(in, name).getColumn(); };
    const auto dd = ints("DATA_DESC_ID"), a1 = ints("ANTENNA1"), a2 = ints("ANTENNA2"), f1 = ints("FEED1"), f2 = ints("FEED2"),
               field = ints("FIELD_ID"), scan = ints("SCAN_NUMBER"), state = ints("STATE_ID"), array = ints("ARRAY_ID"),
               obs = ints("OBSERVATION_ID");
    const auto time = casacore::ScalarColumn<casacore::Double>(in, "TIME").getColumn();
    // Rows of one baseline and time (one per spw), in time order.
    using Key = std::tuple<double, int, int, int, int, int, int, int, int, int>;
    std::map<Key, std::vector<casacore::rownr_t>> groups;
    for (std::size_t r = 0; r < time.size(); ++r)
      groups[Key{time[r], a1[r], a2[r], f1[r], f2[r], field[r], scan[r], state[r], array[r], obs[r]}].push_back(r);
    std::vector<casacore::rownr_t> first;
    for (const auto& [key, rows] : groups) first.push_back(*std::min_element(rows.begin(), rows.end()));

    in.deepCopy(output, casacore::Table::New, false, casacore::Table::AipsrcEndian, true);
    copySubtables(in, output);
    casacore::Table out(output, casacore::Table::Update);
    makeSpectralShapesVariable(out);
    out.addRow(groups.size());
    const long nchan = long(axis.freq.size());
    std::vector<std::string> arrays;
    for (const auto& name : out.tableDesc().columnNames()) {
      if (!in.isColumnStored(name)) continue;
      const casacore::ColumnDesc& desc = in.tableDesc().columnDesc(name);
      if (!desc.isScalar()) {
        if (in.nrow() > 0 && casacore::TableColumn(in, name).isDefined(0)) arrays.push_back(name);
        continue;
      }
      if (name == "DATA_DESC_ID") {
        casacore::ScalarColumn<casacore::Int>(out, name).putColumn(casacore::Vector<casacore::Int>(groups.size(), 0));
        continue;
      }
      switch (desc.dataType()) {
        case casacore::TpBool: copyScalarsOfFirstRows<casacore::Bool>(in, out, name, first); break;
        case casacore::TpInt: copyScalarsOfFirstRows<casacore::Int>(in, out, name, first); break;
        case casacore::TpFloat: copyScalarsOfFirstRows<casacore::Float>(in, out, name, first); break;
        case casacore::TpDouble: copyScalarsOfFirstRows<casacore::Double>(in, out, name, first); break;
        case casacore::TpString: copyScalarsOfFirstRows<casacore::String>(in, out, name, first); break;
        default: throw std::runtime_error("combinespws: column " + name + " has a type it cannot carry");
      }
    }
    const long ncorr = casacore::ArrayColumn<casacore::Bool>(in, "FLAG").shape(0)[0];
    const std::size_t ngroups = groups.size();
    std::vector<long> group_of(in.nrow(), 0);
    {
      long g = 0;
      for (const auto& [key, rows] : groups) {
        for (auto r : rows) group_of[r] = g;
        ++g;
      }
    }
    std::map<int, std::vector<casacore::rownr_t>> rows_of_dd;
    for (std::size_t r = 0; r < dd.size(); ++r) rows_of_dd[dd[r]].push_back(r);
    // Each spectral column read in bulk per data description, its channels put in their slots.
    auto spread = [&](const std::string& name, auto fill) {
      using T = decltype(fill);
      casacore::Cube<T> cells(ncorr, nchan, long(ngroups), fill);
      for (const auto& [d, rows] : rows_of_dd) {
        const casacore::Cube<T> part = casacore::ArrayColumn<T>(in, name).getColumnCells(casacore::RefRows(casacore::Vector<casacore::rownr_t>(rows)));
        const auto& slot = axis.slot.at(axis.spw_of_dd.at(std::size_t(d)));
        if (part.shape()[1] != long(slot.size()))
          throw std::runtime_error("combinespws: " + name + " of data description " + std::to_string(d) +
                                   " does not have its spw's channels");
        for (std::size_t i = 0; i < rows.size(); ++i)
          for (std::size_t c = 0; c < slot.size(); ++c)
            for (long p = 0; p < ncorr; ++p) cells(p, slot[c], group_of[rows[i]]) = part(p, long(c), long(i));
      }
      casacore::ArrayColumn<T>(out, name).putColumn(cells);
      return cells;
    };
    for (const auto& name : arrays) {
      if (name == "FLAG") {
        const casacore::Cube<casacore::Bool> cells = spread(name, casacore::Bool(true));
        casacore::Vector<casacore::Bool> row_flags(ngroups);
        for (std::size_t i = 0; i < ngroups; ++i) row_flags[i] = casacore::allTrue(cells.xyPlane(i));
        casacore::ScalarColumn<casacore::Bool>(out, "FLAG_ROW").putColumn(row_flags);
      } else if (name == "FLOAT_DATA" || name == "WEIGHT_SPECTRUM" || name == "SIGMA_SPECTRUM") {
        spread(name, 0.0f);
      } else if (name == "DATA" || name == "CORRECTED_DATA" || name == "MODEL_DATA") {
        spread(name, casacore::Complex(0.0f));
      } else if (name == "WEIGHT" || name == "SIGMA") {
        const casacore::Matrix<float> all = casacore::ArrayColumn<float>(in, name).getColumn();
        casacore::Matrix<float> cells(ncorr, long(ngroups), 0.0f);
        long g = 0;
        for (const auto& [key, rows] : groups) {
          for (auto r : rows)
            for (long p = 0; p < ncorr; ++p) cells(p, g) += all(p, long(r)) / float(rows.size());
          ++g;
        }
        casacore::ArrayColumn<float>(out, name).putColumn(cells);
      } else if (name == "UVW") {
        const casacore::Matrix<double> all = casacore::ArrayColumn<double>(in, name).getColumn();
        casacore::Matrix<double> cells(3, long(ngroups));
        for (std::size_t i = 0; i < ngroups; ++i) cells.column(long(i)) = all.column(long(first[i]));
        casacore::ArrayColumn<double>(out, name).putColumn(cells);
      } else {
        throw std::runtime_error("combinespws: array column " + name + " cannot be combined");
      }
    }
    out.flush();
    combineSubtables(output, axis);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("combinespws on " + input + " failed: " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
