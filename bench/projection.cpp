#include "projection.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ptclean::bench {

namespace {

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

std::string sci(double value) {
  std::ostringstream out;
  out.precision(3);
  out << value;
  return out.str();
}

}  // namespace

Workload loadWorkload(const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(path.string() + ": " + std::string(e.description()));
  }
  auto number = [&](const char* key, double fallback, bool required) {
    const auto node = table[key];
    if (!node) {
      if (required) throw std::runtime_error(path.string() + ": missing key '" + key + "'");
      return fallback;
    }
    if (auto v = node.value<double>()) return *v;
    throw std::runtime_error(path.string() + ": key '" + key + "' must be a number");
  };
  Workload w;
  w.name = table["name"].value_or(path.stem().string());
  w.antennas = int(number("antennas", 0, true));
  w.integrations = number("integrations", 0, true);
  w.spws = int(number("spws", 0, true));
  w.channels_per_spw = int(number("channels_per_spw", 0, true));
  w.correlations = int(number("correlations", 2, false));
  w.imsize = number("imsize", 0, true);
  w.grid_oversampling = number("grid_oversampling", 0, false);
  w.w_planes = number("w_planes", 1, false);
  w.w_planes_touched = number("w_planes_touched", 1, false);
  w.major_cycles = number("major_cycles", 0, true);
  w.iterations = number("iterations", 0, true);
  w.threads_per_rank = int(number("threads_per_rank", 1, false));
  w.network_gbps = number("network_GBps", 12.5, false);
  w.filesystem_gbps = number("filesystem_GBps", 20, false);
  if (const auto* ranks = table["ranks"].as_array())
    for (const auto& r : *ranks) w.ranks.push_back(int(r.value<int64_t>().value_or(0)));
  if (w.ranks.empty()) w.ranks = {1, 16, 64, 256};
  if (std::find(w.ranks.begin(), w.ranks.end(), 1) == w.ranks.end()) w.ranks.insert(w.ranks.begin(), 1);
  for (int r : w.ranks)
    if (r < 1) throw std::runtime_error(path.string() + ": key 'ranks' must list positive integers");
  if (w.antennas < 2 || w.integrations <= 0 || w.spws < 1 || w.channels_per_spw < 1 || w.imsize < 2 ||
      w.threads_per_rank < 1 || w.network_gbps <= 0 || w.filesystem_gbps <= 0)
    throw std::runtime_error(path.string() + ": antennas, integrations, spws, channels_per_spw, imsize, "
                             "threads_per_rank and the bandwidths must be positive");
  return w;
}

std::vector<ProjectedRun> project(const CostModel& model, const Workload& w, double grid_oversampling) {
  const double oversampling = w.grid_oversampling > 0 ? w.grid_oversampling : grid_oversampling;
  const double pixels = w.imsize * w.imsize;
  const double grid_pixels = pixels * oversampling * oversampling;
  const double threads = w.threads_per_rank;
  const double cycles = w.major_cycles;
  // Reductions: PSF and dirty image once, then the residual every major cycle.
  const double reductions = 2.0 + cycles;
  const double reduce_s_per_byte = std::max(model.reduce_s_per_byte_level, 1.0 / (w.network_gbps * 1e9));
  std::vector<ProjectedRun> runs;
  for (int ranks : w.ranks) {
    const double per_rank = w.samples() / ranks;
    ProjectedRun run;
    run.ranks = ranks;
    auto& s = run.seconds;
    s["read"] = std::max(per_rank * model.read_s_per_sample, w.msBytes() / (w.filesystem_gbps * 1e9));
    // Gridding: dirty image and PSF (2 grids), then the residual once per major cycle.
    s["grid"] = per_rank * w.w_planes_touched * (2.0 + cycles) * model.grid_core_s_per_visit / threads;
    s["degrid"] = per_rank * w.w_planes_touched * cycles * model.degrid_core_s_per_visit / threads;
    // Every rank transforms the whole grid: 2 grids, then a predict and an invert per cycle.
    s["fft"] = w.w_planes * (2.0 + 2.0 * cycles) * grid_pixels * std::log2(grid_pixels) * model.fft_core_s_per_point /
               threads;
    s["reduce"] = ranks > 1 ? reductions * pixels * 8.0 * std::ceil(std::log2(double(ranks))) * reduce_s_per_byte : 0.0;
    s["minor"] = w.iterations * pixels * model.minor_core_s_per_pixel_iteration / threads;
    s["write"] = pixels * model.write_s_per_pixel;
    double largest = -1;
    for (const auto& phase : modelPhases()) {
      run.total += s[phase];
      if (s[phase] > largest) {
        largest = s[phase];
        run.largest = phase;
      }
    }
    runs.push_back(std::move(run));
  }
  const double single = runs.front().total;  // ranks are listed with 1 first
  for (auto& run : runs) {
    run.speedup = single / run.total;
    run.efficiency = run.speedup / run.ranks;
  }
  return runs;
}

