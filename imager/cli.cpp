#include "cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "config.h"
#include "imaging_settings.h"
#include "interrupts.h"
#include "log.h"
#include "ms_simulator.h"
#include "mpi_context.h"

namespace ptclean::imager {
namespace {

void printKeys(const std::vector<KeySpec>& keys) {
  for (const auto& key : keys)
    std::printf("%-18s %-14s %s\n", key.name.c_str(),
                key.default_value.empty() ? "(unset)" : key.default_value.c_str(), key.doc.c_str());
}

}  // namespace

int runCli(int argc, char** argv) {
  MpiContext mpi(argc, argv);
  CLI::App app{"ptclean: parallel radio-interferometric imaging (tclean-style, MPI + OpenMP)"};
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log from every rank, not only rank 0");

  std::string config_file;
  std::vector<std::string> overrides;
  auto* image = app.add_subcommand("image", "make images from MeasurementSets (keys: `ptclean keys image`)");
  image->add_option("config", config_file, "TOML file of tclean keys")->check(CLI::ExistingFile);
  image->add_option("--set", overrides, "key=value, overriding the config file")->take_all();
  ImageOptions image_options;
  image->add_option("--timings", image_options.timings_file, "write seconds per phase per rank to this JSON file");
  bool no_work_on_client = false;
  image->add_flag("--no-work-on-client", no_work_on_client, "rank 0 only reduces and deconvolves; the others grid");

  int sim_threads = 0;
  auto* simulate = app.add_subcommand("simulate", "write a simulated MeasurementSet (keys: `ptclean keys simulate`)");
  simulate->add_option("config", config_file, "TOML file of simulation keys")->check(CLI::ExistingFile);
  simulate->add_option("--set", overrides, "key=value, overriding the config file")->take_all();
  simulate->add_option("--threads", sim_threads, "threads (default: all cores)");

  std::string which;
  auto* keys = app.add_subcommand("keys", "list the config keys of a subcommand with their defaults");
  keys->add_option("subcommand", which, "image or simulate")->required()->check(CLI::IsMember({"image", "simulate"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (!mpi.isRoot()) return error.get_exit_code() == 0 ? 0 : 2;
    int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  setupLogging(mpi.roleName(), mpi.isRoot(), verbose);
  installInterruptHandlers();

  try {
    if (*keys) {
      if (mpi.isRoot()) printKeys(which == "image" ? imageKeys() : simulateKeys());
      return 0;
    }
    if (*image) {
      if (config_file.empty() && overrides.empty())
        throw ConfigError("give a config file or --set vis=... --set imagename=...");
      image_options.work_on_client = !no_work_on_client;
      return runImageCommand(mpi, config_file, overrides, image_options);
    }
    if (*simulate) {
      int code = 0;
      std::string error;
      if (mpi.isRoot()) {
        try {
          code = runSimulateCommand(config_file, overrides, sim_threads > 0 ? sim_threads : threadsPerRank({}, mpi));
        } catch (const ConfigError&) {
          throw;
        } catch (const std::exception& e) {
          error = e.what();
        }
      }
      mpi.checkAll(error.empty(), error);
      return code;
    }
  } catch (const Interrupted& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return 130;
  } catch (const RankFailure& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return std::string(error.what()).find("interrupted by") != std::string::npos ? 130 : 1;
  } catch (const ConfigError& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    if (mpi.isRoot() || dynamic_cast<const RankFailure*>(&error) == nullptr)
      std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return 1;
  }
  return 0;
}

}  // namespace ptclean::imager
