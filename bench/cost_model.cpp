#include "cost_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ptclean::bench {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double perUnit(double seconds, double units) { return units > 0 ? seconds / units : 0.0; }

double treeLevels(int ranks) { return std::ceil(std::log2(double(std::max(1, ranks)))); }

const nlohmann::json& field(const nlohmann::json& doc, const char* key, const std::string& source) {
  if (!doc.contains(key)) throw std::runtime_error(source + ": no \"" + key + "\" (written by an older ptclean?)");
  return doc[key];
}

}  // namespace

double MeasuredRun::maxSeconds(const std::string& phase) const {
  double worst = 0.0;
  for (const auto& rank : seconds)
    if (auto it = rank.find(phase); it != rank.end()) worst = std::max(worst, it->second);
  return worst;
}

double MeasuredRun::totalWork(const std::string& name) const {
  double total = 0.0;
  for (const auto& rank : work)
    if (auto it = rank.find(name); it != rank.end()) total += it->second;
  return total;
}

const std::vector<std::string>& modelPhases() {
  static const std::vector<std::string> phases{"read", "grid", "degrid", "fft", "reduce", "minor", "write"};
  return phases;
}

MeasuredRun loadMeasuredRun(const std::filesystem::path& run_json) {
  MeasuredRun run;
  run.source = run_json.string();
  std::ifstream in(run_json);
  if (!in) throw std::runtime_error("cannot read " + run.source);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(run.source + ": " + e.what());
  }
  run.ranks = field(doc, "ranks", run.source).get<int>();
  run.threads = field(doc, "threads", run.source).get<int>();
  run.wall = field(doc, "wall", run.source).get<double>();
  const auto& image = field(doc, "image", run.source);
  const auto& grid = field(doc, "grid", run.source);
  run.image_pixels = image.value("nx", 0.0) * image.value("ny", 0.0);
  run.grid_pixels = grid.value("nx", 0.0) * grid.value("ny", 0.0);
  for (const auto& rank : field(doc, "per_rank", run.source)) {
    std::map<std::string, double> seconds, work;
    for (const auto& phase : field(doc, "phases", run.source)) seconds[phase] = rank.value(phase.get<std::string>(), 0.0);
    for (const auto& [name, amount] : field(rank, "work", run.source).items()) work[name] = amount.get<double>();
    run.seconds.push_back(std::move(seconds));
    run.work.push_back(std::move(work));
  }
  if (int(run.seconds.size()) != run.ranks)
    throw std::runtime_error(run.source + ": per_rank lists " + std::to_string(run.seconds.size()) + " ranks, not " +
                             std::to_string(run.ranks));
  return run;
}

CostModel fitCostModel(const std::vector<MeasuredRun>& runs) {
  CostModel model;
  std::vector<double> read, grid, degrid, fft, minor, write, reduce;
  for (const auto& run : runs) {
    if (run.ranks > 1) {
      const double bytes_levels = run.totalWork("reduced_values") / run.ranks * 8.0 * treeLevels(run.ranks);
      if (bytes_levels > 0) reduce.push_back(run.maxSeconds("reduce") / bytes_levels);
      ++model.multi_rank_runs;
      continue;
    }
    if (run.threads != 1) continue;
    ++model.single_rank_runs;
    const auto& s = run.seconds[0];
    const auto& w = run.work[0];
    auto at = [](const std::map<std::string, double>& m, const char* key) {
      auto it = m.find(key);
      return it == m.end() ? 0.0 : it->second;
    };
    read.push_back(perUnit(at(s, "read"), at(w, "samples")));
    grid.push_back(perUnit(at(s, "grid"), at(w, "gridded_plane_visits")));
    if (at(w, "degridded_plane_visits") > 0) degrid.push_back(perUnit(at(s, "degrid"), at(w, "degridded_plane_visits")));
    fft.push_back(perUnit(at(s, "fft"), at(w, "fft_transforms") * run.grid_pixels * std::log2(run.grid_pixels)));
    if (at(w, "minor_iterations") > 0)
      minor.push_back(perUnit(at(s, "minor"), at(w, "minor_iterations") * run.image_pixels));
    write.push_back(perUnit(at(s, "write"), run.image_pixels));
  }
  if (model.single_rank_runs == 0)
    throw std::runtime_error("the cost model needs at least one run with 1 rank x 1 thread (the sweep's baseline)");
  model.read_s_per_sample = median(read);
  model.grid_core_s_per_visit = median(grid);
  model.degrid_core_s_per_visit = median(degrid);
  model.fft_core_s_per_point = median(fft);
  model.minor_core_s_per_pixel_iteration = median(minor);
  model.write_s_per_pixel = median(write);
  model.reduce_s_per_byte_level = median(reduce);
  return model;
}

std::map<std::string, double> predictPhases(const CostModel& model, const MeasuredRun& run) {
  std::map<std::string, double> predicted;
  const double threads = std::max(1, run.threads);
  for (const auto& w : run.work) {
    auto at = [&](const char* key) {
      auto it = w.find(key);
      return it == w.end() ? 0.0 : it->second;
    };
    auto slowest = [&](const char* phase, double seconds) {
      predicted[phase] = std::max(predicted[phase], seconds);
    };
    slowest("read", at("samples") * model.read_s_per_sample);
    slowest("grid", at("gridded_plane_visits") * model.grid_core_s_per_visit / threads);
    slowest("degrid", at("degridded_plane_visits") * model.degrid_core_s_per_visit / threads);
    slowest("fft", at("fft_transforms") * run.grid_pixels * std::log2(std::max(2.0, run.grid_pixels)) *
                       model.fft_core_s_per_point / threads);
  }
  const auto& root = run.work.at(0);
  auto at_root = [&](const char* key) {
    auto it = root.find(key);
    return it == root.end() ? 0.0 : it->second;
  };
  predicted["reduce"] = at_root("reduced_values") * 8.0 * treeLevels(run.ranks) * model.reduce_s_per_byte_level;
  predicted["minor"] = at_root("minor_iterations") * run.image_pixels * model.minor_core_s_per_pixel_iteration / threads;
  predicted["write"] = run.image_pixels * model.write_s_per_pixel;
  return predicted;
}

}  // namespace ptclean::bench
