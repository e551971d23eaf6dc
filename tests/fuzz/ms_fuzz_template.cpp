#include "ms_fuzz_template.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/DataMan/StandardStMan.h>
#include <casacore/tables/Tables/SetupNewTab.h>

namespace ptclean::fuzz {
namespace {

using casacore::IPosition;

constexpr int kAntennas = 3;
constexpr int kTimes = 2;
const int kChannels[] = {4, 2};
const std::vector<std::vector<int>> kCorrelations = {
    {casacore::Stokes::RR, casacore::Stokes::LL},
    {casacore::Stokes::RR, casacore::Stokes::RL, casacore::Stokes::LR, casacore::Stokes::LL}};

void fillSubtables(casacore::MeasurementSet& ms) {
  casacore::MSColumns cols(ms);
  ms.antenna().addRow(kAntennas);
  for (int a = 0; a < kAntennas; ++a) {
    cols.antenna().name().put(a, "A" + std::to_string(a));
    cols.antenna().station().put(a, "S" + std::to_string(a));
    cols.antenna().type().put(a, "GROUND-BASED");
    cols.antenna().mount().put(a, "ALT-AZ");
    cols.antenna().dishDiameter().put(a, 25.0);
    cols.antenna().position().put(a, casacore::Vector<double>{-1601185.0 + 100.0 * a, -5041977.0, 3554875.0});
    cols.antenna().offset().put(a, casacore::Vector<double>(3, 0.0));
  }
  ms.field().addRow();
  const casacore::Matrix<double> direction(IPosition(2, 2, 1), 0.5);
  cols.field().name().put(0, "src");
  cols.field().code().put(0, "T");
  cols.field().numPoly().put(0, 0);
  cols.field().phaseDir().put(0, direction);
  cols.field().delayDir().put(0, direction);
  cols.field().referenceDir().put(0, direction);
  for (int s = 0; s < 2; ++s) {
    ms.spectralWindow().addRow();
    casacore::Vector<double> freqs(kChannels[s]), widths(kChannels[s], 1e6);
    for (int c = 0; c < kChannels[s]; ++c) freqs[c] = 1.4e9 + 1e8 * s + 1e6 * c;
    cols.spectralWindow().numChan().put(s, kChannels[s]);
    cols.spectralWindow().name().put(s, "spw" + std::to_string(s));
    cols.spectralWindow().chanFreq().put(s, freqs);
    cols.spectralWindow().chanWidth().put(s, widths);
    cols.spectralWindow().effectiveBW().put(s, widths);
    cols.spectralWindow().resolution().put(s, widths);
    cols.spectralWindow().refFrequency().put(s, freqs[0]);
    cols.spectralWindow().totalBandwidth().put(s, 1e6 * kChannels[s]);
    cols.spectralWindow().measFreqRef().put(s, casacore::MFrequency::TOPO);
  }
  for (std::size_t p = 0; p < kCorrelations.size(); ++p) {
    ms.polarization().addRow();
    const int ncorr = int(kCorrelations[p].size());
    casacore::Matrix<int> products(2, ncorr, 0);
    cols.polarization().numCorr().put(p, ncorr);
    cols.polarization().corrType().put(p, casacore::Vector<int>(kCorrelations[p]));
    cols.polarization().corrProduct().put(p, products);
  }
  for (int d = 0; d < 2; ++d) {
    ms.dataDescription().addRow();
    cols.dataDescription().spectralWindowId().put(d, d);
    cols.dataDescription().polarizationId().put(d, d);
  }
  ms.observation().addRow();
  cols.observation().telescopeName().put(0, "VLA");
  cols.observation().timeRange().put(0, casacore::Vector<double>{5e9, 5e9 + 10.0 * kTimes});
}

void fillMainRows(casacore::MeasurementSet& ms) {
  casacore::MSMainColumns cols(ms);
  casacore::ArrayColumn<casacore::Complex> corrected(ms, "CORRECTED_DATA");
  casacore::rownr_t row = 0;
  for (int t = 0; t < kTimes; ++t)
    for (int d = 0; d < 2; ++d)
      for (int a1 = 0; a1 < kAntennas; ++a1)
        for (int a2 = a1 + 1; a2 < kAntennas; ++a2, ++row) {
          ms.addRow();
          const IPosition shape(2, int(kCorrelations[d].size()), kChannels[d]);
          const IPosition corr_shape(1, shape[0]);
          cols.time().put(row, 5e9 + 10.0 * t);
          cols.dataDescId().put(row, d);
          cols.antenna1().put(row, a1);
          cols.antenna2().put(row, a2);
          cols.stateId().put(row, -1);
          cols.uvw().put(row, casacore::Vector<double>{100.0 * (a2 - a1), 50.0 * a1 + t, 1.0});
          cols.data().put(row, casacore::Array<casacore::Complex>(shape, casacore::Complex(1.0f, 0.5f)));
          corrected.put(row, casacore::Array<casacore::Complex>(shape, casacore::Complex(2.0f, 0.0f)));
          cols.flag().put(row, casacore::Array<bool>(shape, false));
          cols.weightSpectrum().put(row, casacore::Array<float>(shape, 1.0f));
          cols.weight().put(row, casacore::Array<float>(corr_shape, 1.0f));
          cols.sigma().put(row, casacore::Array<float>(corr_shape, 1.0f));
        }
}

}  // namespace

void writeTemplateMs(const std::string& path) {
  using MS = casacore::MeasurementSet;
  casacore::TableDesc desc = MS::requiredTableDesc();
  MS::addColumnToDesc(desc, MS::DATA, 2);
  MS::addColumnToDesc(desc, MS::CORRECTED_DATA, 2);
  MS::addColumnToDesc(desc, MS::WEIGHT_SPECTRUM, 2);
  casacore::SetupNewTable setup(path, desc, casacore::Table::New);
  casacore::StandardStMan storage;
  setup.bindAll(storage);
  MS ms(setup);
  ms.createDefaultSubtables(casacore::Table::New);
  fillSubtables(ms);
  fillMainRows(ms);
}

}  // namespace ptclean::fuzz
