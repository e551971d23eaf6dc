// `ptclean batch`: the ALMA pipeline's way of making many images, with mpi4casa's roles. Rank 0
// is the command client: it reads the batch file, estimates each job's size, and pushes jobs
// (largest first) to whichever server is free. Servers run each job as a child process, so a
// job that fails or crashes is recorded, and the batch goes on.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "batch_job.h"
#include "batch_record.h"
#include "batch_settings.h"
#include "command_protocol.h"
#include "commands.h"
#include "config.h"
#include "imaging_settings.h"
#include "interrupts.h"
#include "log.h"
#include "process_resources.h"
#include "mpi_context.h"
#include "ms_reader.h"
#include "multi_ms.h"
#include "weblog.h"

namespace fs = std::filesystem;

namespace ptclean::imager {

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string clock(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char text[32];
  std::snprintf(text, sizeof text, "%02ld:%02ld", s / 60, s % 60);
  return text;
}

/// Selected samples of a job (0 when its data cannot be opened: the job will say why).
double estimateSamples(const BatchJob& job, std::vector<std::string>& datasets) {
  try {
    const ImagingSettings settings = imagingSettingsFrom(Config::load(imageKeys(), "", job.keys));
    double samples = 0;
    for (const auto& vis : settings.vis) {
      if (std::find(datasets.begin(), datasets.end(), vis) == datasets.end()) datasets.push_back(vis);
      const auto parts = isMultiMs(vis) ? subMsPaths(vis) : std::vector<std::string>{vis};
      for (const auto& part : parts) {
        MsReader reader(part, settings.selection, settings.datacolumn, isMultiMs(vis));
        for (std::size_t cost : reader.rowCosts()) samples += double(cost);
      }
    }
    return samples;
  } catch (const std::exception&) {
    return 0;
  }
}

/// Leaders of the groups of `ranks_per_job` ranks among ranks 1..size-1.
/// The client's open files and memory before and after the batch, and each server's after its
/// first and its last job (the first job's own growth is start-up, not a leak); logged.
nlohmann::json resourceReport(const ProcessResources& client_start, const ProcessResources& client_end,
                              const std::vector<JobRecord>& records) {
  nlohmann::json report{{"client", {{"start", client_start.toJson()}, {"end", client_end.toJson()}}}};
  std::map<int, std::pair<const JobRecord*, const JobRecord*>> by_server;  // first and last job
  for (const auto& record : records) {
    if (!record.result.contains("server_resources")) continue;
    auto& [first, last] = by_server[record.server];
    if (!first || record.stop < first->stop) first = &record;
    if (!last || record.stop > last->stop) last = &record;
  }
  spdlog::info("batch resources: client {} open files and {:.1f} MB before, {} and {:.1f} MB after",
               client_start.open_files, client_start.rss_mb, client_end.open_files, client_end.rss_mb);
  for (const auto& [server, jobs] : by_server) {
    const auto& first = jobs.first->result["server_resources"];
    const auto& last = jobs.second->result["server_resources"];
    report["servers"][std::to_string(server)] = {{"after_first_job", first}, {"after_last_job", last}};
    spdlog::info("batch resources: server-{}: {} open files and {:.1f} MB after its first job, {} and {:.1f} MB after "
                 "its last", server, first["open_files"].get<int>(), first["rss_mb"].get<double>(),
                 last["open_files"].get<int>(), last["rss_mb"].get<double>());
  }
  return report;
}

std::vector<int> groupLeaders(const MpiContext& mpi, int ranks_per_job) {
  std::vector<int> leaders;
  for (int first = 1; first + ranks_per_job - 1 < mpi.size(); first += ranks_per_job) leaders.push_back(first);
  return leaders;
}

/// Prepares each job's folder; returns the jobs to run, and the records of those skipped.
std::vector<BatchJob> prepareJobs(const BatchSettings& settings, bool resume, std::vector<JobRecord>& skipped) {
  fs::create_directories(settings.outdir);
  std::vector<BatchJob> to_run;
  for (const auto& job : settings.jobs) {
    const std::string dir = settings.outdir + "/" + job.name;
    if (fs::exists(dir)) {
      if (!resume)
        throw ConfigError("batch job '" + job.name + "': " + dir + " exists (use --resume to complete a batch)");
      if (fs::exists(jobResultPath(dir)) && fs::exists(jobResponsePath(dir))) {
        std::ifstream in(jobResponsePath(dir));
        JobRecord record = JobRecord::fromJson(nlohmann::json::parse(in));
        record.status = "skipped";
        skipped.push_back(record);
        continue;
      }
      fs::remove_all(dir);  // failed or incomplete: run it again from nothing
    }
    fs::create_directories(dir);
    std::ofstream(jobConfigPath(dir)) << jobToml(job);
    to_run.push_back(job);
  }
  return to_run;
}

}  // namespace

