#include "config.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <toml++/toml.h>

#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/casa/Quanta/MVAngle.h>

namespace ptclean::imager {
namespace {

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string typeName(KeyType type) {
  switch (type) {
    case KeyType::Bool: return "a boolean (true/false)";
    case KeyType::Int: return "an integer";
    case KeyType::Double: return "a number";
    case KeyType::String: return "a string";
    case KeyType::StringList: return "a string or a list of strings";
    case KeyType::IntList: return "an integer or a list of integers";
    case KeyType::DoubleList: return "a number or a list of numbers";
    case KeyType::Any: return "a value";
  }
  return "a value";
}

/// Parses TOML value text by wrapping it as `v = <text>`.
std::optional<toml::table> parseValue(const std::string& text) {
  try {
    return toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

std::string nodeToText(const toml::node& node) {
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << toml::toml_formatter{value}; });
  return out.str();
}

bool isNumber(const toml::node& n) { return n.is_integer() || n.is_floating_point(); }

bool matchesType(const toml::node& node, KeyType type) {
  auto allOf = [&node](auto predicate) {
    if (!node.is_array()) return predicate(node);
    const auto& array = *node.as_array();
    return std::all_of(array.begin(), array.end(), [&](const toml::node& n) { return predicate(n); });
  };
  switch (type) {
    case KeyType::Bool: return node.is_boolean();
    case KeyType::Int: return node.is_integer();
    case KeyType::Double: return isNumber(node);
    case KeyType::String: return node.is_string();
    case KeyType::StringList: return allOf([](const toml::node& n) { return n.is_string(); });
    case KeyType::IntList: return allOf([](const toml::node& n) { return n.is_integer(); });
    case KeyType::DoubleList: return allOf([](const toml::node& n) { return isNumber(n); });
    case KeyType::Any: return true;
  }
  return false;
}

const KeySpec* findSpec(const std::vector<KeySpec>& table, const std::string& key) {
  for (const auto& spec : table)
    if (spec.name == key) return &spec;
  return nullptr;
}

[[noreturn]] void unknownKey(const std::vector<KeySpec>& table, const std::string& key,
                             const std::string& where) {
  std::string message = "unknown key '" + key + "'" + where;
  std::string nearest = closestKey(table, key);
  if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
  throw ConfigError(message);
}

double parseQuantity(const std::string& text, const std::string& what, const std::string& unit,
                     const std::string& bare_unit) {
  casacore::Quantity quantity;
  std::string trimmed = text;
  trimmed.erase(0, trimmed.find_first_not_of(" \t"));
  trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
  char* end = nullptr;
  double bare = std::strtod(trimmed.c_str(), &end);
  if (!trimmed.empty() && end && *end == '\0') {
    if (bare_unit.empty()) throw ConfigError(what + ": '" + text + "' needs a unit (e.g. " + unit + ")");
    quantity = casacore::Quantity(bare, bare_unit.c_str());
  } else if (!casacore::Quantity::read(quantity, trimmed) || !quantity.isConform(unit)) {
    throw ConfigError(what + ": '" + text + "' is not a quantity in units of " + unit);
  }
  return quantity.getValue(unit);
}

}  // namespace

std::string closestKey(const std::vector<KeySpec>& table, const std::string& key) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, key.size() / 3) + 1;
  for (const auto& spec : table) {
    std::size_t d = editDistance(key, spec.name);
    if (spec.name.find(key) != std::string::npos || key.find(spec.name) != std::string::npos)
      d = std::min<std::size_t>(d, 2);
    if (d < best_distance) {
      best_distance = d;
      best = spec.name;
    }
  }
  return best;
}

double parseAngle(const std::string& text, const std::string& what) {
  return parseQuantity(text, what, "rad", "");
}

double parseFluxDensity(const std::string& text, const std::string& what) {
  return parseQuantity(text, what, "Jy", "");
}

double parseFrequency(const std::string& text, const std::string& what) {
  return parseQuantity(text, what, "Hz", "");
}

Config Config::load(const std::vector<KeySpec>& table, const std::string& file,
                    const std::vector<std::string>& overrides) {
  Config config;
  config.table_ = table;
  std::map<std::string, std::pair<std::string, bool>> values;  // key -> (toml text, given)
  for (const auto& spec : table)
    if (!spec.default_value.empty()) values[spec.name] = {spec.default_value, false};

  auto accept = [&](const std::string& key, const toml::node& node, const std::string& where) {
    const KeySpec* spec = findSpec(table, key);
    if (!spec) unknownKey(table, key, where);
    if (!matchesType(node, spec->type))
      throw ConfigError("key '" + key + "'" + where + " must be " + typeName(spec->type) +
                        ", not " + nodeToText(node));
    values[key] = {nodeToText(node), true};
  };

  if (!file.empty()) {
    toml::table parsed;
    try {
      parsed = toml::parse_file(file);
    } catch (const toml::parse_error& error) {
      std::ostringstream message;
      message << "config file '" << file << "' is not valid TOML at line "
              << error.source().begin.line << ": " << error.description();
      throw ConfigError(message.str());
    } catch (const std::exception& error) {
      throw ConfigError("cannot read config file '" + file + "': " + error.what());
    }
    for (const auto& [key, node] : parsed) accept(std::string(key.str()), node, " in " + file);
  }
  for (const auto& assignment : overrides) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--set '" + assignment + "' must be key=value");
    std::string key = assignment.substr(0, eq);
    std::string text = assignment.substr(eq + 1);
    const KeySpec* spec = findSpec(table, key);
    if (!spec) unknownKey(table, key, " in --set");
    auto parsed = parseValue(text);
    // Bare words (cell=1arcsec, vis=/data/x.ms) are strings; so is anything that only parses
    // as a number when a string is wanted (field=0, spw=1).
    bool wants_string = spec->type == KeyType::String || spec->type == KeyType::StringList;
    if (!parsed || (wants_string && !(*parsed)["v"].is_string() && !(*parsed)["v"].is_array())) {
      toml::table literal;
      literal.insert("v", text);
      accept(key, *literal.get("v"), " in --set");
    } else {
      accept(key, *parsed->get("v"), " in --set");
    }
  }
  for (const auto& spec : table) {
    auto found = values.find(spec.name);
    if (found == values.end()) continue;
    config.entries_.push_back({findSpec(config.table_, spec.name), found->second.first,
                               found->second.second});
  }
  return config;
}

