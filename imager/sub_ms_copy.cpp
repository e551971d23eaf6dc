#include "sub_ms_copy.h"

#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/tables/DataMan/TiledShapeStMan.h>
#include <casacore/tables/Tables/ArrColDesc.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ColumnDesc.h>
#include <casacore/tables/Tables/RefRows.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableColumn.h>
#include <casacore/tables/Tables/TableRecord.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace ptclean::imager {
namespace {

using casacore::IPosition;
using casacore::Slicer;
constexpr std::size_t kChunkRows = 4096;

/// Which correlations and channels one data description keeps (empty = all).
struct Keep {
  std::vector<int> corrs, chans;
};

/// Columns shaped (correlations, channels) and (correlations).
bool isSpectral(const std::string& name) {
  return name == "DATA" || name == "CORRECTED_DATA" || name == "MODEL_DATA" || name == "FLOAT_DATA" ||
         name == "FLAG" || name == "WEIGHT_SPECTRUM" || name == "SIGMA_SPECTRUM" || name == "LAG_DATA";
}
bool isPerCorrelation(const std::string& name) { return name == "WEIGHT" || name == "SIGMA"; }

/// `cells` (corr, [chan,] rows) reduced to the kept correlations and channels.
template <typename T>
casacore::Array<T> sliceCells(const casacore::Array<T>& cells, const Keep& keep, bool spectral) {
  const IPosition shape = cells.shape();
  const std::size_t ncorr = shape[0], nchan = spectral ? shape[1] : 1, nrow = shape[spectral ? 2 : 1];
  std::vector<int> corrs = keep.corrs, chans = spectral ? keep.chans : std::vector<int>{0};
  if (corrs.empty())
    for (std::size_t c = 0; c < ncorr; ++c) corrs.push_back(int(c));
  if (chans.empty())
    for (std::size_t c = 0; c < nchan; ++c) chans.push_back(int(c));
  IPosition out_shape = spectral ? IPosition(3, corrs.size(), chans.size(), nrow) : IPosition(2, corrs.size(), nrow);
  casacore::Array<T> out(out_shape);
  const T* in = cells.data();
  T* o = out.data();
  for (std::size_t r = 0; r < nrow; ++r)
    for (std::size_t k = 0; k < chans.size(); ++k)
      for (std::size_t c = 0; c < corrs.size(); ++c)
        *o++ = in[(r * nchan + std::size_t(chans[k])) * ncorr + std::size_t(corrs[c])];
  return out;
}

bool isDataColumn(const std::string& name) {
  return name == "DATA" || name == "CORRECTED_DATA" || name == "MODEL_DATA";
}

/// `cells` of column `name` through the chunk's transform (the overload per cell type).
void transformCells(const std::string& name, casacore::Array<casacore::Complex>& cells, const SpectralTransform& t) {
  if (isDataColumn(name) && cells.ndim() == 3) cells.reference(t.data(casacore::Cube<casacore::Complex>(cells)));
}
void transformCells(const std::string& name, casacore::Array<casacore::Float>& cells, const SpectralTransform& t) {
  if (name == "FLOAT_DATA" && cells.ndim() == 3) cells.reference(t.floatData(casacore::Cube<float>(cells)));
  if (name == "WEIGHT_SPECTRUM" && cells.ndim() == 3) cells.reference(t.weightSpectrum());
  if (name == "SIGMA_SPECTRUM" && cells.ndim() == 3) {
    casacore::Cube<float> sigma = t.weightSpectrum().copy();  // a copy: the transform's cube is shared
    for (float& v : sigma) v = v > 0.0f ? 1.0f / std::sqrt(v) : 0.0f;
    cells.reference(sigma);
  }
  if (name == "WEIGHT" && cells.ndim() == 2) cells.reference(t.weight(casacore::Matrix<float>(cells)));
  if (name == "SIGMA" && cells.ndim() == 2) cells.reference(t.sigma(casacore::Matrix<float>(cells)));
}
void transformCells(const std::string& name, casacore::Array<casacore::Bool>& cells, const SpectralTransform& t) {
  if (name == "FLAG" && cells.ndim() == 3) cells.reference(t.flags());
}
template <typename T>
void transformCells(const std::string& name, casacore::Array<T>&, const SpectralTransform&) {
  if (name == "LAG_DATA") throw std::runtime_error("LAG_DATA cannot be averaged or smoothed along frequency");
}

template <typename T>
void copyScalar(const casacore::Table& from, casacore::Table& to, const std::string& name,
                const casacore::RefRows& rows, const Slicer& target) {
  casacore::ScalarColumn<T> in(from, name), out(to, name);
  out.putColumnRange(target, in.getColumnCells(rows));
}

template <typename T>
void copyArray(const casacore::Table& from, casacore::Table& to, const std::string& name,
               const casacore::RefRows& rows, const Slicer& target, const Keep& keep,
               const SpectralTransform* transform) {
  casacore::ArrayColumn<T> in(from, name), out(to, name);
  casacore::Array<T> cells = in.getColumnCells(rows);
  const bool spectral = isSpectral(name), per_corr = isPerCorrelation(name);
  if ((spectral && cells.ndim() == 3) || (per_corr && cells.ndim() == 2)) {
    if (!keep.corrs.empty() || (spectral && !keep.chans.empty())) cells.reference(sliceCells(cells, keep, spectral));
  }
  if (transform) transformCells(name, cells, *transform);
  out.putColumnRange(target, cells);
}

void copyColumn(const casacore::Table& from, casacore::Table& to, const std::string& name,
                const casacore::RefRows& rows, const Slicer& target, const Keep& keep,
                const SpectralTransform* transform) {
  const casacore::ColumnDesc& desc = from.tableDesc().columnDesc(name);
  const bool scalar = desc.isScalar();
  switch (desc.dataType()) {
    case casacore::TpBool: return scalar ? copyScalar<casacore::Bool>(from, to, name, rows, target)
                                         : copyArray<casacore::Bool>(from, to, name, rows, target, keep, transform);
    case casacore::TpInt: return scalar ? copyScalar<casacore::Int>(from, to, name, rows, target)
                                        : copyArray<casacore::Int>(from, to, name, rows, target, keep, transform);
    case casacore::TpFloat: return scalar ? copyScalar<casacore::Float>(from, to, name, rows, target)
                                          : copyArray<casacore::Float>(from, to, name, rows, target, keep, transform);
    case casacore::TpDouble: return scalar ? copyScalar<casacore::Double>(from, to, name, rows, target)
                                           : copyArray<casacore::Double>(from, to, name, rows, target, keep, transform);
    case casacore::TpComplex: return scalar ? copyScalar<casacore::Complex>(from, to, name, rows, target)
                                            : copyArray<casacore::Complex>(from, to, name, rows, target, keep, transform);
    case casacore::TpDComplex: return scalar ? copyScalar<casacore::DComplex>(from, to, name, rows, target)
                                             : copyArray<casacore::DComplex>(from, to, name, rows, target, keep, transform);
    case casacore::TpString: return scalar ? copyScalar<casacore::String>(from, to, name, rows, target)
                                           : copyArray<casacore::String>(from, to, name, rows, target, keep, transform);
    default: {
      // Rare types: cell by cell.
      casacore::TableColumn in(from, name), out(to, name);
      const auto numbers = rows.convert();
      for (std::size_t i = 0; i < numbers.size(); ++i) out.put(std::size_t(target.start()[0]) + i, in, numbers[i]);
    }
  }
}

/// Gives the transform a chunk's flags and per-channel weights, sliced as the copy slices them.
void beginTransform(SpectralTransform& transform, const casacore::Table& from, const casacore::RefRows& rows,
                    const Keep& keep, int spw) {
  casacore::Array<bool> flags = casacore::ArrayColumn<bool>(from, "FLAG").getColumnCells(rows);
  if (!keep.corrs.empty() || !keep.chans.empty()) flags.reference(sliceCells(flags, keep, true));
  const casacore::IPosition shape = flags.shape();
  casacore::Cube<float> weights(shape);
  bool has_spectrum = false;
  if (from.tableDesc().isColumn("WEIGHT_SPECTRUM")) {
    casacore::ArrayColumn<float> column(from, "WEIGHT_SPECTRUM");
    const auto first = rows.convert()[0];
    if (column.isDefined(first) && column.shape(first).isEqual(casacore::ArrayColumn<bool>(from, "FLAG").shape(first))) {
      casacore::Array<float> cells = column.getColumnCells(rows);
      if (!keep.corrs.empty() || !keep.chans.empty()) cells.reference(sliceCells(cells, keep, true));
      weights = cells;
      has_spectrum = true;
    }
  }
  if (!has_spectrum) {
    casacore::Array<float> per_corr = casacore::ArrayColumn<float>(from, "WEIGHT").getColumnCells(rows);
    if (!keep.corrs.empty()) per_corr.reference(sliceCells(per_corr, keep, false));
    const casacore::Matrix<float> w(per_corr);
    for (long r = 0; r < shape[2]; ++r)
      for (long c = 0; c < shape[1]; ++c)
        for (long p = 0; p < shape[0]; ++p) weights(p, c, r) = w(p, r);
  }
  if (transform.needsRowTimes()) transform.setRowTimes(casacore::ScalarColumn<double>(from, "TIME").getColumnCells(rows));
  transform.begin(spw, casacore::Cube<bool>(flags), weights, has_spectrum);
}

template <typename T>
void addVariableShapeColumn(casacore::Table& table, const std::string& name, const std::string& comment, int ndim) {
  casacore::ArrayColumnDesc<T> desc(name, comment, ndim);
  const long rows_per_tile = 1024;
  casacore::TiledShapeStMan storage("Tiled" + name, ndim == 2 ? IPosition(3, 4, 64, rows_per_tile / 16)
                                                              : IPosition(2, 4, rows_per_tile));
  table.addColumn(desc, storage);
}

}  // namespace