int runBatchCommand(const MpiContext& mpi, const std::string& file, const std::vector<std::string>& overrides,
                    const BatchOptions& options) {
  BatchSettings settings;
  collectively(mpi, [&] { settings = loadBatchSettings(file, overrides); });
  const int k = settings.ranks_per_job;
  if (mpi.size() > 1 && mpi.size() - 1 < k)
    throw ConfigError("ranks_per_job = " + std::to_string(k) + " needs at least " + std::to_string(k + 1) +
                      " ranks (a client and one group); this run has " + std::to_string(mpi.size()));
  // Threads per job: the cores of this node shared by its ranks (the client's included), or
  // OMP_NUM_THREADS, or the batch's `threads` default key.
  const int threads = threadsPerRank({}, mpi);
  const std::vector<int> leaders = mpi.size() > 1 ? groupLeaders(mpi, k) : std::vector<int>{};
  const int ranks_per_child = mpi.size() > 1 ? k : 1;
  auto handler = [](const std::string& command, const nlohmann::json& parameters) -> nlohmann::json {
    if (command != "image") throw std::invalid_argument("unknown command '" + command + "'");
    nlohmann::json result = runImageJob(parameters);
    result["server_resources"] = processResources().toJson();  // after the job: a leak grows it
    return result;
  };

  BatchSummary summary;
  std::vector<BatchJob> jobs;
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    summary.batch_file = file;
    summary.ranks = mpi.size();
    summary.ranks_per_job = ranks_per_child;
    summary.threads_per_job = threads;
    summary.servers = int(leaders.size());
    summary.start = now();
    jobs = prepareJobs(settings, options.resume, summary.jobs);
    for (auto& job : jobs) job.estimated_samples = estimateSamples(job, summary.datasets);
    std::stable_sort(jobs.begin(), jobs.end(),
                     [](const BatchJob& a, const BatchJob& b) { return a.estimated_samples > b.estimated_samples; });
  });
  if (!mpi.isRoot()) {
    serveCommands(mpi, handler);
    return 0;
  }

  const ProcessResources client_start = processResources();
  spdlog::info("batch {}: {} job(s) to run ({} complete from before), {} server(s) of {} rank(s) x {} thread(s)", file,
               jobs.size(), summary.jobs.size(), leaders.empty() ? 1 : leaders.size(), ranks_per_child, threads);
  CommandClient client(mpi, leaders, handler);
  std::map<int, const BatchJob*> by_id;
  for (const auto& job : jobs) {
    const std::string dir = settings.outdir + "/" + job.name;
    const nlohmann::json parameters{{"name", job.name},
                                    {"dir", dir},
                                    {"ranks", ranks_per_child},
                                    {"threads", threads},
                                    {"set_threads", std::none_of(job.keys.begin(), job.keys.end(), [](const std::string& key) {
                                       return key.rfind("threads=", 0) == 0;
                                     })},
                                    {"env", job.env}};
    const int id = client.pushCommandRequest("image", false, {}, parameters).front();
    by_id[id] = &job;
  }

  std::vector<int> waiting;
  for (const auto& [id, job] : by_id) waiting.push_back(id);
  std::size_t done = 0;
  const double started = now();
  bool stopped_early = false;
  while (!waiting.empty()) {
    if (interrupted() && !stopped_early) {
      stopped_early = true;
      const std::vector<int> cancelled = client.cancelQueued();
      for (int id : cancelled) waiting.erase(std::find(waiting.begin(), waiting.end(), id));
      spdlog::warn("batch: interrupted; {} job(s) not started, waiting for the {} running (rerun with --resume to "
                   "complete the batch)", cancelled.size(), waiting.size());
    }
    std::vector<CommandResponse> arrived = client.getCommandResponse(waiting, false);
    for (const auto& response : arrived) {
      const BatchJob& job = *by_id.at(response.id);
      JobRecord record = JobRecord::fromResponse(job.name, response);
      record.estimated_samples = job.estimated_samples;
      writeJsonFile(jobResponsePath(settings.outdir + "/" + job.name), record.toJson());
      ++done;
      const double elapsed = now() - started;
      const std::string eta = clock(elapsed / double(done) * double(jobs.size() - done));
      if (record.status == "succeeded")
        spdlog::info("job {} of {} done: {} on {} in {:.1f} s; ETA {}", done, jobs.size(), job.name,
                     record.server == 0 ? std::string("the client") : "server-" + std::to_string(record.server),
                     record.stop - record.start, eta);
      else
        spdlog::error("job {} of {} FAILED: {}: {}; ETA {}", done, jobs.size(), job.name, record.error, eta);
      summary.jobs.push_back(std::move(record));
      waiting.erase(std::find(waiting.begin(), waiting.end(), response.id));
    }
    if (arrived.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  client.stopServers();
  summary.stop = now();
  const nlohmann::json resources = resourceReport(client_start, processResources(), summary.jobs);

  // Jobs in the batch file's order, for batch.json and the weblog.
  std::vector<JobRecord> ordered;
  for (const auto& job : settings.jobs)
    for (const auto& record : summary.jobs)
      if (record.job == job.name) ordered.push_back(record);
  summary.jobs = ordered;
  nlohmann::json all{{"batch_file", file},  {"ranks", summary.ranks},   {"ranks_per_job", summary.ranks_per_job},
                     {"threads_per_job", threads}, {"servers", summary.servers}, {"start", summary.start},
                     {"stop", summary.stop}, {"datasets", summary.datasets}, {"resources", resources}};
  for (const auto& record : summary.jobs) all["jobs"].push_back(record.toJson());
  writeJsonFile(settings.outdir + "/batch.json", all);
  const std::string weblog = writeWeblog(settings.outdir, summary);

  const int failed = summary.count("failed");
  spdlog::info("batch: {} job(s): {} succeeded, {} failed, {} skipped (complete from before) in {:.1f} s; weblog {}",
               summary.jobs.size(), summary.count("succeeded"), failed, summary.count("skipped"),
               summary.stop - summary.start, weblog);
  for (const auto& record : summary.jobs)
    if (record.status == "failed") spdlog::error("  failed: {}: {}", record.job, record.error);
  if (stopped_early) {
    spdlog::error("batch: interrupted after {} of {} job(s); `ptclean batch {} --resume` completes it", done,
                  jobs.size(), file);
    return 130;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace ptclean::imager
