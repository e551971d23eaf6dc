#include "applycal_task.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>

#include "flag_agents.h"
#include "ms_model_writer.h"
#include "ms_selection.h"

namespace ptclean::imager {
namespace {

using casacore::IPosition;
using casacore::Slicer;
using Complex = std::complex<float>;
constexpr std::size_t kChunkRows = 4096;

std::vector<DataField> dataFields(const casacore::MeasurementSet& ms) {
  casacore::MSFieldColumns cols(ms.field());
  std::vector<DataField> fields(ms.field().nrow());
  for (casacore::rownr_t f = 0; f < ms.field().nrow(); ++f) {
    const casacore::Matrix<double> dir = cols.phaseDir()(f);
    fields[f] = {cols.name()(f), dir(0, 0), dir(1, 0)};
  }
  return fields;
}

/// What one data description needs: its spw, channel frequencies, each correlation's receptors,
/// and the selected channels.
struct Description {
  int spw = 0;
  std::vector<double> freq_hz;
  std::vector<std::pair<int, int>> receptors;  ///< per correlation: (ant1's, ant2's)
  std::vector<char> selected;                  ///< per channel
};

Description describe(const casacore::MeasurementSet& ms, int dd, const std::map<int, std::vector<int>>& channels) {
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  Description d;
  d.spw = dd_cols.spectralWindowId()(dd);
  d.freq_hz = spw_cols.chanFreq()(d.spw).tovector();
  const casacore::Matrix<int> products = pol_cols.corrProduct()(dd_cols.polarizationId()(dd));
  for (std::size_t c = 0; c < products.ncolumn(); ++c) d.receptors.emplace_back(products(0, c), products(1, c));
  const auto chosen = channels.find(d.spw);
  d.selected.assign(d.freq_hz.size(), chosen == channels.end() ? 1 : 0);
  if (chosen != channels.end())
    for (int ch : chosen->second)
      if (ch >= 0 && std::size_t(ch) < d.selected.size()) d.selected[std::size_t(ch)] = 1;
  return d;
}

/// Every table's Jones terms of one antenna, remembered within a chunk (rows share times).
class JonesCache {
 public:
  JonesCache(const std::vector<std::unique_ptr<JonesInterpolator>>& interpolators) : interpolators_(interpolators) {}
  const AntennaJones& get(std::size_t table, double time, int antenna, int field, const Description& d) {
    const auto key = std::make_tuple(table, time, antenna, field);
    auto found = cache_.find(key);
    if (found == cache_.end()) found = cache_.emplace(key, interpolators_[table]->at(time, antenna, d.spw, field, d.freq_hz)).first;
    return found->second;
  }
  void clear() { cache_.clear(); }

 private:
  const std::vector<std::unique_ptr<JonesInterpolator>>& interpolators_;
  std::map<std::tuple<std::size_t, double, int, int>, AntennaJones> cache_;
};

struct Counts {
  double samples = 0, newly_flagged = 0;
};

/// The weights of calibrated data, as CASA (4.2.2 on) derives them: from SIGMA (per sample from
/// SIGMA_SPECTRUM when the MS has it), which belongs to DATA, times |g_i g_j|^2; so applying
/// again gives the same weights, not the product of both runs.
struct CalibratedWeights {
  casacore::Array<float> weight, spectrum, sigma, sigma_spectrum;
  bool has_spectrum = false, has_sigma_spectrum = false;