void makeSpectralShapesVariable(casacore::Table& table) {
  for (const auto& name : table.tableDesc().columnNames()) {
    const casacore::ColumnDesc& desc = table.tableDesc().columnDesc(name);
    if (desc.isScalar() || !desc.isFixedShape() || !(isSpectral(name) || isPerCorrelation(name))) continue;
    const std::string comment = desc.comment();
    const int ndim = isSpectral(name) ? 2 : 1;
    const casacore::DataType type = desc.dataType();
    table.removeColumn(name);
    switch (type) {
      case casacore::TpBool: addVariableShapeColumn<casacore::Bool>(table, name, comment, ndim); break;
      case casacore::TpFloat: addVariableShapeColumn<casacore::Float>(table, name, comment, ndim); break;
      case casacore::TpComplex: addVariableShapeColumn<casacore::Complex>(table, name, comment, ndim); break;
      case casacore::TpDouble: addVariableShapeColumn<casacore::Double>(table, name, comment, ndim); break;
      default: throw std::runtime_error("column " + name + " of an unexpected type cannot be sliced");
    }
  }
}

namespace {

/// The copy's SPECTRAL_WINDOW and POLARIZATION rows reduced to what is kept.
void sliceSubtables(const std::string& path, const std::map<int, std::vector<int>>& chans_of_spw,
                    const std::map<int, std::vector<int>>& corrs_of_pol, const SpectralTransform* transform) {
  if (!chans_of_spw.empty()) {
    casacore::Table spw(path + "/SPECTRAL_WINDOW", casacore::Table::Update);
    casacore::MSSpWindowColumns cols{casacore::MSSpectralWindow(spw)};
    for (const auto& [id, chans] : chans_of_spw) {
      const std::size_t first = std::size_t(chans.front()), n = chans.size();
      const Slicer keep(IPosition(1, long(first)), IPosition(1, long(n)));
      casacore::Vector<double> freq = cols.chanFreq()(id)(keep), width = cols.chanWidth()(id)(keep),
                               bw = cols.effectiveBW()(id)(keep), resolution = cols.resolution()(id)(keep);
      cols.chanFreq().put(id, freq);
      cols.chanWidth().put(id, width);
      cols.effectiveBW().put(id, bw);
      cols.resolution().put(id, resolution);
      cols.numChan().put(id, int(n));
      cols.totalBandwidth().put(id, casacore::sum(casacore::abs(width)));
      cols.refFrequency().put(id, freq[0]);
    }
  }
  if (transform) {
    casacore::Table spw(path + "/SPECTRAL_WINDOW", casacore::Table::Update);
    casacore::MSSpWindowColumns cols{casacore::MSSpectralWindow(spw)};
    for (casacore::rownr_t id = 0; id < spw.nrow(); ++id) {
      const ChannelAxis axis = transform->outputAxis(
          int(id), {cols.chanFreq()(id), cols.chanWidth()(id), cols.effectiveBW()(id), cols.resolution()(id)});
      cols.chanFreq().put(id, axis.freq);
      cols.chanWidth().put(id, axis.width);
      cols.effectiveBW().put(id, axis.effective_bw);
      cols.resolution().put(id, axis.resolution);
      cols.numChan().put(id, int(axis.freq.size()));
      cols.totalBandwidth().put(id, casacore::sum(casacore::abs(axis.width)));
    }
  }
  if (!corrs_of_pol.empty()) {
    casacore::Table pol(path + "/POLARIZATION", casacore::Table::Update);
    casacore::MSPolarizationColumns cols{casacore::MSPolarization(pol)};
    for (const auto& [id, corrs] : corrs_of_pol) {
      casacore::Vector<int> types = cols.corrType()(id), kept_types(corrs.size());
      casacore::Matrix<int> products = cols.corrProduct()(id), kept_products(2, corrs.size());
      for (std::size_t c = 0; c < corrs.size(); ++c) {
        kept_types[c] = types[corrs[c]];
        kept_products(0, c) = products(0, corrs[c]);
        kept_products(1, c) = products(1, corrs[c]);
      }
      cols.corrType().put(id, kept_types);
      cols.corrProduct().put(id, kept_products);
      cols.numCorr().put(id, int(corrs.size()));
    }
  }
}

}  // namespace

