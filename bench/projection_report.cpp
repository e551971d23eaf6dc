#include "projection_report.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "cost_model.h"
#include "projection.h"

namespace ptclean::bench {

std::string writeProjection(const std::vector<std::filesystem::path>& run_jsons,
                            const std::filesystem::path& workload_file, const std::filesystem::path& out_md) {
  std::vector<MeasuredRun> runs;
  for (const auto& path : run_jsons) runs.push_back(loadMeasuredRun(path));
  if (runs.empty()) throw std::runtime_error("no run.json to fit the cost model to");
  const CostModel model = fitCostModel(runs);
  const Workload workload = loadWorkload(workload_file);
  const MeasuredRun& first = runs.front();
  const double oversampling = first.image_pixels > 0 ? std::sqrt(first.grid_pixels / first.image_pixels) : 2.0;
  const std::string markdown = projectionMarkdown(model, workload, project(model, workload, oversampling), runs);
  const std::filesystem::path temporary = out_md.string() + ".tmp";
  {
    std::ofstream out(temporary);
    if (!(out << markdown)) throw std::runtime_error("cannot write " + out_md.string());
  }
  std::filesystem::rename(temporary, out_md);
  return markdown;
}

}  // namespace ptclean::bench