std::string projectionMarkdown(const CostModel& model, const Workload& w, const std::vector<ProjectedRun>& runs,
                               const std::vector<MeasuredRun>& validation) {
  std::ostringstream md;
  md << "# Strong-scaling projection: " << w.name << "\n\n";
  md << "## Unit costs fitted to this machine (" << model.single_rank_runs << " run(s) of 1 rank x 1 thread, "
     << model.multi_rank_runs << " with several ranks)\n\n";
  md << "| phase | seconds per unit | unit |\n|---|---|---|\n";
  md << "| read | " << sci(model.read_s_per_sample) << " | Stokes I sample, per rank |\n";
  md << "| grid | " << sci(model.grid_core_s_per_visit) << " | sample x w-plane touched x grid, one thread |\n";
  md << "| degrid | " << sci(model.degrid_core_s_per_visit) << " | sample x w-plane touched, one thread |\n";
  md << "| fft | " << sci(model.fft_core_s_per_point) << " | grid pixel x log2(grid pixels), one thread |\n";
  md << "| reduce | " << sci(model.reduce_s_per_byte_level) << " | byte per tree level (measured; the projection uses "
     << "at least 1 / " << w.network_gbps << " GB/s) |\n";
  md << "| minor | " << sci(model.minor_core_s_per_pixel_iteration) << " | image pixel x component, one thread |\n";
  md << "| write | " << sci(model.write_s_per_pixel) << " | image pixel |\n\n";

  if (!validation.empty()) {
    md << "## The model against the measured runs\n\n";
    md << "Sum of the modelled phases (read, grid, degrid, fft, reduce, minor, write; the slowest rank per phase):\n\n";
    md << "| run | ranks x threads | measured s | model s | model / measured |\n|---|---|---|---|---|\n";
    for (const auto& run : validation) {
      const auto predicted = predictPhases(model, run);
      double measured = 0, modelled = 0;
      for (const auto& phase : modelPhases()) {
        measured += run.maxSeconds(phase);
        modelled += predicted.at(phase);
      }
      md << "| " << std::filesystem::path(run.source).parent_path().filename().string() << " | " << run.ranks << " x "
         << run.threads << " | " << fixed(measured, 2) << " | " << fixed(modelled, 2) << " | "
         << fixed(measured > 0 ? modelled / measured : 0.0, 2) << " |\n";
    }
    md << "\n";
  }

  md << "## Workload\n\n";
  md << w.antennas << " antennas (" << w.baselines() << " baselines), " << w.integrations << " integrations, " << w.spws
     << " spw x " << w.channels_per_spw << " channels, " << w.correlations << " correlations: "
     << sci(w.samples()) << " Stokes I samples, " << fixed(w.msBytes() / 1e9, 1) << " GB of DATA, FLAG and "
     << "WEIGHT_SPECTRUM. Image " << w.imsize << " x " << w.imsize << ", " << w.w_planes << " w-plane(s) ("
     << w.w_planes_touched << " touched per sample), " << w.major_cycles << " major cycles, " << w.iterations
     << " CLEAN components; " << w.threads_per_rank << " thread(s) per rank; network " << w.network_gbps
     << " GB/s per link, file system " << w.filesystem_gbps << " GB/s in aggregate.\n\n";

  md << "## Projected seconds per phase\n\n| ranks |";
  for (const auto& phase : modelPhases()) md << " " << phase << " |";
  md << " total | speed-up | efficiency | largest phase |\n|---|";
  for (std::size_t i = 0; i < modelPhases().size(); ++i) md << "---|";
  md << "---|---|---|---|\n";
  for (const auto& run : runs) {
    md << "| " << run.ranks << " |";
    for (const auto& phase : modelPhases()) md << " " << fixed(run.seconds.at(phase), run.seconds.at(phase) < 10 ? 2 : 0) << " |";
    md << " " << fixed(run.total, run.total < 10 ? 2 : 0) << " | " << fixed(run.speedup, 1) << " | "
       << fixed(run.efficiency, 2) << " | " << run.largest << " |\n";
  }
  const ProjectedRun& last = runs.back();
  const double share = last.total > 0 ? last.seconds.at(last.largest) / last.total : 0.0;
  md << "\n**What limits scaling:** at " << last.ranks << " ranks the largest phase is **" << last.largest << "** ("
     << fixed(last.seconds.at(last.largest), 1) << " s, " << fixed(100.0 * share, 0) << " % of the run).";
  double fixed_part = 0;
  for (const char* phase : {"fft", "reduce", "minor", "write"}) fixed_part += last.seconds.at(phase);
  md << " The phases that do not shrink with the rank count (fft on every rank, reduce, minor cycle, write) take "
     << fixed(fixed_part, 1) << " s of its " << fixed(last.total, 1) << " s.\n";
  return md.str();
}

}  // namespace ptclean::bench
