#include "run_timings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "mpi_context.h"

namespace ptclean::imager {

const char* phaseName(Phase phase) {
  static const char* names[] = {"read", "grid", "fft", "reduce", "minor", "degrid", "write"};
  static_assert(std::size(names) == std::size_t(Phase::Count));
  return names[std::size_t(phase)];
}

double sampleCount(std::span<const gridding::VisibilityView> views) {
  double samples = 0.0;
  for (const auto& view : views) samples += double(view.n_rows) * double(view.n_chan);
  return samples;
}

void RunTimings::addGridder(Phase phase, const gridding::Gridder& gridder, double samples, int grids) {
  const auto& t = gridder.lastTimings();
  add(phase, t.plan + t.sort + t.grid + t.image);
  add(Phase::Fft, t.fft);
  const auto& choice = gridder.lastChoice();
  if (choice.w_planes == 0) return;  // nothing was gridded (an empty chunk)
  choice_ = choice;
  image_nx_ = gridder.geometry().nx;
  image_ny_ = gridder.geometry().ny;
  // A sample's kernel spans `support` w-planes, fewer when there are fewer planes.
  const double planes_touched = double(std::min<std::size_t>(std::size_t(choice.support), choice.w_planes));
  if (phase == Phase::Degrid)
    count(Work::DegriddedPlaneVisits, samples * planes_touched);
  else
    count(Work::GriddedPlaneVisits, samples * planes_touched * grids);
  count(Work::FftTransforms, double(choice.w_planes) * grids);
}

void RunTimings::write(const MpiContext& mpi, const std::string& path, int threads, double wall) const {
  if (path.empty()) return;
  const std::size_t n = seconds_.size() + work_.size();
  std::vector<double> all(n * std::size_t(mpi.size()), 0.0);
  auto mine = all.begin() + std::ptrdiff_t(n * std::size_t(mpi.rank()));
  std::copy(work_.begin(), work_.end(), std::copy(seconds_.begin(), seconds_.end(), mine));
  mpi.sumToRoot(all);  // each rank fills only its own slot
  if (!mpi.isRoot()) return;
  static const char* work_names[] = {"samples",       "gridded_plane_visits", "degridded_plane_visits",
                                     "fft_transforms", "reduced_values",       "minor_iterations",
                                     "major_cycles"};
  static_assert(std::size(work_names) == std::size_t(Work::Count));
  nlohmann::json doc;
  doc["ranks"] = mpi.size();
  doc["threads"] = threads;
  doc["wall"] = wall;
  std::vector<std::string> phase_names;
  for (std::size_t p = 0; p < seconds_.size(); ++p) phase_names.push_back(phaseName(Phase(p)));
  doc["phases"] = phase_names;
  doc["work_names"] = std::vector<std::string>(std::begin(work_names), std::end(work_names));
  doc["image"] = {{"nx", image_nx_}, {"ny", image_ny_}};
  doc["grid"] = {{"nx", choice_.grid_nx},
                 {"ny", choice_.grid_ny},
                 {"support", choice_.support},
                 {"w_planes", choice_.w_planes}};
  for (int r = 0; r < mpi.size(); ++r) {
    const double* row = all.data() + std::size_t(r) * n;
    nlohmann::json rank{{"rank", r}, {"role", r == 0 ? "client" : "server-" + std::to_string(r)}};
    for (std::size_t p = 0; p < seconds_.size(); ++p) rank[phase_names[p]] = row[p];
    for (std::size_t w = 0; w < work_.size(); ++w) rank["work"][work_names[w]] = row[seconds_.size() + w];
    doc["per_rank"].push_back(rank);
  }
  const std::string temporary = path + ".ptclean-tmp";
  {
    std::ofstream out(temporary);
    if (!out) throw std::runtime_error("--timings: cannot write " + path);
    out << doc.dump(2) << "\n";
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace ptclean::imager