void copyRowsAsMs(const casacore::MeasurementSet& ms, const casacore::Table& selected,
                  const std::vector<casacore::rownr_t>& rows, const std::string& path, const MsSlicing& slicing) {
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  // What each data description keeps, checked against its spw and polarization.
  std::map<int, Keep> keep_of_dd;
  std::map<int, std::vector<int>> chans_of_spw, corrs_of_pol;
  for (casacore::rownr_t d = 0; d < dd_cols.nrow(); ++d) {
    const int spw = dd_cols.spectralWindowId()(d), pol = dd_cols.polarizationId()(d);
    Keep keep;
    auto chans = slicing.channels.find(spw);
    if (chans != slicing.channels.end() && int(chans->second.size()) < spw_cols.numChan()(spw)) {
      for (std::size_t i = 1; i < chans->second.size(); ++i)
        if (chans->second[i] != chans->second[0] + int(i))
          throw std::runtime_error("spw " + std::to_string(spw) + ": partition keeps one contiguous channel range per spw");
      keep.chans = chans->second;
      chans_of_spw[spw] = keep.chans;
    }
    if (!slicing.correlations.empty()) {
      const casacore::Vector<int> types = pol_cols.corrType()(pol);
      for (std::size_t c = 0; c < types.size(); ++c)
        if (slicing.correlations.count(types[c])) keep.corrs.push_back(int(c));
      if (keep.corrs.size() < types.size()) corrs_of_pol[pol] = keep.corrs;
      if (keep.corrs.size() == types.size()) keep.corrs.clear();
    }
    keep_of_dd[int(d)] = keep;
  }
  try {
    casacore::Vector<casacore::rownr_t> numbers(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) numbers[i] = rows[i];
    // The main table's layout without rows; then the subtables whole (noRows empties them too).
    // They are copied as folders here: casacore copies an unchanged table with system("cp -r"),
    // and system() ignores SIGINT meanwhile, so a Ctrl-C would be lost.
    selected(numbers).deepCopy(path, casacore::Table::New, false, casacore::Table::AipsrcEndian, true);
    copySubtables(ms, path);
    casacore::Table copy(path, casacore::Table::Update);
    if (!chans_of_spw.empty() || !corrs_of_pol.empty() || slicing.transform) makeSpectralShapesVariable(copy);
    copy.addRow(rows.size());
    const casacore::Vector<casacore::Int> dds =
        casacore::ScalarColumn<casacore::Int>(selected, "DATA_DESC_ID").getColumnCells(casacore::RefRows(numbers));
    std::vector<std::string> columns;
    for (const auto& name : copy.tableDesc().columnNames()) {
      if (!selected.isColumnStored(name)) continue;
      if (!selected.tableDesc().columnDesc(name).isScalar() && !rows.empty()) {
        casacore::TableColumn column(selected, name);
        if (!column.isDefined(rows[0])) continue;  // an unfilled column (FLAG_CATEGORY)
      }
      columns.push_back(name);
    }
    // Chunks of rows of one data description: one cell shape for every array column.
    std::size_t start = 0;
    while (start < rows.size()) {
      const int dd = dds[start];
      std::size_t end = start + 1;
      while (end < rows.size() && end - start < kChunkRows && dds[end] == dd) ++end;
      casacore::Vector<casacore::rownr_t> chunk(end - start);
      for (std::size_t i = start; i < end; ++i) chunk[i - start] = rows[i];
      const casacore::RefRows source(chunk);
      const Slicer target(IPosition(1, long(start)), IPosition(1, long(end - start)));
      if (slicing.transform) beginTransform(*slicing.transform, selected, source, keep_of_dd[dd], dd_cols.spectralWindowId()(dd));
      for (const auto& name : columns)
        copyColumn(selected, copy, name, source, target, keep_of_dd[dd], slicing.transform.get());
      start = end;
    }
    copy.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot write " + path + ": " + std::string(error.getMesg()));
  }
  sliceSubtables(path, chans_of_spw, corrs_of_pol, slicing.transform.get());
}

}  // namespace ptclean::imager

