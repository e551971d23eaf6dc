#include "ms_reader.h"

#include <casacore/casa/Arrays/ArrayMath.h>
#include <casacore/casa/Quanta/MVAngle.h>
#include <casacore/measures/Measures/MCDirection.h>
#include <casacore/measures/Measures/MDirection.h>
#include <casacore/measures/Measures/MeasConvert.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MSAntennaColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/TableIter.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "ms_selection.h"
#include "ms_validation.h"
#include "phase_rotation.h"

namespace ptclean::imager {
namespace {

constexpr std::size_t kChunkRows = 8192;

using casacore::IPosition;
using casacore::Slicer;

PhaseCentre toJ2000(const casacore::MDirection& direction) {
  casacore::MDirection j2000 = casacore::MDirection::Convert(direction, casacore::MDirection::J2000)();
  auto angles = j2000.getAngle("rad").getValue();
  return {angles[0], angles[1]};
}

/// The parallel hands (pp, qq) of a polarisation setup, within the selected correlations.
struct Hands {
  int p = -1, q = -1;
  std::string feeds;
};

Hands parallelHands(const casacore::Vector<casacore::Int>& corr_types, const std::set<int>& wanted) {
  Hands hands;
  auto allowed = [&](int type) { return wanted.empty() || wanted.count(type); };
  for (std::size_t i = 0; i < corr_types.size(); ++i) {
    const int t = corr_types[i];
    if ((t == casacore::Stokes::RR || t == casacore::Stokes::XX) && allowed(t)) hands.p = int(i);
    if ((t == casacore::Stokes::LL || t == casacore::Stokes::YY) && allowed(t)) hands.q = int(i);
    if (t == casacore::Stokes::I && allowed(t)) hands.p = int(i);
    if (t >= casacore::Stokes::RR && t <= casacore::Stokes::LL) hands.feeds = "circular";
    if (t >= casacore::Stokes::XX && t <= casacore::Stokes::YY) hands.feeds = "linear";
  }
  if (hands.p < 0) std::swap(hands.p, hands.q);
  if (hands.q < 0) hands.feeds = "single";
  return hands;
}

}  // namespace

PhaseCentre parsePhaseCentre(const std::string& text, const std::string& ms_path) {
  std::string trimmed = text;
  trimmed.erase(0, trimmed.find_first_not_of(" "));
  trimmed.erase(trimmed.find_last_not_of(" ") + 1);
  if (!trimmed.empty() && std::all_of(trimmed.begin(), trimmed.end(), ::isdigit)) {
    casacore::MeasurementSet ms(ms_path, casacore::Table::Old);
    casacore::MSFieldColumns fields(ms.field());
    const casacore::rownr_t id = std::stoul(trimmed);
    if (id >= fields.nrow())
      throw std::runtime_error("phasecenter: field " + trimmed + " does not exist in " + ms_path);
    return toJ2000(fields.phaseDirMeas(id));
  }
  std::istringstream in(trimmed);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  casacore::MDirection::Types frame = casacore::MDirection::J2000;
  if (words.size() == 3) {
    if (!casacore::MDirection::getType(frame, words[0]))
      throw std::runtime_error("phasecenter: unknown frame '" + words[0] + "' in '" + text + "'");
    words.erase(words.begin());
  }
  casacore::Quantity ra, dec;
  if (words.size() != 2 || !casacore::MVAngle::read(ra, words[0]) || !casacore::MVAngle::read(dec, words[1]))
    throw std::runtime_error("phasecenter: '" + text +
                             "' is neither a field id nor a direction like 'J2000 10h08m00 07d30m00'");
  return toJ2000(casacore::MDirection(ra, dec, frame));
}

struct MsReader::Impl {
  std::string path;
  std::string column;
  std::vector<std::string> notes;
  casacore::MeasurementSet ms;
  casacore::Table selected;
  std::set<int> correlations;
  std::map<int, std::vector<int>> channels;  ///< spw -> selected channel indices
  DataProblems problems;                      ///< counted while reading
  /// Row ranges already counted: a streamed run reads the same chunks on every pass.
  std::set<std::pair<std::size_t, std::size_t>> counted;

