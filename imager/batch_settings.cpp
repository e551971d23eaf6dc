#include "batch_settings.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "config.h"
#include "imaging_settings.h"

namespace ptclean::imager {

namespace {

std::string tomlText(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

/// A matrix value as it appears in a job name: letters, digits, '-' and '.' kept.
std::string nameOf(const toml::node& node) {
  std::string text = node.is_string() ? *node.value<std::string>() : tomlText(node);
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '-';
  return out;
}

void checkName(const std::string& name, const std::string& file) {
  const bool ok = !name.empty() && name != "." && name != ".." && name != "weblog" &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                  });
  if (!ok)
    throw ConfigError(file + ": job name '" + name +
                      "' must be letters, digits, '_', '-' or '.' (and not 'weblog'), as it names a folder");
}

/// Sets `key` in `keys` (replacing an earlier value).
void setKey(std::vector<std::string>& keys, const std::string& key, const std::string& toml_value) {
  const std::string prefix = key + "=";
  keys.erase(std::remove_if(keys.begin(), keys.end(), [&](const std::string& k) { return k.rfind(prefix, 0) == 0; }),
             keys.end());
  keys.push_back(prefix + toml_value);
}

struct MatrixAxis {
  std::string key;
  std::vector<const toml::node*> values;
};

}  // namespace

std::string jobToml(const BatchJob& job) {
  std::string out = "# ptclean batch job '" + job.name + "'\n";
  for (const auto& k : job.keys) {
    const auto eq = k.find('=');
    out += k.substr(0, eq) + " = " + k.substr(eq + 1) + "\n";
  }
  return out;
}

