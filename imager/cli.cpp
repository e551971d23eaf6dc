#include "cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "config.h"
#include "imaging_settings.h"
#include "fault_reports.h"
#include "interrupts.h"
#include "log.h"
#include "ms_simulator.h"
#include "mpi_context.h"
#include "data_task_settings.h"
#include "flag_settings.h"
#include "mstransform_task.h"
#include "uvcontsub_task.h"
#include "partition_settings.h"
#include "virtualconcat_settings.h"
#include "applycal_task.h"
#include "setjy_task.h"
#include "gencal_table.h"

namespace ptclean::imager {
namespace {

void printKeys(const std::vector<KeySpec>& keys) {
  for (const auto& key : keys)
    std::printf("%-18s %-14s %s\n", key.name.c_str(),
                key.default_value.empty() ? "(unset)" : key.default_value.c_str(), key.doc.c_str());
}

/// A task whose every key is also an option `--name value`, as CASA users type task parameters.
struct TaskCommand {
  CLI::App* command = nullptr;
  std::vector<std::pair<std::string, std::string>> values;  ///< key name, value given ("" = none)
  /// The options given, as "key=value" overrides after those of --set.
  void addOverrides(std::vector<std::string>& overrides) const {
    for (const auto& [name, value] : values)
      if (!value.empty()) overrides.push_back(name + "=" + value);
  }
};

void addTaskCommand(CLI::App& app, TaskCommand& task, const std::string& name, const std::string& description,
                    const std::vector<KeySpec>& keys, std::string& config_file, std::vector<std::string>& overrides) {
  task.command = app.add_subcommand(name, description + " (keys: `ptclean keys " + name + "`)");
  task.command->add_option("config", config_file, "TOML file of " + name + " keys")->check(CLI::ExistingFile);
  task.command->add_option("--set", overrides, "key=value, overriding the config file")->take_all();
  task.values.reserve(keys.size());
  for (const auto& key : keys) {
    task.values.emplace_back(key.name, "");
    task.command->add_option("--" + key.name, task.values.back().second, key.doc);
  }
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
  image->add_option("--result", image_options.result_file,
                    "write peak, rms, beam, flux, iterations, stop reason and outputs to this JSON file, last");
  image->add_option("--checkpoint", image_options.checkpoint_file,
                    "write a checkpoint (HDF5) to this file after each major cycle (as checkpoint=true)");
  image->add_option("--restart", image_options.restart_file,
                    "continue the run saved in this checkpoint after its last complete major cycle")
      ->check(CLI::ExistingFile);
  bool no_work_on_client = false;
  image->add_flag("--no-work-on-client", no_work_on_client, "rank 0 only reduces and deconvolves; the others grid");

  int sim_threads = 0;
  auto* simulate = app.add_subcommand("simulate", "write a simulated MeasurementSet (keys: `ptclean keys simulate`)");
  simulate->add_option("config", config_file, "TOML file of simulation keys")->check(CLI::ExistingFile);
  simulate->add_option("--set", overrides, "key=value, overriding the config file")->take_all();
  simulate->add_option("--threads", sim_threads, "threads (default: all cores)");

  TaskCommand partition, split, hanningsmooth, flagdata, uvcontsub, mstransform, cvel2, setjy, applycal, gencal;
  addTaskCommand(app, partition, "partition", "write a Multi-MS from an MS, as CASA's partition", partitionKeys(),
                 config_file, overrides);
  addTaskCommand(app, split, "split", "copy selected data of an MS or Multi-MS, averaging channels, as CASA's split",
                 splitKeys(), config_file, overrides);
  addTaskCommand(app, hanningsmooth, "hanningsmooth",
                 "smooth an MS or Multi-MS along frequency with the Hanning kernel, as CASA's hanningsmooth",
                 hanningsmoothKeys(), config_file, overrides);
  addTaskCommand(app, flagdata, "flagdata", "flag an MS or Multi-MS in place, or count its flags, as CASA's flagdata",
                 flagdataKeys(), config_file, overrides);
  addTaskCommand(app, uvcontsub, "uvcontsub",
                 "subtract a polynomial continuum fitted to line-free channels, as CASA's uvcontsub", uvcontsubKeys(),
                 config_file, overrides);
  addTaskCommand(app, mstransform, "mstransform",
                 "select, regrid to another frame and average channels of an MS or Multi-MS, as CASA's mstransform",
                 mstransformKeys(), config_file, overrides);
  addTaskCommand(app, cvel2, "cvel2", "regrid an MS or Multi-MS to another frame and channel grid, as CASA's cvel2",
                 cvel2Keys(), config_file, overrides);
  addTaskCommand(app, setjy, "setjy", "set MODEL_DATA of calibrators to a flux density standard, as CASA's setjy",
                 setjyKeys(), config_file, overrides);
  addTaskCommand(app, applycal, "applycal",
                 "apply G, T, B and K calibration tables, writing CORRECTED_DATA, as CASA's applycal", applycalKeys(),
                 config_file, overrides);
  addTaskCommand(app, gencal, "gencal", "write a G (amp, ph) or K (sbd) calibration table of given values, as CASA's gencal",
                 gencalKeys(), config_file, overrides);

  std::string listobs_vis, listobs_file;
  bool listobs_json = false, listobs_overwrite = false;
  auto* listobs = app.add_subcommand("listobs", "summarise an MS or Multi-MS: scans, fields, spws, antennas, as CASA's listobs");
  listobs->add_option("vis", listobs_vis, "the MS or Multi-MS")->required();
  listobs->add_flag("--json", listobs_json, "the summary as JSON");
  listobs->add_option("--listfile", listobs_file, "write to this file instead of standard output");
  listobs->add_flag("--overwrite", listobs_overwrite, "replace an existing listfile");

  // virtualconcat: every key also as `--name value` (vis and visweightscale take several values).
  auto* virtualconcat = app.add_subcommand(
      "virtualconcat", "make a Multi-MS of several MSs, as CASA's virtualconcat (keys: `ptclean keys virtualconcat`)");
  virtualconcat->add_option("config", config_file, "TOML file of virtualconcat keys")->check(CLI::ExistingFile);
  virtualconcat->add_option("--set", overrides, "key=value, overriding the config file")->take_all();
  std::vector<std::pair<const KeySpec*, std::vector<std::string>>> virtualconcat_values;
  virtualconcat_values.reserve(virtualconcatKeys().size());
  for (const auto& key : virtualconcatKeys()) {
    virtualconcat_values.emplace_back(&key, std::vector<std::string>{});
    auto* option = virtualconcat->add_option("--" + key.name, virtualconcat_values.back().second, key.doc);
    if (key.type != KeyType::StringList && key.type != KeyType::DoubleList) option->expected(1);
  }

  std::string listed_vis, listfile;
  bool list_json = false;
  auto* listpartition = app.add_subcommand("listpartition", "describe the Sub-MSs of a Multi-MS, as CASA's listpartition");
  listpartition->add_option("vis", listed_vis, "the Multi-MS (or MS)")->required();
  listpartition->add_flag("--json,--createdict", list_json, "CASA's createdict structure as JSON");
  listpartition->add_option("--listfile", listfile, "write the output to this file instead of standard output");

  auto* batch = app.add_subcommand("batch", "make many images, as the ALMA pipeline does: rank 0 hands out the jobs "
                                             "of a batch file to the other ranks (docs/user-guide.md)");
  batch->add_option("jobs", config_file, "TOML batch file: [defaults], [matrix], [[job]]")->required()->check(CLI::ExistingFile);
  batch->add_option("--set", overrides, "key=value, overriding the batch file's [defaults]")->take_all();
  BatchOptions batch_options;
  batch->add_flag("--resume", batch_options.resume, "skip the jobs whose outputs are complete; rerun the others");

  std::string which;
  auto* keys = app.add_subcommand("keys", "list the config keys of a subcommand with their defaults");
  keys->add_option("subcommand", which, "image, simulate, partition, virtualconcat, split, hanningsmooth, flagdata, uvcontsub, mstransform, cvel2, setjy, applycal or gencal")
      ->required()
      ->check(CLI::IsMember({"image", "simulate", "partition", "virtualconcat", "split", "hanningsmooth", "flagdata",
                             "uvcontsub", "mstransform", "cvel2", "setjy", "applycal", "gencal"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (!mpi.isRoot()) return error.get_exit_code() == 0 ? 0 : 2;
    int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  // Data tasks log from every rank, as CASA's MPIServer-N lines show which server did what.
  const bool data_task = *split.command || *hanningsmooth.command || *flagdata.command || *uvcontsub.command ||
                         *mstransform.command || *cvel2.command || *setjy.command || *applycal.command;
  setupLogging(mpi.roleName(), mpi.isRoot(), verbose || data_task);
  installInterruptHandlers();
  installCrashReports(mpi.size() > 1 ? mpi.who() : "ptclean");

  try {
    if (*keys) {
      if (mpi.isRoot())
        printKeys(which == "image"           ? imageKeys()
                  : which == "partition"     ? partitionKeys()
                  : which == "virtualconcat" ? virtualconcatKeys()
                  : which == "split"         ? splitKeys()
                  : which == "hanningsmooth" ? hanningsmoothKeys()
                  : which == "flagdata"      ? flagdataKeys()
                  : which == "uvcontsub"     ? uvcontsubKeys()
                  : which == "mstransform"   ? mstransformKeys()
                  : which == "cvel2"         ? cvel2Keys()
                  : which == "setjy"         ? setjyKeys()
                  : which == "applycal"      ? applycalKeys()
                  : which == "gencal"        ? gencalKeys()
                                             : simulateKeys());
      return 0;
    }
    if (*image) {
      if (config_file.empty() && overrides.empty() && image_options.restart_file.empty())
        throw ConfigError("give a config file, --set vis=... --set imagename=..., or --restart FILE.h5");
      image_options.work_on_client = !no_work_on_client;
      return runImageCommand(mpi, config_file, overrides, image_options);
    }
    if (*batch) return runBatchCommand(mpi, config_file, overrides, batch_options);
    if (*partition.command) {
      partition.addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis IN --outputvis OUT");
      return runPartitionCommand(mpi, config_file, overrides);
    }
    for (TaskCommand* task : {&split, &hanningsmooth}) {
      if (!*task->command) continue;
      task->addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis IN --outputvis OUT");
      return runSplitCommand(mpi, task->command->get_name(), config_file, overrides);
    }
    if (*flagdata.command) {
      flagdata.addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis MS --mode MODE ...");
      return runFlagdataCommand(mpi, config_file, overrides);
    }
    for (TaskCommand* task : {&mstransform, &cvel2}) {
      if (!*task->command) continue;
      task->addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis IN --outputvis OUT");
      return runMstransformCommand(mpi, task->command->get_name(), config_file, overrides);
    }
    const std::pair<TaskCommand*, int (*)(const MpiContext&, const std::string&, const std::vector<std::string>&)>
        calibration_tasks[] = {{&setjy, runSetjyCommand}, {&applycal, runApplycalCommand}, {&gencal, runGencalCommand}};
    for (const auto& [task, run] : calibration_tasks) {
      if (!*task->command) continue;
      task->addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis MS ...");
      return run(mpi, config_file, overrides);
    }
    if (*uvcontsub.command) {
      uvcontsub.addOverrides(overrides);
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis MS --fitspw ...");
      return runUvcontsubCommand(mpi, config_file, overrides);
    }
    if (*listobs) {
      if (!mpi.isRoot()) return 0;
      return runListObsCommand(listobs_vis, listobs_json, listobs_file, listobs_overwrite);
    }
    if (*virtualconcat) {
      for (const auto& [key, values] : virtualconcat_values)
        if (!values.empty()) overrides.push_back(virtualconcatOverride(*key, values));
      if (config_file.empty() && overrides.empty()) throw ConfigError("give a config file or --vis A B ... --concatvis OUT");
      return runVirtualConcatCommand(mpi, config_file, overrides);
    }
    if (*listpartition) {
      if (!mpi.isRoot()) return 0;
      return runListPartitionCommand(listed_vis, list_json, listfile);
    }
    if (*simulate) {
      // Rank 0 simulates; the others learn how it went, so that none waits for a rank that left.
      int code = 0;
      std::string outcome;  // "" for success, else 'C' (a config error) or 'E' and the message
      if (mpi.isRoot()) {
        try {
          code = runSimulateCommand(config_file, overrides, sim_threads > 0 ? sim_threads : threadsPerRank({}, mpi));
        } catch (const ConfigError& e) {
          outcome = std::string("C") + e.what();
        } catch (const std::exception& e) {
          outcome = std::string("E") + e.what();
        }
      }
      mpi.broadcast(outcome);
      if (!outcome.empty() && outcome[0] == 'C') throw ConfigError(outcome.substr(1));
      if (!outcome.empty()) throw RankFailure(outcome.substr(1));
      return code;
    }
  } catch (const Interrupted& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return 128 + interruptSignal();
  } catch (const RankFailure& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    // 128 + the signal, as a shell reports a process stopped by it (130: SIGINT, 143: SIGTERM).
    const std::string text = error.what();
    if (interrupted()) return 128 + interruptSignal();
    if (text.find("interrupted by SIGTERM") != std::string::npos) return 143;
    return text.find("interrupted by") != std::string::npos ? 130 : 1;
  } catch (const ConfigError& error) {
    if (mpi.isRoot()) std::fprintf(stderr, "ptclean: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    if (mpi.size() == 1) {
      std::fprintf(stderr, "ptclean: error: %s\n", error.what());
      return 1;
    }
    // Raised on this rank alone, outside a collective step: the others may be waiting in a
    // collective that this rank will never join, so the run ends here rather than hang.
    std::fprintf(stderr, "ptclean: error: %s: %s; ending the run\n", mpi.who().c_str(), error.what());
    std::fflush(stderr);
    mpi.abort(1);
  }
  return 0;
}

}  // namespace ptclean::imager
