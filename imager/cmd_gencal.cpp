// `ptclean gencal`: a calibration table of given values (gencal_table.h), written by rank 0.
#include "commands.h"
#include "gencal_table.h"
#include "log.h"
#include "mpi_context.h"

namespace ptclean::imager {

int runGencalCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides) {
  if (!mpi.isRoot()) return 0;
  const GencalSettings settings = gencalSettingsFrom(Config::load(gencalKeys(), config_file, overrides));
  const CalTable table = writeGencalTable(settings);
  spdlog::info("gencal: {} written ({}, {} solutions)", settings.caltable, visCalName(table.type), table.solutions.size());
  return 0;
}

}  // namespace ptclean::imager