namespace ptclean::imager {

void copySubtables(const casacore::Table& from, const std::string& path) {
  const casacore::TableRecord& keywords = from.keywordSet();
  for (casacore::uInt k = 0; k < keywords.nfields(); ++k) {
    if (keywords.type(k) != casacore::TpTable) continue;
    const std::filesystem::path target = std::filesystem::path(path) / std::string(keywords.name(k));
    std::filesystem::remove_all(target);
    std::filesystem::copy(std::string(keywords.asTable(k).tableName()), target, std::filesystem::copy_options::recursive);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(target))
      std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  }
}

void keepDataColumn(casacore::Table& copy, const std::string& datacolumn) {
  static const char* kColumns[] = {"DATA", "CORRECTED_DATA", "MODEL_DATA"};
  if (datacolumn == "all") return;
  const std::string keep = datacolumn == "data" ? "DATA" : datacolumn == "corrected" ? "CORRECTED_DATA" : "MODEL_DATA";
  if (!copy.tableDesc().isColumn(keep)) throw std::runtime_error("datacolumn: " + keep + " is absent from the input MS");
  for (const char* column : kColumns)
    if (keep != column && copy.tableDesc().isColumn(column)) copy.removeColumn(column);
  if (keep != "DATA") copy.renameColumn("DATA", keep);
}

}  // namespace ptclean::imager
