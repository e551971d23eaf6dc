#include "ms_fuzz_mutations.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace ptclean::fuzz {
namespace {

using casacore::IPosition;
using casacore::Table;

/// The integers after the letter; missing ones read as 0, each clamped to an int.
struct Arguments {
  std::vector<long long> values;
  int operator[](std::size_t i) const {
    const long long v = i < values.size() ? values[i] : 0;
    return int(std::clamp<long long>(v, INT_MIN, INT_MAX));
  }
};

Arguments argumentsOf(const std::string& text) {
  Arguments args;
  std::istringstream in(text);
  for (long long v; in >> v;) args.values.push_back(v);
  return args;
}

Table open(const std::string& ms_path, const char* subtable) {
  const std::string path = subtable[0] ? ms_path + "/" + subtable : ms_path;
  return Table(path, Table::Update);
}

const char* const kTables[] = {"ANTENNA", "FIELD", "SPECTRAL_WINDOW", "POLARIZATION", "DATA_DESCRIPTION",
                               "OBSERVATION", ""};
const char* tableName(int which) { return kTables[unsigned(which) % std::size(kTables)]; }

/// Row `wanted` modulo the rows of `table`; false when it has none.
bool pickRow(const Table& table, int wanted, casacore::rownr_t& row) {
  if (table.nrow() == 0) return false;
  row = casacore::rownr_t(unsigned(wanted)) % table.nrow();
  return true;
}

float specialFloat(int kind) {
  const float values[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(), -1.0f, 0.0f, 1e30f};
  return values[unsigned(kind) % std::size(values)];
}

double specialDouble(int kind) {
  const double values[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           0.0, -1e6, 1e300};
  return values[unsigned(kind) % std::size(values)];
}

/// Sets element `index` (modulo its size) of a defined cell to `value`.
template <typename T>
void setElement(Table& table, const char* column, int wanted_row, int index, T value) {
  casacore::rownr_t row;
  if (!table.tableDesc().isColumn(column) || !pickRow(table, wanted_row, row)) return;
  casacore::ArrayColumn<T> cells(table, column);
  if (!cells.isDefined(row)) return;
  casacore::Array<T> cell = cells(row);
  if (cell.empty()) return;
  cell.data()[std::size_t(unsigned(index)) % cell.size()] = value;
  cells.put(row, cell);
}

/// Replaces a cell by one of shape `shape`, filled with `fill`.
template <typename T>
void reshapeCell(Table& table, const char* column, casacore::rownr_t row, const IPosition& shape, T fill) {
  casacore::ArrayColumn<T> cells(table, column);
  cells.put(row, casacore::Array<T>(shape, fill));
}

void reshape(const std::string& ms_path, const Arguments& a) {
  Table main = open(ms_path, "");
  casacore::rownr_t row;
  if (!pickRow(main, a[1], row)) return;
  IPosition shape(std::clamp(a[2], 0, 3));
  for (std::size_t i = 0; i < shape.size(); ++i) shape[i] = std::clamp(a[3 + i], 0, 6);
  switch (unsigned(a[0]) % 7) {
    case 0: return reshapeCell(main, "DATA", row, shape, casacore::Complex(1.0f));
    case 1: return reshapeCell(main, "CORRECTED_DATA", row, shape, casacore::Complex(1.0f));
    case 2: return reshapeCell(main, "FLAG", row, shape, false);
    case 3: return reshapeCell(main, "WEIGHT", row, shape, 1.0f);
    case 4: return reshapeCell(main, "WEIGHT_SPECTRUM", row, shape, 1.0f);
    case 5: return reshapeCell(main, "SIGMA", row, shape, 1.0f);
    default: return reshapeCell(main, "UVW", row, shape, 1.0);
  }
}

void setMainId(const std::string& ms_path, const Arguments& a) {
  const char* const columns[] = {"DATA_DESC_ID", "ANTENNA1", "ANTENNA2", "FIELD_ID", "SCAN_NUMBER",
                                 "OBSERVATION_ID", "STATE_ID", "ARRAY_ID"};
  Table main = open(ms_path, "");
  casacore::rownr_t row;
  if (!pickRow(main, a[1], row)) return;
  casacore::ScalarColumn<int>(main, columns[unsigned(a[0]) % std::size(columns)]).put(row, a[2]);
}

void setSubtableInt(const std::string& ms_path, const Arguments& a) {
  const std::pair<const char*, const char*> columns[] = {{"DATA_DESCRIPTION", "SPECTRAL_WINDOW_ID"},
                                                         {"DATA_DESCRIPTION", "POLARIZATION_ID"},
                                                         {"SPECTRAL_WINDOW", "NUM_CHAN"},
                                                         {"POLARIZATION", "NUM_CORR"}};
  const auto& [subtable, column] = columns[unsigned(a[0]) % std::size(columns)];
  Table table = open(ms_path, subtable);
  casacore::rownr_t row;
  if (pickRow(table, a[1], row)) casacore::ScalarColumn<int>(table, column).put(row, a[2]);
}

void setChannelVector(const std::string& ms_path, const Arguments& a) {
  Table spw = open(ms_path, "SPECTRAL_WINDOW");
  casacore::rownr_t row;
  if (!pickRow(spw, a[1], row)) return;
  casacore::Vector<double> values(std::size_t(std::clamp(a[2], 0, 8)));
  for (std::size_t c = 0; c < values.size(); ++c)
    values[c] = a[3] == 0 ? 1.4e9 + 1e6 * double(c) : specialDouble(a[3] - 1);
  casacore::ArrayColumn<double>(spw, a[0] % 2 == 0 ? "CHAN_FREQ" : "CHAN_WIDTH").put(row, values);
}

void setCorrTypes(const std::string& ms_path, const Arguments& a) {
  Table pol = open(ms_path, "POLARIZATION");
  casacore::rownr_t row;
  if (!pickRow(pol, a[0], row)) return;
  casacore::Vector<int> types(std::size_t(std::clamp(a[1], 0, 6)));
  for (std::size_t i = 0; i < types.size(); ++i) types[i] = a[2 + i];
  casacore::ArrayColumn<int>(pol, "CORR_TYPE").put(row, types);
}

void removeRows(const std::string& ms_path, const Arguments& a, bool all) {
  Table table = open(ms_path, tableName(a[0]));
  casacore::rownr_t row;
  if (all) {
    while (table.nrow() > 0) table.removeRow(table.nrow() - 1);
  } else if (pickRow(table, a[1], row)) {
    table.removeRow(row);
  }
}

void setPhaseDir(const std::string& ms_path, const Arguments& a) {
  Table field = open(ms_path, "FIELD");
  casacore::rownr_t row;
  if (!pickRow(field, a[0], row)) return;
  casacore::ArrayColumn<double> dirs(field, "PHASE_DIR");
  if (a[1] % 3 == 0) dirs.put(row, casacore::Array<double>(IPosition(2, 2, 1), specialDouble(a[2])));
  if (a[1] % 3 == 1) dirs.put(row, casacore::Array<double>(IPosition(2, 2, 0)));
  if (a[1] % 3 == 2) dirs.put(row, casacore::Array<double>(IPosition(2, 3, 2), 0.1));
}

#ifdef PTCLEAN_FUZZ_RAW_BYTES
/// XORs one byte of one of the MS's files (in sorted path order): casacore's own parsing.
void flipByte(const std::string& ms_path, const Arguments& a) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(ms_path))
    if (entry.is_regular_file() && entry.file_size() > 0) files.push_back(entry.path());
  if (files.empty()) return;
  std::sort(files.begin(), files.end());
  const auto& file = files[unsigned(a[0]) % files.size()];
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(std::streamoff(unsigned(a[1]) % std::filesystem::file_size(file)));
  const std::streampos at = io.tellg();
  char byte = 0;
  io.get(byte);
  io.seekp(at);
  io.put(char(byte ^ char(a[2] ? a[2] : 1)));
}
#endif

}  // namespace

