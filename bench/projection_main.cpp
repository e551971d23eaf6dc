// ptclean_project: fits the cost model (bench/cost_model.h) to run.json files written by
// `ptclean image --timings` (among them at least one run of 1 rank x 1 thread) and projects a
// workload onto more ranks (bench/projection.h).
//
//   ptclean_project configs/projection_alma.toml sweep-out/runs/*/run.json [--out projection.md]
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "projection_report.h"

static int project(int argc, char** argv) {
  CLI::App app{"ptclean_project: fit a cost model to measured ptclean runs and project strong scaling"};
  std::string workload, out = "projection.md";
  std::vector<std::string> runs;
  app.add_option("workload", workload, "TOML file describing the dataset and rank counts")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("runs", runs, "run.json files from `ptclean image --timings`")->required()->check(CLI::ExistingFile);
  app.add_option("--out,-o", out, "the Markdown report (default projection.md)");
  CLI11_PARSE(app, argc, argv);
  std::vector<std::filesystem::path> paths(runs.begin(), runs.end());
  std::cout << ptclean::bench::writeProjection(paths, workload, out);
  return 0;
}

// Also the exceptions of setting up the command line (not only of the projection) end with a
// message and status 1, not with std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return project(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ptclean_project: " << e.what() << "\n";
    return 1;
  }
}