  std::vector<int> channelsOf(int spw) const {
    auto found = channels.find(spw);
    if (found != channels.end()) return found->second;
    casacore::MSSpWindowColumns spws(ms.spectralWindow());
    std::vector<int> all(spws.numChan()(spw));
    for (std::size_t c = 0; c < all.size(); ++c) all[c] = int(c);
    return all;
  }
};

MsReader::MsReader(const std::string& path, const MsSelectionKeys& keys, const std::string& datacolumn,
                   bool allow_empty)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  if (!std::filesystem::exists(path)) throw std::runtime_error("vis '" + path + "' does not exist");
  if (!casacore::Table::isReadable(path) || !std::filesystem::exists(std::filesystem::path(path) / "ANTENNA"))
    throw std::runtime_error("vis '" + path + "' is not a MeasurementSet");
  try {
    impl_->ms = casacore::MeasurementSet(
        path, casacore::TableLock(casacore::TableLock::AutoNoReadLocking), casacore::Table::Old);
  } catch (const std::exception& error) {
    throw std::runtime_error("vis '" + path + "' cannot be opened as a MeasurementSet: " + error.what());
  }
  const auto& ms = impl_->ms;
  std::string wanted = datacolumn.empty() ? "data" : datacolumn;
  std::transform(wanted.begin(), wanted.end(), wanted.begin(), ::tolower);
  static const std::map<std::string, std::string> columns = {
      {"data", "DATA"}, {"corrected", "CORRECTED_DATA"}, {"model", "MODEL_DATA"}};
  auto found = columns.find(wanted);
  if (found == columns.end())
    throw std::runtime_error("datacolumn: '" + datacolumn + "' must be data, corrected or model");
  impl_->column = found->second;
  if (!ms.tableDesc().isColumn(impl_->column)) {
    if (wanted == "corrected" && ms.tableDesc().isColumn("DATA")) {
      impl_->notes.push_back("CORRECTED_DATA is absent from " + path + ": imaging DATA instead (as tclean does)");
      impl_->column = "DATA";
    } else {
      throw std::runtime_error("datacolumn: " + impl_->column + " is absent from " + path);
    }
  }

  try {
    validateMeasurementSet(ms, path, impl_->column);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("vis '" + path + "' cannot be read: " + std::string(error.getMesg()));
  }
  SelectedRows rows = selectRows(impl_->ms, keys, path, allow_empty);
  impl_->selected = rows.table;
  impl_->channels = std::move(rows.channels);
  impl_->correlations = parseCorrelations(keys.correlation);
}

MsReader::~MsReader() = default;

std::size_t MsReader::selectedRows() const { return impl_->selected.nrow(); }
const std::string& MsReader::path() const { return impl_->path; }
const std::string& MsReader::dataColumn() const { return impl_->column; }
std::vector<std::string> MsReader::notes() const { return impl_->notes; }
const DataProblems& MsReader::problems() const { return impl_->problems; }

std::vector<std::size_t> MsReader::rowCosts() const {
  casacore::ScalarColumn<casacore::Int> dd(impl_->selected, "DATA_DESC_ID");
  casacore::ScalarColumn<casacore::Int> a1(impl_->selected, "ANTENNA1"), a2(impl_->selected, "ANTENNA2");
  casacore::ScalarColumn<casacore::Bool> flag_row(impl_->selected, "FLAG_ROW");
  auto dds = dd.getColumn();
  auto ant1 = a1.getColumn(), ant2 = a2.getColumn();
  auto flagged = flag_row.getColumn();
  casacore::MSDataDescColumns dd_cols(impl_->ms.dataDescription());
  std::map<int, std::size_t> nchan;
  std::vector<std::size_t> costs(dds.size());
  for (std::size_t r = 0; r < dds.size(); ++r) {
    auto found = nchan.find(dds[r]);
    if (found == nchan.end())
      found = nchan.emplace(dds[r], impl_->channelsOf(dd_cols.spectralWindowId()(dds[r])).size()).first;
    costs[r] = (flagged[r] || ant1[r] == ant2[r]) ? 0 : found->second;
  }
  return costs;
}

PhaseCentre MsReader::defaultPhaseCentre() const {
  casacore::ScalarColumn<casacore::Int> field(impl_->selected, "FIELD_ID");
  auto ids = field.getColumn();
  int first = *std::min_element(ids.begin(), ids.end());
  casacore::MSFieldColumns fields(impl_->ms.field());
  return toJ2000(fields.phaseDirMeas(first));
}