void applyMutation(const std::string& ms_path, const std::string& line) {
  if (line.empty()) return;
  const Arguments a = argumentsOf(line.substr(1));
  switch (line[0]) {
    case 'v': {  // v COLUMN ROW INDEX KIND: one visibility NaN, Inf, ...
      Table main = open(ms_path, "");
      const float v = specialFloat(a[3]);
      return setElement(main, a[0] % 2 ? "CORRECTED_DATA" : "DATA", a[1], a[2], casacore::Complex(v, v));
    }
    case 'w': {  // w COLUMN ROW INDEX KIND: one weight (WEIGHT, WEIGHT_SPECTRUM, SIGMA) NaN, -1, ...
      Table main = open(ms_path, "");
      const char* const columns[] = {"WEIGHT", "WEIGHT_SPECTRUM", "SIGMA"};
      return setElement(main, columns[unsigned(a[0]) % 3], a[1], a[2], specialFloat(a[3]));
    }
    case 'u': {  // u ROW COMPONENT KIND: one UVW component NaN, Inf, 0, ...
      Table main = open(ms_path, "");
      return setElement(main, "UVW", a[0], a[1], specialDouble(a[2]));
    }
    case 't': {  // t ROW KIND: TIME NaN, Inf, ...
      Table main = open(ms_path, "");
      casacore::rownr_t row;
      if (pickRow(main, a[0], row)) casacore::ScalarColumn<double>(main, "TIME").put(row, specialDouble(a[1]));
      return;
    }
    case 'f': {  // f ROW VALUE: FLAG_ROW
      Table main = open(ms_path, "");
      casacore::rownr_t row;
      if (pickRow(main, a[0], row)) casacore::ScalarColumn<bool>(main, "FLAG_ROW").put(row, a[1] != 0);
      return;
    }
    case 'F': {  // F ROW VALUE: every FLAG of a row
      Table main = open(ms_path, "");
      casacore::rownr_t row;
      casacore::ArrayColumn<bool> flags(main, "FLAG");
      if (pickRow(main, a[0], row) && flags.isDefined(row))
        flags.put(row, casacore::Array<bool>(flags.shape(row), a[1] != 0));
      return;
    }
    case 'a': {  // a COUNT: main rows added with their array cells undefined
      Table main = open(ms_path, "");
      main.addRow(casacore::rownr_t(std::clamp(a[0], 1, 3)));
      return;
    }
    case 'x': {  // x COLUMN: a main-table column removed
      const char* const columns[] = {"DATA", "CORRECTED_DATA", "WEIGHT_SPECTRUM", "FLAG"};
      Table main = open(ms_path, "");
      main.removeColumn(columns[unsigned(a[0]) % std::size(columns)]);
      return;
    }
    case 's': return reshape(ms_path, a);            // s COLUMN ROW NDIM D0 D1 D2: a cell reshaped
    case 'i': return setMainId(ms_path, a);          // i COLUMN ROW VALUE: DATA_DESC_ID, ANTENNA1, ...
    case 'n': return setSubtableInt(ms_path, a);     // n WHICH ROW VALUE: spw/pol ids, NUM_CHAN, NUM_CORR
    case 'c': return setChannelVector(ms_path, a);   // c WHICH ROW LENGTH KIND: CHAN_FREQ, CHAN_WIDTH
    case 'p': return setCorrTypes(ms_path, a);       // p ROW LENGTH T0 T1 ...: CORR_TYPE
    case 'r': return removeRows(ms_path, a, false);  // r TABLE ROW: one row removed
    case 'e': return removeRows(ms_path, a, true);   // e TABLE: every row removed
    case 'P': return setPhaseDir(ms_path, a);        // P ROW KIND VALUE: PHASE_DIR NaN or reshaped
#ifdef PTCLEAN_FUZZ_RAW_BYTES
    case 'b': return flipByte(ms_path, a);  // b FILE OFFSET XOR: one byte of a table file
#endif
    default: return;
  }
}

}  // namespace ptclean::fuzz
