#include "setjy_task.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/ms/MeasurementSets/MSColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>

#include <nlohmann/json.hpp>

#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

#include "data_task_settings.h"
#include "log.h"
#include "ms_model_writer.h"
#include "ms_selection.h"

namespace ptclean::imager {
namespace {

using casacore::IPosition;
using casacore::Slicer;
constexpr std::size_t kChunkRows = 4096;
const char* const kSelectionKeys[] = {"field", "spw", "scan", "timerange", "intent", "observation"};

double frequencyHz(const std::string& text, const std::string& key) {
  try {
    casacore::Quantity q;
    if (!casacore::Quantity::read(q, text) || !q.isConform("Hz")) throw std::runtime_error("");
    return q.getValue("Hz");
  } catch (const std::exception&) {
    throw ConfigError("key '" + key + "': '" + text + "' is not a frequency such as '1.4GHz'");
  }
}

}  // namespace

const std::vector<KeySpec>& setjyKeys() {
  static const std::vector<KeySpec> keys = [] {
    std::vector<KeySpec> keys = {{"vis", KeyType::String, "", "required: the MS or Multi-MS whose MODEL_DATA is set"}};
    for (auto& key : selectionKeySpecs("spectral windows (and channels) whose model is set"))
      for (const char* wanted : kSelectionKeys)
        if (key.name == wanted) keys.push_back(key);
    keys.push_back({"standard", KeyType::String, "'Perley-Butler 2017'",
                    "flux density standard: 'Perley-Butler 2017' (3C286, 3C48, 3C138, 3C147, 3C196, 3C123, 3C295) or 'manual'"});
    keys.push_back({"fluxdensity", KeyType::DoubleList, "[1.0, 0.0, 0.0, 0.0]", "manual: [I, Q, U, V] in Jy at reffreq"});
    keys.push_back({"spix", KeyType::DoubleList, "[]",
                    "manual: S = fluxdensity (f/reffreq)^(spix[0] + spix[1] log10(f/reffreq) + ...)"});
    keys.push_back({"reffreq", KeyType::String, "'1GHz'", "manual: the frequency of fluxdensity"});
    keys.push_back({"scalebychan", KeyType::Bool, "true", "the flux density at each channel (false: at each spw's centre)"});
    keys.push_back({"usescratch", KeyType::Bool, "true",
                    "write MODEL_DATA (false, CASA's virtual model, is not supported and is refused)"});
    return keys;
  }();
  return keys;
}

SetjySettings setjySettingsFrom(const Config& config) {
  SetjySettings s;
  s.vis = config.has("vis") ? config.string("vis") : "";
  if (s.vis.empty()) throw ConfigError("key 'vis' is required: the MS or Multi-MS whose model is set");
  s.selection = {config.string("field"), config.string("spw"),    config.string("scan"), "", config.string("timerange"),
                 "",                     config.string("intent"), config.string("observation"), "", ""};
  const std::string standard = lowerCaseValue(config, "standard");
  if (standard == "manual") {
    s.standard = "manual";
  } else if (standard == "perley-butler 2017") {
    s.standard = "Perley-Butler 2017";
  } else {
    throw ConfigError("key 'standard': '" + config.string("standard") + "' must be 'Perley-Butler 2017' or 'manual'");
  }
  auto flux = config.realList("fluxdensity");
  if (flux.empty() || flux.size() > 4) throw ConfigError("key 'fluxdensity': give [I] or [I, Q, U, V] in Jy");
  flux.resize(4, 0.0);
  std::copy(flux.begin(), flux.end(), s.fluxdensity.begin());
  s.spix = config.realList("spix");
  s.reffreq_hz = frequencyHz(config.string("reffreq"), "reffreq");
  s.scalebychan = config.boolean("scalebychan");
  if (!config.boolean("usescratch"))
    throw ConfigError("key 'usescratch': false asks for CASA's virtual model, which ptclean does not write; "
                      "use usescratch=true (MODEL_DATA)");
  return s;
}

std::vector<std::optional<FluxModel>> fieldModels(const std::string& ms_path, const SetjySettings& settings) {
  const casacore::MeasurementSet ms(ms_path);
  casacore::MSFieldColumns cols(ms.field());
  std::vector<std::optional<FluxModel>> models(ms.field().nrow());
  for (std::size_t f = 0; f < models.size(); ++f)
    models[f] = settings.standard == "manual" ? std::optional(FluxModel::manual(settings.fluxdensity, settings.reffreq_hz, settings.spix))
                                              : perleyButler2017(cols.name()(f));
  return models;
}

std::string setModel(const std::string& ms_path, const SetjySettings& settings) {
  addVisibilityColumn(ms_path, "MODEL_DATA", false, "setjy");
  const auto models = fieldModels(ms_path, settings);
  nlohmann::json result = {{"ms", ms_path}, {"rows", 0}, {"fields", nlohmann::json::object()}};
  try {
    casacore::MeasurementSet ms(ms_path, casacore::Table::Update);
    casacore::MSDataDescColumns dd_cols(ms.dataDescription());
    casacore::MSPolarizationColumns pol_cols(ms.polarization());
    casacore::MSSpWindowColumns spw_cols(ms.spectralWindow());
    casacore::MSFieldColumns field_cols(ms.field());
    SelectedRows selected = selectRows(ms, settings.selection, ms_path, true);
    const auto dds = casacore::ScalarColumn<int>(selected.table, "DATA_DESC_ID").getColumn();
    casacore::ArrayColumn<casacore::Complex> model_col(selected.table, "MODEL_DATA");
    for (std::size_t start = 0; start < dds.size();) {
      std::size_t end = start + 1;
      while (end < dds.size() && end - start < kChunkRows && dds[end] == dds[start]) ++end;
      const int spw = dd_cols.spectralWindowId()(dds[start]);
      const std::vector<double> freqs = spw_cols.chanFreq()(spw).tovector();
      const double centre = std::accumulate(freqs.begin(), freqs.end(), 0.0) / double(freqs.size());
      const casacore::Vector<int> types = pol_cols.corrType()(dd_cols.polarizationId()(dds[start]));
      std::vector<char> chosen(freqs.size(), 1);
      if (auto found = selected.channels.find(spw); found != selected.channels.end()) {
        std::fill(chosen.begin(), chosen.end(), 0);
        for (int ch : found->second)
          if (ch >= 0 && std::size_t(ch) < chosen.size()) chosen[std::size_t(ch)] = 1;
      }
      const Slicer slice(IPosition(1, long(start)), IPosition(1, long(end - start)));
      const auto fields = casacore::ScalarColumn<int>(selected.table, "FIELD_ID").getColumnRange(slice);
      casacore::Array<casacore::Complex> model = model_col.getColumnRange(slice);
      const std::size_t ncorr = types.size(), nchan = freqs.size();
      for (std::size_t r = 0; r < end - start; ++r) {
        if (fields[r] < 0 || std::size_t(fields[r]) >= models.size())
          throw std::runtime_error("setjy: '" + ms_path + "' has FIELD_ID " + std::to_string(fields[r]) +
                                   ", not a row of its FIELD table");
        const auto& field_model = models[std::size_t(fields[r])];
        if (!field_model) continue;
        for (std::size_t ch = 0; ch < nchan; ++ch) {
          if (!chosen[ch]) continue;
          const Stokes s = field_model->at(settings.scalebychan ? freqs[ch] : centre);
          for (std::size_t c = 0; c < ncorr; ++c) {
            const auto value = correlationOf(s, types[c]);
            model.data()[(r * nchan + ch) * ncorr + c] = casacore::Complex(float(value[0]), float(value[1]));
          }
        }
        result["rows"] = result["rows"].get<long>() + 1;
        auto& entry = result["fields"][std::to_string(fields[r])];
        entry["fieldName"] = field_cols.name()(fields[r]);
        entry["source"] = field_model->source();
        if (!entry["spws"].contains(std::to_string(spw))) {
          const Stokes s = field_model->at(centre);
          entry["spws"][std::to_string(spw)] = {{"fluxd", {s[0], s[1], s[2], s[3]}}, {"freq_hz", centre}};
          if (!field_model->covers(freqs.front()) || !field_model->covers(freqs.back()))
            spdlog::warn("setjy: spw {} of '{}' reaches outside the frequencies {} was fitted over", spw,
                         std::string(field_cols.name()(fields[r])), field_model->source());
        }
      }
      model_col.putColumnRange(slice, model);
      start = end;
    }
    ms.flush();
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("setjy: '" + ms_path + "' failed: " + std::string(error.getMesg()));
  }
  return result.dump();
}


void checkSetjyFields(const SetjySettings& settings) {
  const casacore::MeasurementSet ms(settings.vis);
  MsSelectionKeys fields_only;
  fields_only.field = settings.selection.field;
  const SelectedRows selected = selectRows(ms, fields_only, settings.vis, true);
  const auto ids = casacore::ScalarColumn<int>(selected.table, "FIELD_ID").getColumn();
  const std::set<int> chosen(ids.begin(), ids.end());
  const auto models = fieldModels(settings.vis, settings);
  casacore::MSFieldColumns cols(ms.field());
  std::size_t known = 0;
  for (int f : chosen) {
    if (f < 0 || std::size_t(f) >= models.size())
      throw std::runtime_error("setjy: '" + settings.vis + "' has FIELD_ID " + std::to_string(f) +
                               ", not a row of its FIELD table");
    if (models[std::size_t(f)]) {
      ++known;
    } else {
      spdlog::warn("setjy: field {} '{}' is not a {} source; its model is left as it is", f, std::string(cols.name()(f)),
                   settings.standard);
    }
  }
  if (known == 0)
    throw std::runtime_error("setjy: no selected field of '" + settings.vis + "' is a " + settings.standard +
                             " source; it knows " + perleyButler2017Sources());
}


}  // namespace ptclean::imager
