#include "ms_skeleton.h"

#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/measures/Measures/MFrequency.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSAntennaColumns.h>
#include <casacore/ms/MeasurementSets/MSDataDescColumns.h>
#include <casacore/ms/MeasurementSets/MSFeedColumns.h>
#include <casacore/ms/MeasurementSets/MSFieldColumns.h>
#include <casacore/ms/MeasurementSets/MSObsColumns.h>
#include <casacore/ms/MeasurementSets/MSPolColumns.h>
#include <casacore/ms/MeasurementSets/MSProcessorColumns.h>
#include <casacore/ms/MeasurementSets/MSSourceColumns.h>
#include <casacore/ms/MeasurementSets/MSSpWindowColumns.h>
#include <casacore/ms/MeasurementSets/MSStateColumns.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/DataMan/TiledColumnStMan.h>
#include <casacore/tables/Tables/SetupNewTab.h>

#include <algorithm>
#include <cmath>

namespace ptclean::imager {
namespace {

// Files that include casacore are compiled as C++17 (see CMakeLists.txt), so no <numbers>.
constexpr double kPi = 3.14159265358979323846;

using casacore::IPosition;
using casacore::MS;

// Tiles of ~256 kB of complex data: whole rows of up to 64 channels, so a reader of row ranges
// (the imager) touches each tile once, and a writer of row blocks fills tiles completely.
IPosition tileShape(std::size_t ncorr, std::size_t nchan) {
  const std::size_t tile_chan = std::min<std::size_t>(nchan, 64);
  const std::size_t tile_rows = std::max<std::size_t>(16, 32768 / (ncorr * tile_chan));
  return IPosition(3, static_cast<ssize_t>(ncorr), static_cast<ssize_t>(tile_chan),
                   static_cast<ssize_t>(tile_rows));
}

std::string hypercolumnName(const std::string& column) { return "Tiled_" + column; }

void fillAntennas(MS& ms, const MsSkeleton& sk) {
  casacore::MSAntennaColumns cols(ms.antenna());
  ms.antenna().addRow(sk.antennas.size());
  for (std::size_t i = 0; i < sk.antennas.size(); ++i) {
    const auto& a = sk.antennas[i];
    cols.name().put(i, a.name);
    cols.station().put(i, a.station);
    cols.type().put(i, "GROUND-BASED");
    cols.mount().put(i, a.mount);
    casacore::Vector<double> pos(3);
    for (int k = 0; k < 3; ++k) pos[k] = sk.antenna_itrf[i][k];
    cols.position().put(i, pos);
    cols.offset().put(i, casacore::Vector<double>(3, 0.0));
    cols.dishDiameter().put(i, a.dish_diameter_m);
    cols.flagRow().put(i, false);
  }
}

void fillSpectralWindows(MS& ms, const MsSkeleton& sk) {
  casacore::MSSpWindowColumns cols(ms.spectralWindow());
  casacore::MSDataDescColumns dd(ms.dataDescription());
  const double width = std::abs(sk.chanwidth_hz);
  for (std::size_t s = 0; s < sk.chan_freqs_hz.size(); ++s) {
    const auto& f = sk.chan_freqs_hz[s];
    ms.spectralWindow().addRow();
    cols.numChan().put(s, static_cast<int>(f.size()));
    cols.name().put(s, "spw" + std::to_string(s));
    cols.refFrequency().put(s, f.front());
    cols.chanFreq().put(s, casacore::Vector<double>(f));
    // CASA's convention: CHAN_WIDTH carries the sign of the frequency step, the bandwidths not.
    cols.chanWidth().put(s, casacore::Vector<double>(f.size(), sk.chanwidth_hz));
    cols.effectiveBW().put(s, casacore::Vector<double>(f.size(), width));
    cols.resolution().put(s, casacore::Vector<double>(f.size(), width));
    cols.measFreqRef().put(s, casacore::MFrequency::TOPO);
    cols.totalBandwidth().put(s, width * static_cast<double>(f.size()));
    cols.netSideband().put(s, sk.chanwidth_hz < 0 ? -1 : 1);
    cols.ifConvChain().put(s, 0);
    cols.freqGroup().put(s, 0);
    cols.freqGroupName().put(s, "");
    cols.flagRow().put(s, false);
    ms.dataDescription().addRow();
    dd.spectralWindowId().put(s, static_cast<int>(s));
    dd.polarizationId().put(s, 0);
    dd.flagRow().put(s, false);
  }
}

void fillPolarization(MS& ms, const MsSkeleton& sk) {
  casacore::MSPolarizationColumns cols(ms.polarization());
  const std::size_t ncorr = sk.corr_types.size();
  casacore::Vector<int> types(ncorr);
  casacore::Matrix<int> products(2, ncorr);
  for (std::size_t c = 0; c < ncorr; ++c) {
    types[c] = sk.corr_types[c];
    // Receptor 0 is R or X, receptor 1 is L or Y; the Stokes code says which pair it is.
    const auto t = static_cast<casacore::Stokes::StokesTypes>(sk.corr_types[c]);
    products(0, c) = (t == casacore::Stokes::LR || t == casacore::Stokes::LL ||
                      t == casacore::Stokes::YX || t == casacore::Stokes::YY);
    products(1, c) = (t == casacore::Stokes::RL || t == casacore::Stokes::LL ||
                      t == casacore::Stokes::XY || t == casacore::Stokes::YY);
  }
  ms.polarization().addRow();
  cols.numCorr().put(0, static_cast<int>(ncorr));
  cols.corrType().put(0, types);
  cols.corrProduct().put(0, products);
  cols.flagRow().put(0, false);
}

void fillFeeds(MS& ms, const MsSkeleton& sk) {
  casacore::MSFeedColumns cols(ms.feed());
  casacore::Vector<casacore::String> pol_types(2);
  pol_types[0] = sk.linear_feeds ? "X" : "R";
  pol_types[1] = sk.linear_feeds ? "Y" : "L";
  casacore::Vector<double> angles(2, 0.0);
  if (sk.linear_feeds) angles[1] = kPi / 2;  // Y is 90 deg from X
  casacore::Matrix<casacore::Complex> response(2, 2, casacore::Complex(0, 0));
  response(0, 0) = response(1, 1) = casacore::Complex(1, 0);
  const double mid = 0.5 * (sk.start_mjd_s + sk.end_mjd_s);
  for (std::size_t i = 0; i < sk.antennas.size(); ++i) {
    ms.feed().addRow();
    cols.antennaId().put(i, static_cast<int>(i));
    cols.feedId().put(i, 0);
    cols.spectralWindowId().put(i, -1);  // valid for every spectral window
    cols.time().put(i, mid);
    cols.interval().put(i, sk.end_mjd_s - sk.start_mjd_s);
    cols.numReceptors().put(i, 2);
    cols.beamId().put(i, -1);
    cols.beamOffset().put(i, casacore::Matrix<double>(2, 2, 0.0));
    cols.polarizationType().put(i, pol_types);
    cols.polResponse().put(i, response);
    cols.position().put(i, casacore::Vector<double>(3, 0.0));
    cols.receptorAngle().put(i, angles);
  }
}

void fillFieldsAndSources(MS& ms, const MsSkeleton& sk) {
  // SOURCE is optional in the MS definition, so createDefaultSubtables leaves it out.
  casacore::SetupNewTable source_setup(
      ms.sourceTableName(), casacore::MSSource::requiredTableDesc(), casacore::Table::New);
  ms.rwKeywordSet().defineTable(MS::keywordName(MS::SOURCE), casacore::Table(source_setup));
  ms.initRefs();
  casacore::MSFieldColumns fields(ms.field());
  casacore::MSSourceColumns sources(ms.source());
  const double mid = 0.5 * (sk.start_mjd_s + sk.end_mjd_s);
  for (std::size_t i = 0; i < sk.fields.size(); ++i) {
    const std::string name = i < sk.field_names.size() ? sk.field_names[i] : "field" + std::to_string(i);
    casacore::Matrix<double> dir(2, 1);
    dir(0, 0) = sk.fields[i].ra;
    dir(1, 0) = sk.fields[i].dec;
    ms.field().addRow();
    fields.name().put(i, name);
    fields.code().put(i, "");
    fields.time().put(i, sk.start_mjd_s);
    fields.numPoly().put(i, 0);
    fields.delayDir().put(i, dir);
    fields.phaseDir().put(i, dir);
    fields.referenceDir().put(i, dir);
    fields.sourceId().put(i, static_cast<int>(i));
    fields.flagRow().put(i, false);
    ms.source().addRow();
    sources.sourceId().put(i, static_cast<int>(i));
    sources.time().put(i, mid);
    sources.interval().put(i, sk.end_mjd_s - sk.start_mjd_s);
    sources.spectralWindowId().put(i, -1);
    sources.numLines().put(i, 0);
    sources.name().put(i, name);
    sources.calibrationGroup().put(i, 0);
    sources.code().put(i, "");
    sources.direction().put(i, dir.column(0));
    sources.properMotion().put(i, casacore::Vector<double>(2, 0.0));
  }
}

void fillObservation(MS& ms, const MsSkeleton& sk) {
  casacore::MSObservationColumns obs(ms.observation());
  ms.observation().addRow();
  obs.telescopeName().put(0, sk.telescope);
  casacore::Vector<double> range(2);
  range[0] = sk.start_mjd_s;
  range[1] = sk.end_mjd_s;
  obs.timeRange().put(0, range);
  obs.observer().put(0, "ptclean simulate");
  obs.project().put(0, "simulation");
  obs.scheduleType().put(0, "");
  obs.schedule().put(0, casacore::Vector<casacore::String>(1, ""));
  obs.log().put(0, casacore::Vector<casacore::String>(1, ""));
  obs.releaseDate().put(0, sk.start_mjd_s);
  obs.flagRow().put(0, false);

  casacore::MSStateColumns state(ms.state());
  ms.state().addRow();
  state.sig().put(0, true);
  state.ref().put(0, false);
  state.cal().put(0, 0.0);
  state.load().put(0, 0.0);
  state.subScan().put(0, 0);
  state.obsMode().put(0, "OBSERVE_TARGET#ON_SOURCE");
  state.flagRow().put(0, false);

  casacore::MSProcessorColumns proc(ms.processor());
  ms.processor().addRow();
  proc.type().put(0, "CORRELATOR");
  proc.subType().put(0, "ptclean-simulate");
  proc.typeId().put(0, -1);
  proc.modeId().put(0, -1);
  proc.flagRow().put(0, false);
}

}  // namespace

std::vector<int> correlationTypes(int ncorr, bool linear) {
  using casacore::Stokes;
  if (linear) {
    if (ncorr == 1) return {Stokes::XX};
    if (ncorr == 2) return {Stokes::XX, Stokes::YY};
    return {Stokes::XX, Stokes::XY, Stokes::YX, Stokes::YY};
  }
  if (ncorr == 1) return {Stokes::RR};
  if (ncorr == 2) return {Stokes::RR, Stokes::LL};
  return {Stokes::RR, Stokes::RL, Stokes::LR, Stokes::LL};
}

casacore::MeasurementSet createMsSkeleton(const std::string& path, const MsSkeleton& sk,
                                          std::size_t nrows) {
  const std::size_t ncorr = sk.corr_types.size();
  const std::size_t nchan = sk.chan_freqs_hz.front().size();
  const IPosition cell(2, static_cast<ssize_t>(ncorr), static_cast<ssize_t>(nchan));

  casacore::TableDesc td = MS::requiredTableDesc();
  MS::addColumnToDesc(td, MS::DATA, 2);
  if (sk.weight_spectrum) MS::addColumnToDesc(td, MS::WEIGHT_SPECTRUM, 2);
  // Fixed shapes let the storage managers store cells directly instead of per-cell records.
  td.rwColumnDesc(MS::columnName(MS::DATA)).setShape(cell);
  td.rwColumnDesc(MS::columnName(MS::FLAG)).setShape(cell);
  if (sk.weight_spectrum) td.rwColumnDesc(MS::columnName(MS::WEIGHT_SPECTRUM)).setShape(cell);
  for (auto c : {MS::WEIGHT, MS::SIGMA}) {  // Direct: stored in the row's bucket, not a side file
    td.rwColumnDesc(MS::columnName(c)).setShape(IPosition(1, static_cast<ssize_t>(ncorr)));
    td.rwColumnDesc(MS::columnName(c))
        .setOptions(casacore::ColumnDesc::Direct | casacore::ColumnDesc::FixedShape);
  }

  std::vector<std::string> tiled{MS::columnName(MS::DATA), MS::columnName(MS::FLAG)};
  if (sk.weight_spectrum) tiled.push_back(MS::columnName(MS::WEIGHT_SPECTRUM));
  for (const auto& column : tiled) {
    td.defineHypercolumn(hypercolumnName(column), 3, casacore::Vector<casacore::String>(1, column));
  }

  casacore::SetupNewTable setup(path, td, casacore::Table::NewNoReplace);
  // Everything else in one StandardStMan. (The IncrementalStMan would store the columns that are
  // constant over a time step in less space, but writing 0.4 M rows through it took 100 s.)
  casacore::StandardStMan ssm("SSM", 1 << 20);
  setup.bindAll(ssm);
  for (const auto& column : tiled) {
    setup.bindColumn(column,
                     casacore::TiledColumnStMan(hypercolumnName(column), tileShape(ncorr, nchan)));
  }

  MS ms(setup, nrows);
  ms.createDefaultSubtables(casacore::Table::New);
  fillAntennas(ms, sk);
  fillSpectralWindows(ms, sk);
  fillPolarization(ms, sk);
  fillFeeds(ms, sk);
  fillFieldsAndSources(ms, sk);
  fillObservation(ms, sk);
  return ms;
}

}  // namespace ptclean::imager
