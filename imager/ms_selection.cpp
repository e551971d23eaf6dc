#include "ms_selection.h"

#include <casacore/ms/MSSel/MSSelection.h>
#include <casacore/ms/MSSel/MSSelectionError.h>
#include <casacore/measures/Measures/Stokes.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ptclean::imager {

std::set<int> parseCorrelations(const std::string& text) {
  std::set<int> types;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" "));
    item.erase(item.find_last_not_of(" ") + 1);
    if (item.empty()) continue;
    casacore::Stokes::StokesTypes type = casacore::Stokes::type(casacore::String(item));
    if (type == casacore::Stokes::Undefined)
      throw std::runtime_error("correlation: '" + item + "' is not a correlation (RR, LL, XX, YY, ...)");
    types.insert(int(type));
  }
  return types;
}

namespace {

/// MSSelection's channel list (spw, first, last, step per row) as spw -> sorted channels.
std::map<int, std::vector<int>> channelsOf(const casacore::Matrix<casacore::Int>& list) {
  std::map<int, std::vector<int>> channels;
  for (std::size_t r = 0; r < list.nrow(); ++r) {
    auto& chans = channels[list(r, 0)];
    for (int c = list(r, 1); c <= list(r, 2); c += std::max(1, list(r, 3))) chans.push_back(c);
  }
  for (auto& [spw, chans] : channels) {
    std::sort(chans.begin(), chans.end());
    chans.erase(std::unique(chans.begin(), chans.end()), chans.end());
  }
  return channels;
}

}  // namespace

std::map<int, std::vector<int>> selectedChannels(const casacore::MeasurementSet& ms, const std::string& spw_expression,
                                                 const std::string& key) {
  try {
    casacore::MSSelection selection;
    selection.setSpwExpr(spw_expression);
    return channelsOf(selection.getChanList(&ms));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("key '" + key + "': '" + spw_expression + "' is not a valid spw selection of " +
                             std::string(ms.tableName()) + ": " + std::string(error.getMesg()));
  }
}

SelectedRows selectRows(const casacore::MeasurementSet& ms, const MsSelectionKeys& keys, const std::string& path,
                        bool allow_empty) {
  SelectedRows out;
  casacore::MSSelection selection;
  auto setIf = [](const std::string& value, auto setter) {
    if (!value.empty()) setter(value);
  };
  try {
    setIf(keys.field, [&](const std::string& v) { selection.setFieldExpr(v); });
    setIf(keys.spw, [&](const std::string& v) { selection.setSpwExpr(v); });
    setIf(keys.scan, [&](const std::string& v) { selection.setScanExpr(v); });
    setIf(keys.antenna, [&](const std::string& v) { selection.setAntennaExpr(v); });
    setIf(keys.timerange, [&](const std::string& v) { selection.setTimeExpr(v); });
    setIf(keys.uvrange, [&](const std::string& v) { selection.setUvDistExpr(v); });
    setIf(keys.intent, [&](const std::string& v) { selection.setStateExpr(v); });
    setIf(keys.observation, [&](const std::string& v) { selection.setObservationExpr(v); });
    setIf(keys.array, [&](const std::string& v) { selection.setArrayExpr(v); });
    casacore::TableExprNode node = selection.toTableExprNode(&ms);
    out.table = node.isNull() ? casacore::Table(ms) : ms(node);
    if (!keys.spw.empty()) out.channels = channelsOf(selection.getChanList(&ms));
  } catch (const casacore::MSSelectionError& error) {
    throw std::runtime_error("selection on " + path + " is invalid: " + std::string(error.getMesg()));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("selection on " + path + " failed: " + std::string(error.getMesg()));
  }
  if (out.table.nrow() == 0 && !allow_empty) {
    std::string what;
    for (auto [name, value] : {std::pair{"field", keys.field}, {"spw", keys.spw}, {"scan", keys.scan},
                               {"antenna", keys.antenna}, {"timerange", keys.timerange},
                               {"uvrange", keys.uvrange}, {"intent", keys.intent},
                               {"observation", keys.observation}, {"array", keys.array}})
      if (!value.empty()) what += std::string(what.empty() ? "" : ", ") + name + "='" + value + "'";
    throw std::runtime_error("selection matches no data in " + path + (what.empty() ? "" : " (" + what + ")"));
  }
  return out;
}

}  // namespace ptclean::imager