  void read(casacore::Table& rows, std::size_t begin, const Slicer& slice) {
    weight = casacore::ArrayColumn<float>(rows, "WEIGHT").getColumnRange(slice);
    sigma = casacore::ArrayColumn<float>(rows, "SIGMA").getColumnRange(slice);
    has_spectrum = defined(rows, "WEIGHT_SPECTRUM", begin);
    has_sigma_spectrum = has_spectrum && defined(rows, "SIGMA_SPECTRUM", begin);
    if (has_spectrum) spectrum = casacore::ArrayColumn<float>(rows, "WEIGHT_SPECTRUM").getColumnRange(slice);
    if (has_sigma_spectrum) sigma_spectrum = casacore::ArrayColumn<float>(rows, "SIGMA_SPECTRUM").getColumnRange(slice);
  }
  void write(casacore::Table& rows, const Slicer& slice) const {
    casacore::ArrayColumn<float>(rows, "WEIGHT").putColumnRange(slice, weight);
    if (has_spectrum) casacore::ArrayColumn<float>(rows, "WEIGHT_SPECTRUM").putColumnRange(slice, spectrum);
  }
  static float inverseSquare(float sigma) { return sigma > 0.0f ? 1.0f / (sigma * sigma) : 0.0f; }
  /// Sample `at` (row r, correlation c) calibrated with weight factor `scale`.
  void setSample(std::size_t at, std::size_t r, std::size_t c, std::size_t ncorr, double scale) {
    if (!has_spectrum) return;
    const float sigma_weight = inverseSquare(has_sigma_spectrum ? sigma_spectrum.data()[at] : sigma.data()[r * ncorr + c]);
    spectrum.data()[at] = float(sigma_weight * scale);
  }
  /// Row r's WEIGHT: from SIGMA times the mean factor of its unflagged calibrated samples.
  void setRow(std::size_t r, std::size_t c, std::size_t ncorr, double mean_scale) {
    weight.data()[r * ncorr + c] = float(inverseSquare(sigma.data()[r * ncorr + c]) * mean_scale);
  }

