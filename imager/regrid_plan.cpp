// mstransform's and cvel2's output grids (mstransform_task.h): fixed once from the whole input,
// in the output frame at the first selected time, so that every Sub-MS gets the same channels.
#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/measures/Measures/MFrequency.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <cmath>

#include "channel_average.h"
#include "channel_regrid.h"
#include "ms_selection.h"
#include "mstransform_task.h"

namespace ptclean::imager {
namespace {

constexpr double kLightSpeed = 299792458.0;

double quantityIn(const std::string& text, const std::string& unit, const std::string& key) {
  casacore::Quantity q;
  if (!casacore::Quantity::read(q, text) || !q.isConform(unit))
    throw ConfigError("key '" + key + "': '" + text + "' is not a quantity in " + unit + " units");
  return q.getValue(unit);
}

long channelsIn(const std::string& text, const std::string& key) {
  try {
    std::size_t used = 0;
    const long value = std::stol(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError("key '" + key + "': '" + text + "' must be a channel number with mode='channel'");
}

/// The output grid of one spw whose channels are `freq` and `width` in the output frame.
OutputGrid gridOf(const std::vector<double>& freq, const std::vector<double>& width, const RegridSettings& r) {
  OutputGrid grid;
  const long n = long(freq.size());
  const double lo = *std::min_element(freq.begin(), freq.end()), hi = *std::max_element(freq.begin(), freq.end());
  const double slack = 1e-6 * std::abs(width[0]);
  if (r.mode == "channel") {
    const long first = r.start.empty() ? 0 : channelsIn(r.start, "start");
    const long step = r.width.empty() ? 1 : channelsIn(r.width, "width");
    if (first < 0 || first >= n || step < 1) throw ConfigError("key 'start'/'width': channels outside the input's " + std::to_string(n));
    const long count = r.nchan > 0 ? r.nchan : (n - first) / step;
    if (count < 1 || first + count * step > n)
      throw ConfigError("key 'nchan': " + std::to_string(count) + " channels of " + std::to_string(step) + " from channel " +
                        std::to_string(first) + " go beyond the input's " + std::to_string(n));
    for (long j = 0; j < count; ++j) {
      double f = 0.0, w = 0.0;
      for (long c = first + j * step; c < first + (j + 1) * step; ++c) {
        f += freq[std::size_t(c)] / double(step);
        w += width[std::size_t(c)];
      }
      grid.freq.push_back(f);
      grid.width.push_back(w);
    }
    return grid;
  }
  auto inside = [&](double f) { return f >= lo - slack && f <= hi + slack; };
  if (r.mode == "frequency") {
    const double f0 = r.start.empty() ? freq[0] : quantityIn(r.start, "Hz", "start");
    const double df = r.width.empty() ? width[0] : quantityIn(r.width, "Hz", "width");
    if (df == 0.0) throw ConfigError("key 'width' must not be 0");
    for (long j = 0; r.nchan > 0 ? j < r.nchan : inside(f0 + double(j) * df); ++j) {
      grid.freq.push_back(f0 + double(j) * df);
      grid.width.push_back(df);
    }
  } else {
    const double rest = quantityIn(r.restfreq, "Hz", "restfreq");
    const bool radio = r.veltype == "radio";
    auto freqOf = [&](double v) { return radio ? rest * (1.0 - v / kLightSpeed) : rest / (1.0 + v / kLightSpeed); };
    auto velocityOf = [&](double f) { return radio ? kLightSpeed * (1.0 - f / rest) : kLightSpeed * (rest / f - 1.0); };
    const double v0 = r.start.empty() ? velocityOf(freq[0]) : quantityIn(r.start, "m/s", "start");
    const double dv = r.width.empty() ? velocityOf(freq[0] + width[0]) - velocityOf(freq[0]) : quantityIn(r.width, "m/s", "width");
    if (dv == 0.0) throw ConfigError("key 'width' must not be 0");
    for (long j = 0; r.nchan > 0 ? j < r.nchan : inside(freqOf(v0 + double(j) * dv)); ++j) {
      const double v = v0 + double(j) * dv;
      grid.freq.push_back(freqOf(v));
      grid.width.push_back(freqOf(v + dv / 2) - freqOf(v - dv / 2));
    }
  }
  if (grid.freq.empty()) throw ConfigError("key 'start': the output grid starts outside the input's channels");
  return grid;
}

}  // namespace

TransformFactory mstransformTransform(const std::string& vis, const MstransformSettings& settings) {
  const std::string& spw = settings.transform.selection.spw;
  const TransformFactory averaging = channelAveraging({settings.chanbin}, spw);
  if (!settings.regrid.enabled) return averaging;
  const RegridSettings& r = settings.regrid;
  std::map<int, OutputGrid> grids;
  std::map<int, std::vector<double>> topo;
  double ra = 0.0, dec = 0.0;
  std::string outframe = r.outframe;
  try {
    casacore::MeasurementSet ms(vis);
    const SelectedRows selected = selectRows(ms, settings.transform.selection, vis, false);
    const auto times = casacore::ScalarColumn<casacore::Double>(selected.table, "TIME").getColumn();
    const double first_time = *std::min_element(times.begin(), times.end());
    const int field = casacore::ScalarColumn<casacore::Int>(selected.table, "FIELD_ID")(0);
    const casacore::Matrix<double> direction = casacore::MSFieldColumns(ms.field()).phaseDir()(std::size_t(field));
    ra = direction(0, 0);
    dec = direction(1, 0);
    casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
    const std::vector<int> spws = selectedSpwIds(ms, spw);
    const auto channels = spw.empty() ? std::map<int, std::vector<int>>{} : selectedChannels(ms, spw, "spw");
    for (int id : spws) {
      const std::string frame = casacore::MFrequency::showType(casacore::MFrequency::castType(spw_cols.measFreqRef()(id)));
      if (outframe.empty()) outframe = frame;
      if (frame != "TOPO" && frame != outframe)
        throw ConfigError("key 'outframe': spw " + std::to_string(id) + " is in " + frame +
                          "; regridding converts from TOPO (or keeps the input's frame)");
    }
    const FrameConversion conversion(vis, ra, dec, outframe);
    const double factor = conversion.factor(first_time);
    for (std::size_t i = 0; i < spws.size(); ++i) {
      const casacore::Vector<double> f = spw_cols.chanFreq()(spws[i]), w = spw_cols.chanWidth()(spws[i]);
      std::vector<int> kept;
      if (auto found = channels.find(spws[i]); found != channels.end()) kept = found->second;
      else for (int c = 0; c < int(f.size()); ++c) kept.push_back(c);
      std::vector<double> freq, width, in_topo;
      for (int c : kept) {
        in_topo.push_back(f[c]);
        freq.push_back(f[c] * factor);
        width.push_back(w[c] * factor);
      }
      topo[spws[i]] = in_topo;
      grids[spws[i]] = gridOf(freq, width, r);
    }
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("regridding " + vis + ": " + std::string(error.getMesg()));
  }
  return [=](const casacore::MeasurementSet& part) -> std::shared_ptr<SpectralTransform> {
    auto regrid = std::make_shared<ChannelRegrid>(FrameConversion(part.tableName(), ra, dec, outframe), grids, topo,
                                                  r.interpolation);
    if (!averaging) return regrid;
    return std::make_shared<ChainedTransform>(regrid, averaging(part));
  };
}

void setOutputFrame(const std::string& path, const std::string& outframe) {
  if (outframe.empty()) return;
  casacore::MFrequency::Types type;
  if (!casacore::MFrequency::getType(type, outframe)) throw ConfigError("key 'outframe': unknown frame '" + outframe + "'");
  try {
    casacore::MSSpectralWindow table(path + "/SPECTRAL_WINDOW", casacore::Table::Update);
    casacore::MSSpWindowColumns cols(table);
    for (casacore::rownr_t r = 0; r < table.nrow(); ++r) {
      cols.measFreqRef().put(r, int(type));
      cols.refFrequency().put(r, cols.chanFreq()(r)(casacore::IPosition(1, 0)));
    }
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot set the frame of " + path + ": " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
