#include "sweep_settings.h"

#include <sstream>
#include <utility>

#include "sweep_text.h"

namespace ptclean::bench {

void Settings::overlay(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) return;
  const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  try {
    auto parsed = toml::parse("v = " + value);
    if (auto* node = parsed.get("v")) {
      table.insert_or_assign(key, *node);
      return;
    }
  } catch (const toml::parse_error&) {
  }
  table.insert_or_assign(key, value);
}

std::string Settings::str(const std::string& key, const std::string& fallback) const {
  if (auto v = table[key].value<std::string>()) return *v;
  if (auto v = table[key].value<double>()) {
    std::ostringstream ss;
    ss << *v;
    return ss.str();
  }
  return fallback;
}

std::vector<std::string> Settings::list(const std::string& key) const {
  std::vector<std::string> out;
  if (auto* arr = table[key].as_array()) {
    for (auto& item : *arr)
      if (auto v = item.value<std::string>()) out.push_back(*v);
  } else if (auto v = table[key].value<std::string>()) {
    out.push_back(*v);
  }
  return out;
}

std::vector<long> Settings::ints(const std::string& key) const {
  std::vector<long> out;
  if (auto* arr = table[key].as_array()) {
    for (auto& item : *arr)
      if (auto v = item.value<long>()) out.push_back(*v);
  } else if (auto v = table[key].value<long>()) {
    out.push_back(*v);
  }
  return out;
}

namespace {

/// WSClean's -scale from a tclean cell ("4arcsec" -> "4asec", "1arcmin" -> "1amin").
std::string wscleanScale(std::string cell) {
  for (auto [from, to] : {std::pair<const char*, const char*>{"arcsec", "asec"}, {"arcmin", "amin"}}) {
    const auto at = cell.find(from);
    if (at != std::string::npos) cell.replace(at, std::string(from).size(), to);
  }
  return cell;
}

}  // namespace

std::string wscleanArgs(const Settings& s, int cores, const std::string& name) {
  std::vector<long> size = s.ints("imsize");
  if (size.empty()) size = {512};
  if (size.size() == 1) size.push_back(size[0]);
  std::string args = "-quiet -reorder -pol I -j " + std::to_string(cores) + " -size " + std::to_string(size[0]) + " " +
                     std::to_string(size[1]);
  const std::string cell = s.str("cell");
  if (!cell.empty()) args += " -scale " + wscleanScale(cell);
  const std::string weighting = s.str("weighting", "natural");
  if (weighting == "briggs")
    args += " -weight briggs " + s.str("robust", "0.5");
  else
    args += " -weight " + weighting;
  const std::string column = s.str("datacolumn", "corrected");
  args += std::string(" -data-column ") + (column == "data" ? "DATA" : column == "model" ? "MODEL_DATA" : "CORRECTED_DATA");
  const std::vector<long> niter = s.ints("niter");
  args += " -niter " + std::to_string(niter.empty() ? 0 : niter[0]);
  if (!niter.empty() && niter[0] > 0) args += " -gain " + s.str("gain", "0.1");
  args += " -name " + quote(name);
  for (const auto& ms : s.list("vis")) args += " " + quote(ms);
  return args;
}

}  // namespace ptclean::bench