 private:
  static bool defined(casacore::Table& rows, const char* column, std::size_t row) {
    return rows.tableDesc().isColumn(column) && casacore::ArrayColumn<float>(rows, column).isDefined(row);
  }
};

/// Rows [begin, end) of the selection, of one data description.
void applyToChunk(casacore::Table& rows, std::size_t begin, std::size_t end, const Description& d,
                  const ApplycalSettings& settings, JonesCache& cache, Counts& counts) {
  const Slicer slice(IPosition(1, long(begin)), IPosition(1, long(end - begin)));
  const auto times = casacore::ScalarColumn<double>(rows, "TIME").getColumnRange(slice);
  const auto ant1 = casacore::ScalarColumn<int>(rows, "ANTENNA1").getColumnRange(slice);
  const auto ant2 = casacore::ScalarColumn<int>(rows, "ANTENNA2").getColumnRange(slice);
  const auto fields = casacore::ScalarColumn<int>(rows, "FIELD_ID").getColumnRange(slice);
  casacore::ArrayColumn<bool> flag_col(rows, "FLAG");
  casacore::ScalarColumn<bool> flag_row_col(rows, "FLAG_ROW");
  const bool calibrate = settings.applymode != "flagonly", flag = settings.applymode != "calonly";
  bool any_calwt = false;
  for (const auto& t : settings.tables) any_calwt |= t.calwt;
  const bool weigh = any_calwt && calibrate;

  casacore::Array<Complex> data, corrected;
  if (calibrate) {
    data = casacore::ArrayColumn<Complex>(rows, "DATA").getColumnRange(slice);
    corrected = casacore::ArrayColumn<Complex>(rows, "CORRECTED_DATA").getColumnRange(slice);
  }
  casacore::Array<bool> flags = flag_col.getColumnRange(slice);
  casacore::Vector<bool> flag_rows = flag_row_col.getColumnRange(slice);
  CalibratedWeights weights;
  if (weigh) weights.read(rows, begin, slice);
  const std::size_t ncorr = d.receptors.size(), nchan = d.freq_hz.size();
  std::vector<double> scale_sum(ncorr), scale_count(ncorr);
  std::vector<const AntennaJones*> j1, j2;
  for (std::size_t r = 0; r < end - begin; ++r) {
    std::fill(scale_sum.begin(), scale_sum.end(), 0.0);
    std::fill(scale_count.begin(), scale_count.end(), 0.0);
    j1.clear();
    j2.clear();
    for (std::size_t t = 0; t < settings.tables.size(); ++t) {
      j1.push_back(&cache.get(t, times[r], ant1[r], fields[r], d));
      j2.push_back(&cache.get(t, times[r], ant2[r], fields[r], d));
    }
    bool all_flagged = true;
    for (std::size_t ch = 0; ch < nchan; ++ch) {
      for (std::size_t c = 0; c < ncorr; ++c) {
        const std::size_t at = (r * nchan + ch) * ncorr + c;
        if (!d.selected[ch]) {
          all_flagged &= flags.data()[at];
          continue;
        }
        Complex gain(1.0f);
        double scale = 1.0;
        bool bad = false;
        for (std::size_t t = 0; t < j1.size(); ++t) {
          const int n = j1[t]->receptors;
          const std::size_t p = ch * std::size_t(n) + std::size_t(std::min(d.receptors[c].first, n - 1));
          const std::size_t q = ch * std::size_t(n) + std::size_t(std::min(d.receptors[c].second, n - 1));
          const Complex g = j1[t]->gain[p] * std::conj(j2[t]->gain[q]);
          bad |= j1[t]->flag[p] || j2[t]->flag[q] || std::norm(g) == 0.0f;
          gain *= g;
          if (settings.tables[t].calwt) scale *= double(std::norm(g));
        }
        counts.samples += 1;
        if (calibrate) corrected.data()[at] = bad ? data.data()[at] : data.data()[at] / gain;
        if (bad && flag && !flags.data()[at]) {
          flags.data()[at] = true;
          counts.newly_flagged += 1;
        }
        if (weigh && !bad) {
          weights.setSample(at, r, c, ncorr, scale);
          if (!flags.data()[at]) scale_sum[c] += scale, scale_count[c] += 1;
        }
        all_flagged &= flags.data()[at];
      }
    }
    if (weigh)
      for (std::size_t c = 0; c < ncorr; ++c)
        if (scale_count[c] > 0) weights.setRow(r, c, ncorr, scale_sum[c] / scale_count[c]);
    if (flag && all_flagged) flag_rows[r] = true;
  }
  if (calibrate) casacore::ArrayColumn<Complex>(rows, "CORRECTED_DATA").putColumnRange(slice, corrected);
  if (flag) {
    flag_col.putColumnRange(slice, flags);
    flag_row_col.putColumnRange(slice, flag_rows);
  }
  if (weigh) weights.write(rows, slice);
}

std::vector<std::unique_ptr<JonesInterpolator>> interpolatorsFor(const ApplycalSettings& settings,
                                                                 const std::vector<DataField>& fields) {
  std::vector<std::unique_ptr<JonesInterpolator>> out;
  for (const auto& table : settings.tables) out.push_back(std::make_unique<JonesInterpolator>(table, fields));
  return out;
}

}  // namespace

void checkApplycal(const std::string& ms_path, const ApplycalSettings& settings) {
  checkFlaggable(ms_path);
  try {
    const casacore::MeasurementSet ms(ms_path);
    const auto interpolators = interpolatorsFor(settings, dataFields(ms));
    const SelectedRows selected = selectRows(ms, settings.selection, ms_path, true);
    casacore::MSDataDescColumns dd_cols(ms.dataDescription());
    const auto dds = casacore::ScalarColumn<int>(selected.table, "DATA_DESC_ID").getColumn();
    std::set<int> spws;
    for (int dd : dds) spws.insert(dd_cols.spectralWindowId()(dd));
    for (const auto& interpolator : interpolators)
      for (int spw : spws) interpolator->calSpw(spw);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("applycal: '" + ms_path + "' cannot be read: " + std::string(error.getMesg()));
  }
}

std::string applyCalibration(const std::string& ms_path, const ApplycalSettings& settings) {
  if (settings.applymode != "flagonly") addVisibilityColumn(ms_path, "CORRECTED_DATA", true, "applycal");
  Counts counts;
  try {
    casacore::MeasurementSet ms(ms_path, casacore::Table::Update);
    const auto interpolators = interpolatorsFor(settings, dataFields(ms));
    SelectedRows selected = selectRows(ms, settings.selection, ms_path, true);
    const auto dds = casacore::ScalarColumn<int>(selected.table, "DATA_DESC_ID").getColumn();
    std::map<int, Description> descriptions;
    JonesCache cache(interpolators);
    for (std::size_t start = 0; start < dds.size();) {
      std::size_t end = start + 1;
      while (end < dds.size() && end - start < kChunkRows && dds[end] == dds[start]) ++end;
      auto found = descriptions.find(dds[start]);
      if (found == descriptions.end()) found = descriptions.emplace(dds[start], describe(ms, dds[start], selected.channels)).first;
      applyToChunk(selected.table, start, end, found->second, settings, cache, counts);
      cache.clear();
      start = end;
    }
    ms.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("applycal: '" + ms_path + "' failed: " + std::string(error.getMesg()));
  }
  nlohmann::json result = {{"ms", ms_path}, {"samples", counts.samples}, {"newly_flagged", counts.newly_flagged}};
  return result.dump();
}

}  // namespace ptclean::imager
