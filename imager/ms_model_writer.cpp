#include "ms_model_writer.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "phase_rotation.h"

namespace ptclean::imager {
namespace {

constexpr std::size_t kChunkRows = 4096;

using casacore::IPosition;
using casacore::Slicer;

casacore::MeasurementSet openForUpdate(const std::string& path, const std::string& task = "savemodel") {
  try {
    return casacore::MeasurementSet(path, casacore::TableLock(casacore::TableLock::AutoLocking), casacore::Table::Update);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error(task + ": cannot open '" + path + "' for writing: " + std::string(error.getMesg()));
  }
}

/// The cell shape (correlations x channels) of each data description.
std::map<int, IPosition> shapesByDescription(const casacore::MeasurementSet& ms) {
  casacore::MSDataDescColumns dd(ms.dataDescription());
  casacore::MSSpWindowColumns spw(ms.spectralWindow());
  casacore::MSPolarizationColumns pol(ms.polarization());
  std::map<int, IPosition> shapes;
  for (casacore::rownr_t d = 0; d < dd.nrow(); ++d)
    shapes[int(d)] = IPosition(2, pol.numCorr()(dd.polarizationId()(d)), spw.numChan()(dd.spectralWindowId()(d)));
  return shapes;
}

}  // namespace

bool prepareModelColumn(const std::string& path) { return addVisibilityColumn(path, "MODEL_DATA", false, "savemodel"); }

bool addVisibilityColumn(const std::string& path, const std::string& column, bool copy_data, const std::string& task) {
  casacore::MeasurementSet ms = openForUpdate(path, task);
  if (ms.tableDesc().isColumn(column)) return false;
  const auto shapes = shapesByDescription(ms);
  IPosition largest(2, 1, 1);
  for (const auto& [dd, shape] : shapes) largest = IPosition(2, std::max(largest[0], shape[0]), std::max(largest[1], shape[1]));
  try {
    ms.lock(casacore::FileLocker::Write);
    casacore::ArrayColumnDesc<casacore::Complex> desc(column, "visibilities written by ptclean " + task, 2);
    const std::size_t rows_per_tile = std::max<std::size_t>(1, 65536 / std::size_t(largest[0] * largest[1]));
    casacore::TiledShapeStMan storage("Tiled" + column, IPosition(3, largest[0], largest[1], long(rows_per_tile)));
    ms.addColumn(desc, storage);
    casacore::ArrayColumn<casacore::Complex> added(ms, column);
    casacore::ArrayColumn<casacore::Complex> data(ms, "DATA");
    casacore::ScalarColumn<casacore::Int> dd_column(ms, "DATA_DESC_ID");
    // Filled in bulk: runs of rows with one shape.
    const auto dds = dd_column.getColumn();
    std::size_t start = 0;
    casacore::Array<casacore::Complex> cells;
    while (start < dds.size()) {
      std::size_t end = start + 1;
      while (end < dds.size() && end - start < kChunkRows && dds[end] == dds[start]) ++end;
      const Slicer rows(IPosition(1, long(start)), IPosition(1, long(end - start)));
      if (copy_data) {
        data.getColumnRange(rows, cells, true);
      } else {
        const IPosition cell = shapes.at(dds[start]);
        cells.resize(IPosition(3, cell[0], cell[1], long(end - start)));
        cells = casacore::Complex(0.0f);
      }
      added.putColumnRange(rows, cells);
      start = end;
    }
    ms.flush();
    ms.unlock();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error(task + ": cannot add " + column + " to '" + path + "': " + std::string(error.getMesg()));
  }
  return true;
}

void writeModelColumn(const std::string& path, const std::vector<const SpwBlock*>& blocks,
                      const std::vector<const std::vector<std::complex<float>>*>& model_vis) {
  casacore::MeasurementSet ms = openForUpdate(path);
  if (!ms.tableDesc().isColumn("MODEL_DATA")) throw std::runtime_error("savemodel: '" + path + "' has no MODEL_DATA");
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  try {
    ms.lock(casacore::FileLocker::Write);
    casacore::ArrayColumn<casacore::Complex> model(ms, "MODEL_DATA");
    casacore::Array<casacore::Complex> cells;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      const SpwBlock& block = *blocks[b];
      const auto& values = *model_vis[b];
      const std::size_t nsel = block.channels.size();
      const casacore::Vector<casacore::Int> types(pol_cols.corrType()(dd_cols.polarizationId()(block.data_desc)));
      std::vector<bool> parallel(types.size());
      for (std::size_t c = 0; c < types.size(); ++c) {
        const int t = types[c];
        parallel[c] = t == casacore::Stokes::RR || t == casacore::Stokes::LL || t == casacore::Stokes::XX ||
                      t == casacore::Stokes::YY || t == casacore::Stokes::I;
      }
      // Runs of consecutive MS rows, read, changed at the selected channels, and written back.
      std::size_t first = 0;
      while (first < block.rows()) {
        std::size_t last = first + 1;
        while (last < block.rows() && last - first < kChunkRows && block.ms_row[last] == block.ms_row[last - 1] + 1) ++last;
        const Slicer rows(IPosition(1, long(block.ms_row[first])), IPosition(1, long(last - first)));
        model.getColumnRange(rows, cells, true);
        const std::size_t ncorr = cells.shape()[0], nchan = cells.shape()[1];
        casacore::Complex* out = cells.data();
        for (std::size_t r = first; r < last; ++r) {
          casacore::Complex* row = out + (r - first) * ncorr * nchan;
          for (std::size_t k = 0; k < nsel; ++k) {
            std::complex<float> v = values[r * nsel + k];
            const double dw = block.rotation_w_m[r];
            if (dw != 0.0)
              v *= std::conj(rephasingFactor(dw, block.freq_hz[k]));
            casacore::Complex* cell = row + std::size_t(block.channels[k]) * ncorr;
            for (std::size_t c = 0; c < ncorr; ++c) cell[c] = parallel[c] ? v : casacore::Complex(0.0f);
          }
        }
        model.putColumnRange(rows, cells);
        first = last;
      }
    }
    ms.flush();
    ms.unlock();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("savemodel: writing MODEL_DATA of '" + path + "' failed: " + std::string(error.getMesg()));
  }
}

}  // namespace ptclean::imager
