// The subcommands of the `ptclean` program; main.cpp parses the command line and calls one.
//
//   return runSimulateCommand("configs/simulate_default.toml", {"vis=demo.ms"}, 8);
//
// Each returns the process exit code and throws ConfigError / std::runtime_error on bad input.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ptclean::imager {

/// `ptclean simulate`: writes the MeasurementSet named by key `vis` (see simulateKeys()),
/// atomically, and prints a one-line summary.
int runSimulateCommand(const std::string& config_file, const std::vector<std::string>& overrides,
                       int threads);

}  // namespace ptclean::imager

namespace ptclean::imager {

class MpiContext;

/// `ptclean image`: reads each rank's share of the data, grids the PSF and the dirty image,
/// sums them on rank 0 and writes tclean's outputs there. Collective: every rank calls it.
struct ImageOptions {
  std::string timings_file;       ///< --timings FILE.json: seconds per phase per rank
  std::string result_file;        ///< --result FILE.json: peak, rms, beam, flux, ... (image_result.h)
  bool work_on_client = true;     ///< --no-work-on-client: rank 0 grids no data itself
  std::string checkpoint_file;    ///< --checkpoint FILE.h5: checkpoints after each major cycle
  std::string restart_file;       ///< --restart FILE.h5: continue after its last major cycle
};
int runImageCommand(const MpiContext& mpi, const std::string& config_file,
                    const std::vector<std::string>& overrides, const ImageOptions& options = {});

/// specmode='cube' (cmd_cube.cpp), called by runImageCommand: channels over ranks, planes
/// gathered to rank 0, cubes written there.
struct ImagingSettings;
int runCubeImaging(const MpiContext& mpi, const ImagingSettings& settings, const std::string& config_dump,
                   const ImageOptions& options, int threads);

/// Threads per rank: the `threads` key, else OMP_NUM_THREADS, else the node's cores shared
/// among the ranks on that node.
int threadsPerRank(std::optional<int> requested, const MpiContext& mpi);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean partition`: CASA's partition task (keys: partitionKeys()). Collective: under mpirun
/// each rank writes its own Sub-MSs.
int runPartitionCommand(const MpiContext& mpi, const std::string& config_file,
                        const std::vector<std::string>& overrides);

/// `ptclean listpartition VIS`: CASA's listpartition; with `json`, CASA's createdict structure,
/// to `listfile` or to standard output (and nothing else on standard output).
int runListPartitionCommand(const std::string& vis, bool json, const std::string& listfile);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean virtualconcat`: CASA's virtualconcat task (keys: virtualconcatKeys()). Every rank reads
/// the keys; rank 0 alone moves (or copies) the inputs into the Multi-MS.
int runVirtualConcatCommand(const MpiContext& mpi, const std::string& config_file,
                            const std::vector<std::string>& overrides);

}  // namespace ptclean::imager

namespace ptclean::imager {

struct BatchOptions {
  bool resume = false;  ///< --resume: skip jobs whose outputs are complete, rerun the others
};

/// `ptclean batch JOBS.toml`: rank 0 is the command client and hands out the jobs, largest
/// first, to the servers (the other ranks, or groups of ranks_per_job ranks); each job runs as a
/// child process of its server. Writes <outdir>/<job>/response.json, <outdir>/batch.json and
/// the weblog; returns 1 when any job failed.
int runBatchCommand(const MpiContext& mpi, const std::string& file, const std::vector<std::string>& overrides,
                    const BatchOptions& options);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean split` and `ptclean hanningsmooth` (`task`): CASA's tasks (keys: splitKeys(),
/// hanningsmoothKeys()). Collective: a Multi-MS's Sub-MSs are dealt to the ranks.
int runSplitCommand(const MpiContext& mpi, const std::string& task, const std::string& config_file,
                    const std::vector<std::string>& overrides);

/// `ptclean listobs VIS`: a summary of an MS or Multi-MS as CASA's listobs prints it, or as JSON.
int runListObsCommand(const std::string& vis, bool json, const std::string& listfile, bool overwrite);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean flagdata`: CASA's flagdata (keys: flagdataKeys()), in place. Collective: a
/// Multi-MS's Sub-MSs are dealt to the ranks; summary counts are summed on rank 0 and printed
/// as JSON.
int runFlagdataCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean uvcontsub`: CASA's uvcontsub (keys: uvcontsubKeys()). Collective: Sub-MSs in
/// parallel, or the Multi-MS in serial on rank 0 when combine='spw' cannot run per Sub-MS.
int runUvcontsubCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean mstransform` and `ptclean cvel2` (`task`): CASA's tasks (keys: mstransformKeys(),
/// cvel2Keys()). Collective: a Multi-MS's Sub-MSs are dealt to the ranks.
int runMstransformCommand(const MpiContext& mpi, const std::string& task, const std::string& config_file,
                          const std::vector<std::string>& overrides);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `ptclean setjy`: CASA's setjy (keys: setjyKeys()), MODEL_DATA in place. Collective: a
/// Multi-MS's Sub-MSs are dealt to the ranks; rank 0 prints the flux densities set as JSON.
int runSetjyCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides);

/// `ptclean applycal`: CASA's applycal (keys: applycalKeys()), CORRECTED_DATA, flags and weights
/// in place. Collective: every rank reads the tables once; Sub-MSs are dealt to the ranks.
int runApplycalCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides);

/// `ptclean gencal`: a G (amp, ph) or K (sbd) table of given values (keys: gencalKeys()); rank 0 only.
int runGencalCommand(const MpiContext& mpi, const std::string& config_file, const std::vector<std::string>& overrides);

}  // namespace ptclean::imager
