// A rank's share of the visibilities, weighted and ready to grid: kept in memory across major
// cycles (the MS is read once), or, when that would pass `max_memory`, streamed from the MS in
// chunks on every pass. Every user sees the same thing either way: a sequence of chunks.
//
//   VisibilitySource source(readers, shares, centre, settings.max_memory_bytes);
//   double sum_weights = source.prepareWeights(mpi, settings);      // collective
//   source.forEachChunk([&](std::vector<SpwBlock>& chunk) { ... grid it ... });
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "data_digest.h"
#include "imaging_settings.h"
#include "ms_reader.h"
#include "ptclean/gridding/gridder.h"

namespace ptclean::imager {

class MpiContext;
class WeightDensity;

struct RowShare {
  std::size_t ms = 0, begin = 0, end = 0;  ///< selected rows [begin, end) of readers[ms]
};

class VisibilitySource {
 public:
  /// What a sample costs while it is kept: data and weight, the model's visibilities and the
  /// residual ones of the major cycle, and the gridder's sorted item and its origin.
  static constexpr double kBytesPerSample = 8 + 4 + 8 + 8 + 40 + 8;
  /// Per row: UVW, the MS row number, the phase-rotation shift and the time.
  static constexpr double kBytesPerRow = 24 + 8 + 8 + 8;
  /// Decides between memory and streaming from the share's size; in memory, reads it all now.
  VisibilitySource(const std::vector<std::unique_ptr<MsReader>>& readers, std::vector<RowShare> shares,
                   PhaseCentre centre, double max_memory_bytes);
  /// Blocks already in memory (one channel of a cube): kept as they are, never streamed.
  explicit VisibilitySource(std::vector<SpwBlock> blocks);
  ~VisibilitySource();

  bool streaming() const { return streaming_; }
  std::size_t samples() const { return samples_; }        ///< selected samples (rows x channels)
  double bytesInMemory() const { return needed_bytes_; }  ///< what keeping all of it takes
  std::size_t chunkCount() const { return chunks_.size(); }
  /// In memory mode, an id that stays the same while the samples' UVW and weights do (the
  /// gridder keeps its sorted samples across major cycles under it); 0 when streaming.
  std::uint64_t samplesId() const { return streaming_ ? 0 : samples_id_; }

  /// Uniform/briggs weights from this density (already summed over everything it stands for:
  /// a cube's channels with perchanweightdensity = false) instead of this source's own.
  void shareDensity(std::shared_ptr<const WeightDensity> density) { shared_density_ = std::move(density); }

  /// Imaging weights (uniform/briggs density summed over all ranks, taper). Returns the sum of
  /// weights over all ranks, and measures reach(). Collective.
  double prepareWeights(const MpiContext& mpi, const ImagingSettings& settings);

  /// The reach of the weighted samples of all ranks (after prepareWeights): the gridders'
  /// plans come from it (Gridder::setReach), so every rank grids alike.
  const gridding::DataReach& reach() const { return reach_; }

  /// The digest of the selected data over all ranks (a checkpoint's fingerprint): call it before
  /// prepareWeights, which replaces the natural weights in memory. Collective.
  DataDigest dataDigest(const MpiContext& mpi);

  /// Calls `use` with each chunk in turn (in memory: once, with everything). Chunks carry their
  /// blocks' `vis_index`.
  void forEachChunk(const std::function<void(std::vector<SpwBlock>&)>& use);

 private:
  std::vector<SpwBlock> read(const RowShare& share) const;
  void weigh(std::vector<SpwBlock>& blocks) const;

  const std::vector<std::unique_ptr<MsReader>>& readers_;
  std::vector<RowShare> chunks_;  ///< the share, cut into pieces that fit the memory limit
  PhaseCentre centre_;
  bool streaming_ = false;
  std::uint64_t samples_id_;
  std::size_t samples_ = 0;
  double needed_bytes_ = 0.0;
  std::vector<SpwBlock> resident_;  ///< in memory mode: all of the share
  std::unique_ptr<WeightDensity> density_;
  std::shared_ptr<const WeightDensity> shared_density_;
  bool weighted_ = false;  ///< prepareWeights has run: resident_ holds imaging weights
  gridding::DataReach reach_;
  Weighting weighting_ = Weighting::Natural;
  double robust_ = 0.0;
  std::vector<double> taper_;
};

}  // namespace ptclean::imager
