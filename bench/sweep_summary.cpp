#include "sweep_summary.h"

#include <algorithm>

namespace ptclean::bench {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

long long sweepSamples(const std::vector<Run>& results) {
  long long samples = -1;
  for (const auto& r : results)
    if (!r.mix.wsclean && r.samples > 0) samples = r.samples;
  return samples;
}

std::vector<MixSummary> summariseMixes(const std::vector<Mix>& mixes, const std::vector<Run>& results,
                                       long long samples, int cores) {
  std::vector<MixSummary> summaries;
  for (const auto& mix : mixes) {
    MixSummary s;
    s.mix = mix;
    std::vector<double> vps;
    std::map<std::string, std::vector<double>> per_phase;
    for (const auto& r : results) {
      if (r.mix.name() != mix.name()) continue;
      s.walls.push_back(r.wall);
      s.elapsed.push_back(r.elapsed);
      s.peak_mib = std::max(s.peak_mib, r.peak_mib);
      vps.push_back(mix.wsclean && samples > 0 ? double(samples) / r.wall : r.vis_per_s);
      for (auto& [name, v] : r.phases) per_phase[name].push_back(v);
    }
    s.median_wall = median(s.walls);
    s.min_wall = *std::min_element(s.walls.begin(), s.walls.end());
    s.max_wall = *std::max_element(s.walls.begin(), s.walls.end());
    s.median_elapsed = median(s.elapsed);
    s.vis_per_s = median(vps);
    for (auto& [name, v] : per_phase) s.median_phases[name] = median(v);
    summaries.push_back(s);
  }
  const double t11 = summaries[0].median_wall;
  for (auto& s : summaries) {
    s.speedup = s.median_wall > 0 ? t11 / s.median_wall : 0;
    s.efficiency = s.mix.wsclean ? 0 : s.speedup / std::min(s.mix.ranks * s.mix.threads, cores);
  }
  return summaries;
}

}  // namespace ptclean::bench
