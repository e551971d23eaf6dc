#include "gencal_table.h"

#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/ms/MSSel/MSSelection.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace ptclean::imager {
namespace {
namespace fs = std::filesystem;


std::vector<int> selectedIds(const casacore::MeasurementSet& ms, const std::string& key, const std::string& text, int count) {
  std::vector<int> ids;
  if (text.empty()) {
    for (int i = 0; i < count; ++i) ids.push_back(i);
    return ids;
  }
  try {
    casacore::MSSelection selection;
    if (key == "spw") selection.setSpwExpr(text);
    else selection.setAntennaExpr(text);
    casacore::MeasurementSet copy(ms);
    selection.toTableExprNode(&copy);
    const casacore::Vector<int> found = key == "spw" ? selection.getSpwList() : selection.getAntenna1List();
    ids = found.tovector();
  } catch (const std::exception& error) {
    throw ConfigError("key '" + key + "': '" + text + "' selects nothing: " + error.what());
  }
  if (ids.empty()) throw ConfigError("key '" + key + "': '" + text + "' selects nothing");
  return ids;
}

std::vector<int> selectedReceptors(const std::string& pol) {
  if (pol.empty()) return {0, 1};
  if (pol == "R" || pol == "X") return {0};
  if (pol == "L" || pol == "Y") return {1};
  throw ConfigError("key 'pol': '" + pol + "' must be '', R, L, X or Y");
}

CalTable generated(const GencalSettings& s) {
  const casacore::MeasurementSet ms(s.vis);
  casacore::MSColumns cols(ms);
  const std::vector<int> spws = selectedIds(ms, "spw", s.spw, int(ms.spectralWindow().nrow()));
  const std::vector<int> antennas = selectedIds(ms, "antenna", s.antenna, int(ms.antenna().nrow()));
  const std::vector<int> receptors = selectedReceptors(s.pol);
  const std::size_t needed = spws.size() * antennas.size() * receptors.size();
  if (s.parameter.size() != 1 && s.parameter.size() != needed)
    throw ConfigError("key 'parameter': " + std::to_string(s.parameter.size()) + " values; give 1 or " + std::to_string(needed) +
                      " (receptor fastest, then antenna, then spw)");
  CalTable table;
  table.type = s.caltype == "sbd" ? JonesType::K : JonesType::G;
  table.receptors = 2;
  const double time = ms.nrow() > 0 ? cols.time()(0) : 0.0;
  const std::complex<float> unit = table.type == JonesType::K ? 0.0f : 1.0f;
  std::size_t next = 0;
  for (int spw : spws)
    for (int antenna : antennas) {
      CalSolution solution{time, -1, spw, antenna, std::vector<std::complex<float>>(2, unit), std::vector<char>(2, 0)};
      for (int r : receptors) {
        const double p = s.parameter[s.parameter.size() == 1 ? 0 : next++];
        solution.values[std::size_t(r)] = s.caltype == "amp" ? std::complex<float>(float(p))
                                          : s.caltype == "ph" ? std::complex<float>(std::polar(1.0, p * M_PI / 180.0))
                                                              : std::complex<float>(float(p));
      }
      table.solutions.push_back(std::move(solution));
    }
  return table;
}

/// CASA's gencal combines a new table with an existing one of its type: every existing solution
/// (at any time) takes the new value of its spw and antenna; new spws and antennas are added.
void combine(CalTable& fresh, const CalTable& existing) {
  if (existing.type != fresh.type || existing.receptors != 2 || existing.channels != 1)
    throw ConfigError("caltable '" + existing.path + "' exists and is a " + visCalName(existing.type) +
                      " table that gencal cannot combine with caltype's " + visCalName(fresh.type) +
                      " (2 receptors, 1 channel)");
  std::vector<CalSolution> combined;
  std::vector<char> used(fresh.solutions.size(), 0);
  for (CalSolution old : existing.solutions) {
    for (std::size_t i = 0; i < fresh.solutions.size(); ++i) {
      const CalSolution& s = fresh.solutions[i];
      if (s.spw != old.spw || s.antenna != old.antenna) continue;
      used[i] = 1;
      for (std::size_t r = 0; r < 2; ++r) {
        old.values[r] = fresh.type == JonesType::K ? old.values[r] + s.values[r] : old.values[r] * s.values[r];
        old.flags[r] = old.flags[r] || s.flags[r];
      }
    }
    combined.push_back(std::move(old));
  }
  for (std::size_t i = 0; i < fresh.solutions.size(); ++i)
    if (!used[i]) combined.push_back(fresh.solutions[i]);
  fresh.solutions = std::move(combined);
}

}  // namespace

const std::vector<KeySpec>& gencalKeys() {
  static const std::vector<KeySpec> keys = {
      {"vis", KeyType::String, "", "required: the MS (or Multi-MS) the table is for"},
      {"caltable", KeyType::String, "", "required: the table to write (an existing one of the same type is combined)"},
      {"caltype", KeyType::String, "", "required: amp (G gain amplitude), ph (G phase, degrees) or sbd (K delay, ns)"},
      {"spw", KeyType::String, "''", "spws the values are for ('' = all)"},
      {"antenna", KeyType::String, "''", "antennas the values are for ('' = all)"},
      {"pol", KeyType::String, "''", "receptor: '' (both), R, L, X or Y"},
      {"parameter", KeyType::DoubleList, "[]", "one value, or one per (receptor, antenna, spw), receptor fastest"},
  };
  return keys;
}

GencalSettings gencalSettingsFrom(const Config& config) {
  GencalSettings s;
  for (auto [key, field] : {std::pair{"vis", &s.vis}, {"caltable", &s.caltable}, {"caltype", &s.caltype}}) {
    *field = config.has(key) ? config.string(key) : "";
    if (field->empty()) throw ConfigError(std::string("key '") + key + "' is required");
  }
  if (s.caltype != "amp" && s.caltype != "ph" && s.caltype != "sbd")
    throw ConfigError("key 'caltype': '" + s.caltype + "' must be amp, ph or sbd");
  s.spw = config.string("spw");
  s.antenna = config.string("antenna");
  s.pol = config.string("pol");
  s.parameter = config.realList("parameter");
  if (s.parameter.empty()) throw ConfigError("key 'parameter' is required: the values to write");
  if (!fs::exists(s.vis)) throw ConfigError("key 'vis': '" + s.vis + "' does not exist");
  return s;
}

CalTable writeGencalTable(const GencalSettings& s) {
  CalTable table = generated(s);
  if (!fs::exists(s.caltable)) {
    writeCalTable(s.caltable, s.vis, table);
    return table;
  }
  combine(table, readCalTable(s.caltable));
  const std::string replaced = s.caltable + ".replaced";
  fs::remove_all(replaced);
  fs::rename(s.caltable, replaced);
  try {
    writeCalTable(s.caltable, s.vis, table);
  } catch (...) {
    fs::rename(replaced, s.caltable);
    throw;
  }
  fs::remove_all(replaced);
  return table;
}

}  // namespace ptclean::imager