const Config::Entry& Config::entry(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.spec->name == key) return e;
  if (!findSpec(table_, key)) throw std::logic_error("key '" + key + "' is not in the key table");
  throw ConfigError("key '" + key + "' is required but was not given");
}

bool Config::has(const std::string& key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.spec->name == key; });
}

bool Config::given(const std::string& key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.spec->name == key && e.given; });
}

namespace {
toml::table parsedEntry(const std::string& key, const std::string& text) {
  auto parsed = parseValue(text);
  if (!parsed) throw ConfigError("key '" + key + "' has an unreadable value: " + text);
  return *parsed;
}
/// The value as T, or a ConfigError naming the key: keys of type Any take every TOML value, so
/// their reader may find another type than it asks for (found by fuzzing: `reffreq = 4.25`).
template <typename T>
T valueAs(const std::string& key, const toml::node& node, const char* wanted) {
  if constexpr (std::is_same_v<T, double>)
    if (node.is_integer()) return double(*node.value<int64_t>());
  const std::optional<T> value = node.value<T>();
  if (!value) throw ConfigError("key '" + key + "' must be " + wanted + ", not " + nodeToText(node));
  return *value;
}
template <typename T>
std::vector<T> listOf(const std::string& key, const std::string& text) {
  auto table = parsedEntry(key, text);
  std::vector<T> out;
  const toml::node& node = *table.get("v");
  auto take = [&](const toml::node& n) {
    if constexpr (std::is_same_v<T, double>) {
      out.push_back(valueAs<double>(key, n, "a number or a list of numbers"));
    } else if constexpr (std::is_same_v<T, long>) {
      out.push_back(long(valueAs<int64_t>(key, n, "an integer or a list of integers")));
    } else {
      out.push_back(valueAs<std::string>(key, n, "a string or a list of strings"));
    }
  };
  if (node.is_array()) {
    for (const auto& n : *node.as_array()) take(n);
  } else {
    take(node);
  }
  return out;
}
}  // namespace

bool Config::boolean(const std::string& key) const {
  return valueAs<bool>(key, *parsedEntry(key, entry(key).toml_text).get("v"), "a boolean (true/false)");
}
long Config::integer(const std::string& key) const {
  return long(valueAs<int64_t>(key, *parsedEntry(key, entry(key).toml_text).get("v"), "an integer"));
}
double Config::real(const std::string& key) const {
  const auto values = listOf<double>(key, entry(key).toml_text);
  if (values.empty()) throw ConfigError("key '" + key + "' must be a number, not []");
  return values[0];
}
std::string Config::string(const std::string& key) const {
  return valueAs<std::string>(key, *parsedEntry(key, entry(key).toml_text).get("v"), "a string");
}
std::vector<std::string> Config::stringList(const std::string& key) const {
  return listOf<std::string>(key, entry(key).toml_text);
}
std::vector<long> Config::intList(const std::string& key) const {
  return listOf<long>(key, entry(key).toml_text);
}
std::vector<double> Config::realList(const std::string& key) const {
  return listOf<double>(key, entry(key).toml_text);
}
std::string Config::rawToml(const std::string& key) const { return entry(key).toml_text; }

double Config::angleRad(const std::string& key, const std::string& bare_unit) const {
  auto all = angleListRad(key, bare_unit);
  return all.at(0);
}

std::vector<double> Config::angleListRad(const std::string& key, const std::string& bare_unit) const {
  auto table = parsedEntry(key, entry(key).toml_text);
  const toml::node& node = *table.get("v");
  std::vector<double> out;
  auto take = [&](const toml::node& n) {
    if (n.is_string()) {
      out.push_back(parseQuantity(n.value<std::string>().value(), "key '" + key + "'", "rad", bare_unit));
    } else if (isNumber(n)) {
      double v = n.is_integer() ? double(n.value<int64_t>().value()) : n.value<double>().value();
      out.push_back(parseQuantity(std::to_string(v), "key '" + key + "'", "rad", bare_unit));
    } else {
      throw ConfigError("key '" + key + "' must be an angle such as '1arcsec'");
    }
  };
  if (node.is_array()) {
    for (const auto& n : *node.as_array()) take(n);
  } else {
    take(node);
  }
  if (out.empty()) throw ConfigError("key '" + key + "' is empty");
  return out;
}

std::string Config::dump() const {
  std::ostringstream out;
  for (const auto& e : entries_) out << e.spec->name << " = " << e.toml_text << "\n";
  return out.str();
}

}  // namespace ptclean::imager