MsSummary MsReader::summary() const {
  MsSummary summary;
  const auto& ms = impl_->ms;
  casacore::MSObservationColumns obs(ms.observation());
  if (obs.nrow() > 0) summary.telescope = obs.telescopeName()(0);
  casacore::ScalarColumn<casacore::Double> time(impl_->selected, "TIME");
  auto times = time.getColumn();
  summary.start_time_mjd_s = times.empty() ? 0.0 : casacore::min(times);
  summary.end_time_mjd_s = times.empty() ? 0.0 : casacore::max(times);
  {
    casacore::MSAntennaColumns antennas(ms.antenna());
    std::vector<double> dishes;
    for (casacore::rownr_t a = 0; a < antennas.nrow(); ++a) dishes.push_back(antennas.dishDiameter()(a));
    if (!dishes.empty()) {
      std::nth_element(dishes.begin(), dishes.begin() + std::ptrdiff_t(dishes.size() / 2), dishes.end());
      summary.dish_diameter_m = dishes[dishes.size() / 2];
    }
  }
  casacore::ScalarColumn<casacore::Int> field(impl_->selected, "FIELD_ID");
  auto ids = field.getColumn();
  casacore::MSFieldColumns fields(ms.field());
  summary.field_name = fields.name()(*std::min_element(ids.begin(), ids.end()));
  casacore::ScalarColumn<casacore::Int> dd(impl_->selected, "DATA_DESC_ID");
  std::set<int> dds;
  for (int d : dd.getColumn()) dds.insert(d);
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  summary.min_freq_hz = 1e300;
  for (int d : dds) {
    const int spw = dd_cols.spectralWindowId()(d);
    casacore::Vector<double> freqs(spw_cols.chanFreq()(spw)), widths(spw_cols.chanWidth()(spw));
    auto& spw_freqs = summary.spw_freq_hz[spw];
    auto& spw_widths = summary.spw_width_hz[spw];
    spw_freqs.clear();
    spw_widths.clear();
    for (int c : impl_->channelsOf(spw)) {
      summary.min_freq_hz = std::min(summary.min_freq_hz, freqs[c]);
      summary.max_freq_hz = std::max(summary.max_freq_hz, freqs[c]);
      spw_freqs.push_back(freqs[c]);
      spw_widths.push_back(std::abs(widths[c]));
    }
    summary.feeds = parallelHands(pol_cols.corrType()(dd_cols.polarizationId()(d)), impl_->correlations).feeds;
  }
  return summary;
}

namespace {

/// What one data description needs for Stokes I: its hands, selected channels and output block.
struct DescriptionSetup {
  Hands hands;
  std::vector<int> chans;
  SpwBlock* block = nullptr;
};

/// Columns of one table, read in bulk over row ranges.
struct MainColumns {
  MainColumns(const casacore::Table& table, const std::string& data_column, bool has_spectrum)
      : data(table, data_column), flag(table, "FLAG"), weight(table, "WEIGHT"), uvw(table, "UVW"),
        flag_row(table, "FLAG_ROW"), ant1(table, "ANTENNA1"), ant2(table, "ANTENNA2"),
        field(table, "FIELD_ID"), dd(table, "DATA_DESC_ID"), time(table, "TIME") {
    if (has_spectrum && table.nrow() > 0) {
      spectrum.emplace(table, "WEIGHT_SPECTRUM");
      if (!spectrum->isDefined(0)) spectrum.reset();
    }
  }
  casacore::ArrayColumn<casacore::Complex> data;
  casacore::ArrayColumn<casacore::Bool> flag;
  casacore::ArrayColumn<casacore::Float> weight;
  casacore::ArrayColumn<casacore::Double> uvw;
  casacore::ScalarColumn<casacore::Bool> flag_row;
  casacore::ScalarColumn<casacore::Int> ant1, ant2, field, dd;
  casacore::ScalarColumn<casacore::Double> time;
  std::optional<casacore::ArrayColumn<casacore::Float>> spectrum;
  // Buffers reused from chunk to chunk: a fresh multi-MiB array per chunk would be page-faulted
  // in anew each time.
  casacore::Array<casacore::Complex> data_buffer;
  casacore::Array<casacore::Bool> flag_buffer;
  casacore::Array<casacore::Float> weight_buffer, spectrum_buffer;
  casacore::Array<casacore::Double> uvw_buffer;
};

/// Reads rows `slice` of `column` into `buffer`, reusing its storage when the shape is unchanged.
template <typename Column, typename Buffer>
void readInto(Column& column, const Slicer& slice, Buffer& buffer) {
  column.getColumnRange(slice, buffer, true);
}

}  // namespace

