#include "visibility_source.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "log.h"
#include "mpi_context.h"
#include "plane_imaging.h"
#include "ptclean/gridding/stopwatch.h"
#include "weighting.h"

namespace ptclean::imager {
namespace {

constexpr double kBytesPerSample = VisibilitySource::kBytesPerSample;
constexpr double kBytesPerRow = VisibilitySource::kBytesPerRow;

std::uint64_t nextSamplesId() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

}  // namespace

namespace {
const std::vector<std::unique_ptr<MsReader>> kNoReaders;
}  // namespace

VisibilitySource::VisibilitySource(std::vector<SpwBlock> blocks)
    : readers_(kNoReaders), samples_id_(nextSamplesId()), resident_(std::move(blocks)) {
  for (const auto& block : resident_) {
    samples_ += block.vis.size();
    needed_bytes_ += double(block.vis.size()) * kBytesPerSample + double(block.rows()) * kBytesPerRow;
  }
}

VisibilitySource::VisibilitySource(const std::vector<std::unique_ptr<MsReader>>& readers,
                                   std::vector<RowShare> shares, PhaseCentre centre, double max_memory_bytes)
    : readers_(readers), centre_(centre), samples_id_(nextSamplesId()) {
  std::vector<std::vector<std::size_t>> costs(readers.size());
  for (const auto& share : shares) {
    if (costs[share.ms].empty()) costs[share.ms] = readers[share.ms]->rowCosts();
    for (std::size_t r = share.begin; r < share.end; ++r) {
      samples_ += costs[share.ms][r];
      needed_bytes_ += double(costs[share.ms][r]) * kBytesPerSample + kBytesPerRow;
    }
  }
  streaming_ = max_memory_bytes > 0.0 && needed_bytes_ > max_memory_bytes;
  if (!streaming_) {
    chunks_ = shares;
    for (const auto& share : shares)
      for (auto& block : read(share)) resident_.push_back(std::move(block));
    return;
  }
  // Chunks of at most half the limit: the other half is for the images and the gridder's planes.
  const double budget = 0.5 * max_memory_bytes;
  for (const auto& share : shares) {
    std::size_t begin = share.begin;  // cut where the next row would pass the budget
    double bytes = 0.0;
    for (std::size_t r = share.begin; r < share.end; ++r) {
      const double row_bytes = double(costs[share.ms][r]) * kBytesPerSample + kBytesPerRow;
      if (r > begin && bytes + row_bytes > budget) {
        chunks_.push_back({share.ms, begin, r});
        begin = r, bytes = 0.0;
      }
      bytes += row_bytes;
    }
    if (begin < share.end) chunks_.push_back({share.ms, begin, share.end});
  }
}

VisibilitySource::~VisibilitySource() = default;

std::vector<SpwBlock> VisibilitySource::read(const RowShare& share) const {
  auto blocks = readers_[share.ms]->readStokesI(share.begin, share.end, centre_);
  for (auto& block : blocks) block.vis_index = share.ms;
  return blocks;
}

void VisibilitySource::weigh(std::vector<SpwBlock>& blocks) const {
  if (shared_density_ && weighting_ != Weighting::Natural)
    shared_density_->apply(blocks, weighting_, robust_);
  else if (density_)
    density_->apply(blocks, weighting_, robust_);
  applyUvTaper(blocks, taper_);
}

DataDigest VisibilitySource::dataDigest(const MpiContext& mpi) {
  if (weighted_) throw std::logic_error("VisibilitySource::dataDigest after prepareWeights");
  DataDigest digest;
  collectively(mpi, [&] {
    if (!streaming_) {
      digest = digestOf(resident_);
    } else {
      for (const auto& chunk : chunks_) digest += digestOf(read(chunk));
    }
  });
  std::uint64_t values[] = {digest.rows, digest.checksum};
  mpi.sumAll(values);
  return {values[0], values[1]};
}

double VisibilitySource::prepareWeights(const MpiContext& mpi, const ImagingSettings& settings) {
  weighted_ = true;
  samples_id_ = nextSamplesId();  // new weights: items sorted from the old ones no longer hold
  weighting_ = settings.weighting;
  robust_ = settings.robust;
  taper_ = settings.uvtaper_rad;
  if (weighting_ != Weighting::Natural && !shared_density_) {
    density_ = std::make_unique<WeightDensity>(settings.nx, settings.ny, settings.cell_x_rad, settings.cell_y_rad);
    collectively(mpi, [&] {
      if (!streaming_) {
        density_->add(resident_);
      } else {
        for (const auto& chunk : chunks_) density_->add(read(chunk));
      }
    });
    mpi.sumAll(density_->cells());
  }
  double sum_weights = 0.0;
  const int threads = std::max(1, settings.threads.value_or(1));
  double visibilities = 0.0, w_min = std::numeric_limits<double>::infinity();
  double reach[] = {0.0, 0.0, 0.0, -w_min};  // u_max, v_max, w_max, -w_min: all maxima
  auto measure = [&](const std::vector<SpwBlock>& blocks) {
    const gridding::DataReach mine = gridding::measureReach(viewsOf(blocks), threads);
    if (mine.visibilities == 0) return;
    visibilities += double(mine.visibilities);
    reach[0] = std::max(reach[0], mine.u_max);
    reach[1] = std::max(reach[1], mine.v_max);
    reach[2] = std::max(reach[2], mine.w_max);
    reach[3] = std::max(reach[3], -mine.w_min);
  };
  collectively(mpi, [&] {
    if (!streaming_) {
      weigh(resident_);
      sum_weights = sumOfWeights(resident_);
      measure(resident_);
    } else {
      forEachChunk([&](std::vector<SpwBlock>& chunk) {
        sum_weights += sumOfWeights(chunk);
        measure(chunk);
      });
    }
  });
  double sums[] = {sum_weights, visibilities};
  mpi.sumAll(sums);
  mpi.maxAll(reach);
  reach_.visibilities = std::size_t(sums[1]);
  reach_.u_max = reach[0];
  reach_.v_max = reach[1];
  reach_.w_max = reach[2];
  reach_.w_min = std::isfinite(reach[3]) ? std::min(-reach[3], reach[2]) : 0.0;
  return sums[0];
}

void VisibilitySource::forEachChunk(const std::function<void(std::vector<SpwBlock>&)>& use) {
  if (!streaming_) {
    use(resident_);
    return;
  }
  gridding::Stopwatch pass;
  for (std::size_t i = 0; i < chunks_.size(); ++i) {
    auto chunk = read(chunks_[i]);
    weigh(chunk);
    use(chunk);
    if (chunks_.size() > 1)
      spdlog::debug("streaming: chunk {} of {} (rows {} to {} of {}) done, {:.1f} s into the pass", i + 1,
                    chunks_.size(), chunks_[i].begin, chunks_[i].end, readers_[chunks_[i].ms]->path(), pass.lap());
  }
}

}  // namespace ptclean::imager
