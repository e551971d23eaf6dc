#include "save_model.h"

#include "log.h"
#include "mpi_context.h"
#include "ms_model_writer.h"

namespace ptclean::imager {
namespace {

/// Predicts the model for one chunk, flagged samples included (as tclean writes them), and
/// writes it into each MS the chunk came from.
void writeChunk(gridding::Gridder& gridder, const std::vector<SpwBlock>& blocks, const std::vector<double>& model,
                const std::vector<std::string>& vis, std::vector<std::size_t>& rows_written) {
  std::vector<std::vector<float>> ones(blocks.size());
  std::vector<std::vector<std::complex<float>>> predicted(blocks.size());
  std::vector<gridding::VisibilityView> views;
  std::vector<std::complex<float>*> outputs;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto& block = blocks[b];
    ones[b].assign(block.vis.size(), 1.0f);
    predicted[b].resize(block.vis.size());
    views.push_back({block.rows(), block.freq_hz.size(), block.uvw_m.data(), block.freq_hz.data(), nullptr,
                     ones[b].data()});
    outputs.push_back(predicted[b].data());
  }
  if (views.empty()) return;
  gridder.predict(views, model, outputs);
  for (std::size_t m = 0; m < vis.size(); ++m) {
    std::vector<const SpwBlock*> mine;
    std::vector<const std::vector<std::complex<float>>*> values;
    for (std::size_t b = 0; b < blocks.size(); ++b)
      if (blocks[b].vis_index == m) {
        mine.push_back(&blocks[b]);
        values.push_back(&predicted[b]);
        rows_written[m] += blocks[b].rows();
      }
    if (!mine.empty()) writeModelColumn(vis[m], mine, values);
  }
}

}  // namespace

void saveModelColumn(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                     const std::vector<std::string>& vis, std::vector<double> model,
                     const std::function<void()>& close_readers, const std::function<void()>& open_readers) {
  model.resize(gridder.geometry().nx * gridder.geometry().ny, 0.0);
  mpi.broadcast(model);
  collectively(mpi, close_readers);
  collectively(mpi, [&] {
    if (!mpi.isRoot()) return;
    for (const auto& path : vis)
      if (prepareModelColumn(path)) spdlog::info("savemodel: added MODEL_DATA to {}", path);
  });
  collectively(mpi, open_readers);
  // The ranks take turns, each flushing before the next starts: casacore's table locks would
  // otherwise leave them polling for each other's write locks.
  for (int turn = 0; turn < mpi.size(); ++turn)
    collectively(mpi, [&] {
      if (mpi.rank() != turn) return;
      std::vector<std::size_t> rows_written(vis.size(), 0);
      source.forEachChunk([&](std::vector<SpwBlock>& chunk) { writeChunk(gridder, chunk, model, vis, rows_written); });
      for (std::size_t m = 0; m < vis.size(); ++m)
        if (rows_written[m] > 0) spdlog::info("savemodel: MODEL_DATA written for {} rows of {}", rows_written[m], vis[m]);
    });
}

}  // namespace ptclean::imager
