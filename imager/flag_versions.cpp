#include "flag_versions.h"

#include <casacore/casa/Exceptions/Error.h>
#include <casacore/tables/Tables/Table.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

namespace ptclean::imager {
namespace fs = std::filesystem;

void saveFlagVersion(const std::string& ms_path, const std::string& name, const std::string& comment) {
  const fs::path folder = ms_path + ".flagversions";
  const fs::path table = folder / ("flags." + name);
  if (fs::exists(table)) throw std::runtime_error("flag version '" + name + "' already exists in " + folder.string());
  fs::create_directories(folder);
  try {
    casacore::Table ms(ms_path);
    casacore::Block<casacore::String> columns(2);
    columns[0] = "FLAG";
    columns[1] = "FLAG_ROW";
    ms.project(columns).deepCopy(table.string(), casacore::Table::New);
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("cannot save flag version " + table.string() + ": " + std::string(error.getMesg()));
  }
  const fs::path list = folder / "FLAG_VERSION_LIST";
  std::set<std::string> listed;
  if (std::ifstream in(list); in)
    for (std::string line; std::getline(in, line);) listed.insert(line.substr(0, line.find(" : ")));
  std::ofstream out(list, std::ios::app);
  if (!listed.count("main")) out << "main : working copy in main table\n";
  out << name << " : " << comment << "\n";
  if (!out) throw std::runtime_error("cannot write " + list.string());
}

std::string autosaveFlags(const std::string& ms_path, const std::string& task) {
  std::string name;
  for (int n = 1;; ++n) {
    name = task + "_" + std::to_string(n);
    if (!fs::exists(ms_path + ".flagversions/flags." + name)) break;
  }
  char text[64];
  const std::time_t t = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
  saveFlagVersion(ms_path, name, "Flags autosave on " + std::string(text));
  return name;
}

}  // namespace ptclean::imager
