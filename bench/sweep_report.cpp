#include "sweep_report.h"

#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>

#include "sweep_text.h"

namespace ptclean::bench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kEfficiencyDefinition =
    "E(RxT) = t(1x1) / (min(R*T, N) * t(RxT)), t = median of ptclean's wall (run.json), N = cores";

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return buffer;
}

/// One row per run: its mix, phase times, wall, elapsed, peak memory and throughput.
void writeCsv(const fs::path& path, const SweepFacts& facts, const std::vector<Run>& results) {
  std::ofstream csv(path);
  csv << "mix,ranks,threads,run";
  for (const auto& p : facts.phases) csv << "," << p << "_s";
  csv << ",wall_s,elapsed_s,peak_rss_mib,samples,vis_per_s\n";
  for (const auto& r : results) {
    csv << r.mix.name() << "," << r.mix.ranks << "," << r.mix.threads << "," << r.run;
    for (const auto& p : facts.phases) {
      auto it = r.phases.find(p);
      csv << ",";
      if (it != r.phases.end()) csv << it->second;
    }
    const long long n = r.mix.wsclean ? facts.samples : r.samples;
    csv << "," << r.wall << "," << r.elapsed << "," << fixed(r.peak_mib, 1) << "," << n << ","
        << (n > 0 && r.wall > 0 ? double(n) / r.wall : 0) << "\n";
  }
}

/// Every run and every mix, with a sentence on how each number was measured.
void writeJson(const fs::path& path, const SweepFacts& facts, const std::string& date, const std::vector<Run>& results,
               const std::vector<MixSummary>& summaries) {
  json doc;
  doc["command"] = facts.command_line;
  doc["date"] = date;
  doc["cores"] = facts.cores;
  doc["runs_per_mix"] = facts.runs_per_mix;
  doc["phases"] = facts.phases;
  doc["samples"] = facts.samples;
  doc["wall"] = "ptclean's own wall from run.json (wsclean: elapsed); elapsed includes the mpirun start-up";
  doc["peak_rss"] = "GNU time's maximum resident set size: the largest single process of the run, MiB";
  doc["efficiency"] = kEfficiencyDefinition;
  for (const auto& r : results) {
    json row{{"mix", r.mix.name()}, {"ranks", r.mix.ranks}, {"threads", r.mix.threads}, {"run", r.run},
             {"wall_s", r.wall}, {"elapsed_s", r.elapsed}, {"peak_rss_mib", r.peak_mib},
             {"samples", r.mix.wsclean ? facts.samples : r.samples}, {"phases_s", r.phases}};
    row["vis_per_s"] = r.mix.wsclean ? (facts.samples > 0 ? double(facts.samples) / r.wall : 0.0) : r.vis_per_s;
    doc["runs"].push_back(row);
  }
  for (const auto& s : summaries) {
    json row{{"mix", s.mix.name()}, {"ranks", s.mix.ranks}, {"threads", s.mix.threads},
             {"median_wall_s", s.median_wall}, {"min_wall_s", s.min_wall}, {"max_wall_s", s.max_wall},
             {"median_elapsed_s", s.median_elapsed}, {"peak_rss_mib", s.peak_mib}, {"vis_per_s", s.vis_per_s},
             {"median_phases_s", s.median_phases}, {"speedup", s.speedup}};
    if (!s.mix.wsclean) row["efficiency"] = s.efficiency;
    doc["mixes"].push_back(row);
  }
  std::ofstream(path) << doc.dump(2) << "\n";
}

/// A table per mix, and with WSClean each mix's time over WSClean's.
void writeMarkdown(const fs::path& path, const SweepFacts& facts, const std::string& date,
                   const std::vector<MixSummary>& summaries) {
  std::ofstream md(path);
  md << "`" << facts.command_line << "`, " << date << ", " << facts.cores << " cores, " << facts.runs_per_mix
     << " run(s) per mix";
  if (facts.samples > 0) md << ", " << facts.samples << " Stokes I samples";
  md << "\n\n| mix | median wall s | min s | max s | elapsed s | speed-up | efficiency | Mvis/s | peak RSS MiB |";
  for (const auto& p : facts.phases) md << " " << p << " s |";
  md << "\n|---|---|---|---|---|---|---|---|---|";
  for (std::size_t p = 0; p < facts.phases.size(); ++p) md << "---|";
  md << "\n";
  for (const auto& s : summaries) {
    md << "| " << s.mix.name() << " | " << fixed(s.median_wall) << " | " << fixed(s.min_wall) << " | "
       << fixed(s.max_wall) << " | " << fixed(s.median_elapsed) << " | " << fixed(s.speedup) << " | "
       << (s.mix.wsclean ? std::string("") : fixed(s.efficiency)) << " | " << fixed(s.vis_per_s / 1e6, 3) << " | "
       << (s.peak_mib >= 0 ? fixed(s.peak_mib, 0) : std::string("n/a")) << " |";
    for (const auto& p : facts.phases) {
      auto it = s.median_phases.find(p);
      md << " " << (it == s.median_phases.end() ? std::string("") : fixed(it->second)) << " |";
    }
    md << "\n";
  }
  md << "\nwall: ptclean's own (run.json), elapsed: the whole mpirun; phases: median over runs of the maximum over "
        "ranks; efficiency: "
     << kEfficiencyDefinition << "; peak RSS: GNU time's maximum resident set size (largest single process).\n";
  if (facts.with_wsclean) {
    const double ws = summaries.back().median_wall;
    md << "\nWSClean (-j " << facts.cores << ", default gridder, " << summaries.back().walls.size()
       << " run(s)): median " << fixed(ws) << " s (elapsed).\n\n| mix | ptclean wall / WSClean wall | "
       << "ptclean elapsed / WSClean |\n|---|---|---|\n";
    for (const auto& s : summaries)
      if (!s.mix.wsclean)
        md << "| " << s.mix.name() << " | " << fixed(s.median_wall / ws) << " | " << fixed(s.median_elapsed / ws)
           << " |\n";
  }
}

}  // namespace

void writeReports(const fs::path& out_dir, const SweepFacts& facts, const std::vector<Run>& results,
                  const std::vector<MixSummary>& summaries) {
  const std::string date = utcNow();
  writeCsv(out_dir / "sweep.csv", facts, results);
  writeJson(out_dir / "sweep.json", facts, date, results, summaries);
  writeMarkdown(out_dir / "sweep.md", facts, date, summaries);
}

}  // namespace ptclean::bench
