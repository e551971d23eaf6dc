#include "run_timings.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "mpi_context.h"

namespace ptclean::imager {

void RunTimings::write(const MpiContext& mpi, const std::string& path, int threads, double wall) const {
  if (path.empty()) return;
  const std::size_t n = seconds_.size();
  std::vector<double> all(n * std::size_t(mpi.size()), 0.0);
  std::copy(seconds_.begin(), seconds_.end(), all.begin() + std::ptrdiff_t(n * std::size_t(mpi.rank())));
  mpi.sumToRoot(all);  // each rank fills only its own slot
  if (!mpi.isRoot()) return;
  static const char* names[] = {"read", "grid", "fft", "reduce", "minor", "degrid", "write"};
  nlohmann::json doc;
  doc["ranks"] = mpi.size();
  doc["threads"] = threads;
  doc["wall"] = wall;
  doc["phases"] = std::vector<std::string>(std::begin(names), std::end(names));
  for (int r = 0; r < mpi.size(); ++r) {
    nlohmann::json rank{{"rank", r}, {"role", r == 0 ? "client" : "server-" + std::to_string(r)}};
    for (std::size_t p = 0; p < n; ++p) rank[names[p]] = all[std::size_t(r) * n + p];
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