BatchSettings loadBatchSettings(const std::string& file, const std::vector<std::string>& overrides) {
  toml::table doc;
  try {
    doc = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    throw ConfigError(file + ": " + std::string(e.description()) + " at " + where.str());
  }
  static const std::vector<KeySpec> top_keys{{"outdir", KeyType::String, "", ""},
                                             {"ranks_per_job", KeyType::Int, "", ""},
                                             {"defaults", KeyType::Any, "", ""},
                                             {"matrix", KeyType::Any, "", ""},
                                             {"job", KeyType::Any, "", ""}};
  for (const auto& [key, value] : doc) {
    const std::string name(key.str());
    if (std::none_of(top_keys.begin(), top_keys.end(), [&](const KeySpec& k) { return k.name == name; })) {
      const std::string near = closestKey(top_keys, name);
      throw ConfigError(file + ": unknown key '" + name + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
  }
  BatchSettings settings;
  if (auto outdir = doc["outdir"]) {
    if (!outdir.is_string()) throw ConfigError(file + ": key 'outdir' must be a string");
    settings.outdir = *outdir.value<std::string>();
  }
  if (auto ranks = doc["ranks_per_job"]) {
    if (!ranks.is_integer() || *ranks.value<int64_t>() < 1)
      throw ConfigError(file + ": key 'ranks_per_job' must be a positive integer");
    settings.ranks_per_job = int(*ranks.value<int64_t>());
  }

  std::vector<std::string> defaults;
  if (auto table = doc["defaults"]) {
    if (!table.is_table()) throw ConfigError(file + ": [defaults] must be a table");
    for (const auto& [key, value] : *table.as_table()) setKey(defaults, std::string(key.str()), tomlText(value));
  }
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw ConfigError("--set " + o + ": expected key=value");
    const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
    if (key == "outdir") {
      settings.outdir = value;
    } else if (key == "ranks_per_job") {
      try {
        settings.ranks_per_job = std::stoi(value);
      } catch (const std::exception&) {
        settings.ranks_per_job = 0;
      }
      if (settings.ranks_per_job < 1) throw ConfigError("--set ranks_per_job: must be a positive integer");
    } else {
      setKey(defaults, key, value);
    }
  }

  std::vector<BatchJob> jobs;
  if (auto matrix_node = doc["matrix"]) {
    const toml::table* matrix = matrix_node.as_table();
    if (!matrix) throw ConfigError(file + ": [matrix] must be a table");
    std::vector<MatrixAxis> axes;
    bool continuum = false;
    for (const auto& [key, value] : *matrix) {
      const std::string name(key.str());
      if (name == "continuum") {
        if (!value.is_boolean()) throw ConfigError(file + ": matrix key 'continuum' must be true or false");
        continuum = *value.value<bool>();
        continue;
      }
      const toml::array* list = value.as_array();
      if (!list || list->empty()) throw ConfigError(file + ": matrix key '" + name + "' must be a non-empty list");
      MatrixAxis axis{name, {}};
      for (const auto& v : *list) axis.values.push_back(&v);
      axes.push_back(std::move(axis));
    }
    // Every combination, the first axis slowest (as the pipeline lists targets, then spws).
    std::vector<std::size_t> at(axes.size(), 0);
    while (!axes.empty()) {
      BatchJob job;
      job.keys = defaults;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const auto& value = *axes[a].values[at[a]];
        setKey(job.keys, axes[a].key, tomlText(value));
        job.name += (a ? "_" : "") + axes[a].key + nameOf(value);
      }
      jobs.push_back(std::move(job));
      std::size_t a = axes.size();
      while (a > 0 && ++at[a - 1] == axes[a - 1].values.size()) at[--a] = 0;
      if (a == 0) break;
    }
    if (continuum) {
      auto spw = std::find_if(axes.begin(), axes.end(), [](const MatrixAxis& x) { return x.key == "spw"; });
      if (spw == axes.end()) throw ConfigError(file + ": matrix 'continuum = true' needs a 'spw' list");
      std::string all;
      for (const auto* v : spw->values) all += (all.empty() ? "" : ",") + (v->is_string() ? *v->value<std::string>() : tomlText(*v));
      std::vector<MatrixAxis> others;
      for (const auto& x : axes)
        if (x.key != "spw") others.push_back(x);
      std::vector<std::size_t> pos(others.size(), 0);
      while (true) {
        BatchJob job;
        job.keys = defaults;
        for (std::size_t a = 0; a < others.size(); ++a) {
          setKey(job.keys, others[a].key, tomlText(*others[a].values[pos[a]]));
          job.name += others[a].key + nameOf(*others[a].values[pos[a]]) + "_";
        }
        setKey(job.keys, "spw", tomlText(toml::value<std::string>(all)));
        job.name += "cont";
        jobs.push_back(std::move(job));
        std::size_t a = others.size();
        while (a > 0 && ++pos[a - 1] == others[a - 1].values.size()) pos[--a] = 0;
        if (a == 0) break;
      }
    }
  }
  if (auto list = doc["job"]) {
    const toml::array* array = list.as_array();
    if (!array || !array->is_array_of_tables()) throw ConfigError(file + ": 'job' must be an array of tables ([[job]])");
    for (const auto& node : *array) {
      const toml::table& table = *node.as_table();
      BatchJob job;
      job.keys = defaults;
      for (const auto& [key, value] : table) {
        const std::string name(key.str());
        if (name == "name") {
          if (!value.is_string()) throw ConfigError(file + ": a job's 'name' must be a string");
          job.name = *value.value<std::string>();
        } else if (name == "env") {
          const toml::table* env = value.as_table();
          if (!env) throw ConfigError(file + ": a job's 'env' must be a table of strings");
          for (const auto& [var, text] : *env) {
            if (!text.is_string()) throw ConfigError(file + ": env value '" + std::string(var.str()) + "' must be a string");
            job.env[std::string(var.str())] = *text.value<std::string>();
          }
        } else {
          setKey(job.keys, name, tomlText(value));
        }
      }
      if (job.name.empty()) throw ConfigError(file + ": a [[job]] has no 'name'");
      jobs.push_back(std::move(job));
    }
  }
  if (jobs.empty()) throw ConfigError(file + ": no jobs (give a [matrix] or [[job]] entries)");

  std::set<std::string> names;
  for (auto& job : jobs) {
    checkName(job.name, file);
    // As the pipeline does, each job's images are named after it, in its own folder.
    setKey(job.keys, "imagename", tomlText(toml::value<std::string>(settings.outdir + "/" + job.name + "/" + job.name)));
    if (!names.insert(job.name).second) throw ConfigError(file + ": two jobs are named '" + job.name + "'");
    try {
      const Config config = Config::load(imageKeys(), "", job.keys);
      imagingSettingsFrom(config);
    } catch (const std::exception& e) {
      throw ConfigError(file + ": job '" + job.name + "': " + e.what());
    }
  }
  settings.jobs = std::move(jobs);
  return settings;
}

}  // namespace ptclean::imager