std::vector<SpwBlock> MsReader::readStokesI(std::size_t begin, std::size_t end, const PhaseCentre& centre) const {
  if (end <= begin) return {};
  DataProblems scratch;
  DataProblems& problems = impl_->counted.insert({begin, end}).second ? impl_->problems : scratch;
  const auto& ms = impl_->ms;
  casacore::MSDataDescColumns dd_cols(ms.dataDescription());
  casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
  casacore::MSPolarizationColumns pol_cols(ms.polarization());
  casacore::MSFieldColumns field_cols(ms.field());
  std::map<int, PhaseRotation> rotations;
  auto rotationFor = [&](int field) -> const PhaseRotation& {
    auto found = rotations.find(field);
    if (found == rotations.end()) {
      PhaseCentre from = toJ2000(field_cols.phaseDirMeas(field));
      found = rotations.emplace(field, PhaseRotation(from.ra_rad, from.dec_rad, centre.ra_rad, centre.dec_rad)).first;
    }
    return found->second;
  };
  std::map<int, SpwBlock> blocks;  // by data description
  std::map<int, DescriptionSetup> setups;
  auto setupFor = [&](int dd) -> DescriptionSetup& {
    auto found = setups.find(dd);
    if (found != setups.end()) return found->second;
    DescriptionSetup setup;
    const int spw = dd_cols.spectralWindowId()(dd);
    setup.hands = parallelHands(pol_cols.corrType()(dd_cols.polarizationId()(dd)), impl_->correlations);
    setup.chans = impl_->channelsOf(spw);
    setup.block = &blocks[dd];
    setup.block->spw = spw;
    setup.block->data_desc = dd;
    setup.block->channels = setup.chans;
    const casacore::Vector<double> all_freqs(spw_cols.chanFreq()(spw));
    for (int c : setup.chans) setup.block->freq_hz.push_back(all_freqs[c]);
    // Capacity beyond what is filled is never touched, so costs no memory: reserve for the
    // case where every row belongs to this description.
    setup.block->uvw_m.reserve(3 * (end - begin));
    setup.block->ms_row.reserve(end - begin);
    setup.block->rotation_w_m.reserve(end - begin);
    setup.block->time_s.reserve(end - begin);
    setup.block->vis.reserve((end - begin) * setup.chans.size());
    setup.block->weight.reserve((end - begin) * setup.chans.size());
    return setups.emplace(dd, std::move(setup)).first->second;
  };
  const bool has_spectrum = ms.tableDesc().isColumn("WEIGHT_SPECTRUM");

  // Converts rows [start, start + n) of `columns` (all of one data shape) to Stokes I.
  auto readChunk = [&](MainColumns& columns, const casacore::Vector<casacore::rownr_t>& ms_rows, std::size_t start,
                       std::size_t n) {
    Slicer rows_slice(IPosition(1, start), IPosition(1, n));
    readInto(columns.data, rows_slice, columns.data_buffer);
    readInto(columns.flag, rows_slice, columns.flag_buffer);
    readInto(columns.weight, rows_slice, columns.weight_buffer);
    readInto(columns.uvw, rows_slice, columns.uvw_buffer);
    const auto& data = columns.data_buffer;
    const auto& flags = columns.flag_buffer;
    const auto& weights = columns.weight_buffer;
    const auto& uvws = columns.uvw_buffer;
    auto flag_rows = columns.flag_row.getColumnRange(rows_slice);
    auto ant1 = columns.ant1.getColumnRange(rows_slice), ant2 = columns.ant2.getColumnRange(rows_slice);
    auto field_ids = columns.field.getColumnRange(rows_slice);
    auto dds = columns.dd.getColumnRange(rows_slice);
    auto row_times = columns.time.getColumnRange(rows_slice);
    if (columns.spectrum) readInto(*columns.spectrum, rows_slice, columns.spectrum_buffer);
    const auto& spectrum = columns.spectrum_buffer;
    const std::size_t ncorr = data.shape()[0], nchan = data.shape()[1];
    const casacore::Complex* d = data.data();
    const casacore::Bool* f = flags.data();
    const casacore::Float* w = weights.data();
    const casacore::Float* ws = columns.spectrum ? spectrum.data() : nullptr;
    const double* uvw = uvws.data();
    for (std::size_t r = 0; r < n; ++r) {
      if (flag_rows[r] || ant1[r] == ant2[r]) continue;
      DescriptionSetup& setup = setupFor(dds[r]);
      const Hands& hands = setup.hands;
      if (hands.p < 0) continue;  // no usable correlation for Stokes I in this setup
      // Rows that cannot be placed in the uv-plane are flagged, and counted.
      if (!std::isfinite(uvw[3 * r]) || !std::isfinite(uvw[3 * r + 1]) || !std::isfinite(uvw[3 * r + 2])) {
        problems.nonfinite_uvw += 1;
        continue;
      }
      if (uvw[3 * r] == 0.0 && uvw[3 * r + 1] == 0.0 && uvw[3 * r + 2] == 0.0) {
        problems.zero_baselines += 1;
        continue;
      }
      SpwBlock& block = *setup.block;
      double rotated[3] = {uvw[3 * r], uvw[3 * r + 1], uvw[3 * r + 2]};
      const double dw = rotationFor(field_ids[r]).apply(rotated);
      block.uvw_m.insert(block.uvw_m.end(), rotated, rotated + 3);
      block.ms_row.push_back(ms_rows[start + r]);
      block.rotation_w_m.push_back(dw);
      block.time_s.push_back(row_times[r]);
      const int q_index = hands.q < 0 ? hands.p : hands.q;
      for (std::size_t k = 0; k < setup.chans.size(); ++k) {
        const std::size_t c = std::size_t(setup.chans[k]);
        const std::size_t base = (r * nchan + c) * ncorr;
        const std::size_t p = base + hands.p, q = base + q_index;
        const float wp = ws ? ws[p] : w[r * ncorr + hands.p];
        const float wq = ws ? ws[q] : w[r * ncorr + q_index];
        std::complex<float> value = hands.q < 0 ? d[p] : 0.5f * (d[p] + d[q]);
        float weight = hands.q < 0 ? wp : 4.0f / (1.0f / wp + 1.0f / wq);
        const bool flagged = f[p] || f[q];
        const bool bad_data = !std::isfinite(value.real()) || !std::isfinite(value.imag());
        const bool bad_weight = !std::isfinite(wp) || !std::isfinite(wq) || wp < 0.0f || wq < 0.0f;
        if (!flagged) {
          problems.nonfinite_data += bad_data;
          problems.bad_weights += bad_weight;
        }
        if (flagged || bad_data || bad_weight || !(wp > 0.0f) || !(wq > 0.0f) || !std::isfinite(weight))
          weight = 0.0f, value = 0.0f;
        if (dw != 0.0 && weight != 0.0f)
          value *= rephasingFactor(dw, block.freq_hz[k]);
        block.vis.push_back(value);
        block.weight.push_back(weight);
      }
    }
  };
  auto readTable = [&](const casacore::Table& table, std::size_t first, std::size_t count) {
    MainColumns columns(table, impl_->column, has_spectrum);
    const casacore::Vector<casacore::rownr_t> ms_rows = table.rowNumbers(ms);
    for (std::size_t start = first; start < first + count; start += kChunkRows)
      readChunk(columns, ms_rows, start, std::min(kChunkRows, first + count - start));
  };

  // One data shape throughout (the common case): read the rank's rows in place, in order.
  // Otherwise group the rows by data description first, since a bulk read needs one shape.
  casacore::ScalarColumn<casacore::Int> dd_column(impl_->selected, "DATA_DESC_ID");
  std::set<std::pair<std::size_t, std::size_t>> shapes;
  {
    std::set<int> dds;
    for (int dd : dd_column.getColumnRange(Slicer(IPosition(1, begin), IPosition(1, end - begin)))) dds.insert(dd);
    for (int dd : dds) {
      const int spw = dd_cols.spectralWindowId()(dd);
      shapes.emplace(std::size_t(pol_cols.numCorr()(dd_cols.polarizationId()(dd))),
                     std::size_t(spw_cols.numChan()(spw)));
    }
  }
  try {
    if (shapes.size() == 1) {
      readTable(impl_->selected, begin, end - begin);
    } else {
      casacore::Vector<casacore::rownr_t> rows(end - begin);
      for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = begin + i;
      casacore::TableIterator groups(impl_->selected(rows), "DATA_DESC_ID");
      for (; !groups.pastEnd(); groups.next()) readTable(groups.table(), 0, groups.table().nrow());
    }
  } catch (const casacore::AipsError& error) {
    // A bulk read fails when a column's cells differ in shape within one data description
    // (a ragged column), or when the table files are damaged.
    throw std::runtime_error("vis '" + impl_->path + "': cannot read rows " + std::to_string(begin) + " to " +
                             std::to_string(end - 1) + " (ragged shapes or damaged table files?): " +
                             std::string(error.getMesg()));
  }
  std::vector<SpwBlock> out;
  for (auto& [dd, block] : blocks)
    if (block.rows() > 0) out.push_back(std::move(block));
  return out;
}

}  // namespace ptclean::imager
