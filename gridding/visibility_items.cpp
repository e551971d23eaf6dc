#include "visibility_items.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace ptclean::gridding {
namespace {

constexpr double kSpeedOfLight = 299792458.0;

/// All (view, row) pairs in order, so that threads can take contiguous blocks of them.
struct RowRef {
  std::uint32_t view;
  std::uint32_t row;
};

std::vector<RowRef> allRows(std::span<const VisibilityView> views) {
  std::vector<RowRef> rows;
  std::size_t total = 0;
  for (const auto& view : views) total += view.n_rows;
  rows.reserve(total);
  for (std::uint32_t v = 0; v < views.size(); ++v)
    for (std::uint32_t r = 0; r < views[v].n_rows; ++r) rows.push_back({v, r});
  return rows;
}

bool usable(float weight) { return weight != 0.0f && std::isfinite(weight); }

}  // namespace

DataReach measureReach(std::span<const VisibilityView> views, int threads) {
  DataReach extent;
  double w_min = std::numeric_limits<double>::infinity(), w_max = 0.0, u_max = 0.0, v_max = 0.0;
  std::size_t count = 0;
  for (const auto& view : views) {
    const std::ptrdiff_t rows = std::ptrdiff_t(view.n_rows);
#pragma omp parallel for num_threads(threads) reduction(min : w_min) reduction(max : w_max, u_max, v_max) \
    reduction(+ : count)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const double u_m = std::abs(view.uvw_m[3 * r]), v_m = std::abs(view.uvw_m[3 * r + 1]);
      const double w_m = std::abs(view.uvw_m[3 * r + 2]);
      for (std::size_t c = 0; c < view.n_chan; ++c) {
        if (!usable(view.weight[r * view.n_chan + c])) continue;
        const double k = view.freq_hz[c] / kSpeedOfLight;
        const double w = w_m * k;
        w_min = std::min(w_min, w);
        w_max = std::max(w_max, w);
        u_max = std::max(u_max, u_m * k);
        v_max = std::max(v_max, v_m * k);
        ++count;
      }
    }
  }
  extent.u_max = u_max;
  extent.v_max = v_max;
  extent.visibilities = count;
  extent.w_min = count ? w_min : 0.0;
  extent.w_max = count ? w_max : 0.0;
  return extent;
}

void bucketItems(std::span<const VisibilityView> views, const GridLayout& layout,
                 const ImageGeometry& geometry, bool with_values, int threads, BucketedItems& result) {
  const std::vector<RowRef> rows = allRows(views);
  const std::size_t n_buckets = layout.buckets();
  const int W = layout.support;
  // Grid cells are 1 / period wide, whatever part of the period the grid spans.
  const double scale_u = -double(layout.period_nx) * geometry.cell_x_rad;  // l = -x cell: u' = -u
  const double scale_v = double(layout.period_ny) * geometry.cell_y_rad;
  const double half_u = 0.5 * double(layout.grid_nx), half_v = 0.5 * double(layout.grid_ny);

  // Everything about one visibility that the two passes below need, computed identically in both.
  auto locate = [&](const VisibilityView& view, std::size_t r, std::size_t c, Item& item,
                    bool& flip) {
    const double k = view.freq_hz[c] / kSpeedOfLight;
    double u = view.uvw_m[3 * r] * k, v = view.uvw_m[3 * r + 1] * k, w = view.uvw_m[3 * r + 2] * k;
    flip = layout.w_correction && w < 0.0;
    if (flip) u = -u, v = -v, w = -w;
    double gu = u * scale_u, gv = v * scale_v;
    // A visibility beyond the grid's edge aliases exactly as the DFT does: wrap it.
    gu -= double(layout.grid_nx) * std::floor((gu + half_u) / double(layout.grid_nx));
    gv -= double(layout.grid_ny) * std::floor((gv + half_v) / double(layout.grid_ny));
    item.u = gu;
    item.v = gv;
    item.w = layout.w_correction ? (w - layout.w_first) / layout.w_step : 0.5 * (W - 1);
    double t;
    long su = firstTap(gu, W, t) + long(half_u);
    long sv = firstTap(gv, W, t) + long(half_v);
    long p0 = firstTap(item.w, W, t);
    // The fast path writes whole padded rows (up to kRowPadding cells past the taps).
    if (su < 0 || sv < 0 || su + W + GridLayout::kRowPadding > long(layout.grid_nx) ||
        sv + W > long(layout.grid_ny))
      return layout.wrapBucket();
    std::size_t tile = std::size_t(sv / GridLayout::kTile) * layout.tiles_x + std::size_t(su / GridLayout::kTile);
    return tile * layout.plane_buckets + (layout.plane_buckets > 1 ? std::size_t(p0) : 0);
  };

  // Channel spacing per view when it is even (to 1e-12), else 0.
  std::vector<double> spacing(views.size(), 0.0);
  for (std::size_t v = 0; v < views.size(); ++v) {
    const auto& f = views[v].freq_hz;
    const std::size_t n = views[v].n_chan;
    if (n < 2) continue;
    const double step = (f[n - 1] - f[0]) / double(n - 1);
    bool even = true;
    for (std::size_t c = 1; c < n && even; ++c) even = std::abs(f[c] - f[0] - double(c) * step) <= 1e-12 * std::abs(f[0]);
    if (even) spacing[v] = step;
  }

  const int n_threads = std::max(1, threads);
  std::vector<std::size_t> counts(n_buckets * n_threads, 0);
  std::vector<HugeVector<std::uint32_t>> thread_buckets(n_threads);
  std::vector<long> first_row(n_threads, long(layout.grid_ny)), last_row(n_threads, -1);

#pragma omp parallel num_threads(n_threads)
  {
    const int t = omp_get_thread_num();
    const std::size_t begin = rows.size() * t / n_threads, end = rows.size() * (t + 1) / n_threads;
    auto& mine = thread_buckets[t];
    if (begin < end) mine.reserve((end - begin) * views[rows[begin].view].n_chan);
    std::size_t* count = counts.data() + std::size_t(t) * n_buckets;
    Item item{};
    bool flip;
    for (std::size_t i = begin; i < end; ++i) {
      const auto& view = views[rows[i].view];
      for (std::size_t c = 0; c < view.n_chan; ++c) {
        if (!usable(view.weight[rows[i].row * view.n_chan + c])) continue;
        std::size_t b = locate(view, rows[i].row, c, item, flip);
        mine.push_back(std::uint32_t(b));
        ++count[b];
        if (b == layout.wrapBucket()) {
          first_row[t] = 0, last_row[t] = long(layout.grid_ny) - 1;
        } else {
          double t_unused;
          const long sv = firstTap(item.v, W, t_unused) + long(half_v);
          first_row[t] = std::min(first_row[t], sv);
          last_row[t] = std::max(last_row[t], sv + W - 1);
        }
      }
    }
  }

  // Offsets: bucket-major, then thread order, so each bucket keeps the enumeration order.
  result.row_begin = std::size_t(*std::min_element(first_row.begin(), first_row.end()));
  result.row_end = std::size_t(*std::max_element(last_row.begin(), last_row.end()) + 1);
  if (result.row_end <= result.row_begin) result.row_begin = result.row_end = 0;
  result.bucket_start.assign(n_buckets + 1, 0);
  std::vector<std::size_t> offset(n_buckets * n_threads);
  std::size_t running = 0;
  for (std::size_t b = 0; b < n_buckets; ++b) {
    result.bucket_start[b] = running;
    for (int t = 0; t < n_threads; ++t) {
      offset[std::size_t(t) * n_buckets + b] = running;
      running += counts[std::size_t(t) * n_buckets + b];
    }
  }
  result.bucket_start[n_buckets] = running;
  result.items.resize(running);
  result.origins.resize(running);

#pragma omp parallel num_threads(n_threads)
  {
    const int t = omp_get_thread_num();
    const std::size_t begin = rows.size() * t / n_threads, end = rows.size() * (t + 1) / n_threads;
    std::size_t* next = offset.data() + std::size_t(t) * n_buckets;
    const auto& mine = thread_buckets[t];
    std::size_t k = 0;
    Item item{};
    bool flip;
    for (std::size_t i = begin; i < end; ++i) {
      const auto& view = views[rows[i].view];
      const std::size_t r = rows[i].row;
      // e^{-2 pi i |w| nshift}: with evenly spaced channels it advances by a fixed factor from
      // channel to channel, so one sine and cosine per row serve all of its channels.
      const double turns_per_hz = -std::abs(view.uvw_m[3 * r + 2]) * layout.n_shift / kSpeedOfLight;
      const bool by_steps = layout.w_correction && spacing[rows[i].view] != 0.0;
      std::complex<double> shift_phase = 1.0, shift_step = 1.0;
      if (by_steps) {
        shift_phase = std::polar(1.0, 2.0 * std::numbers::pi * turns_per_hz * view.freq_hz[0]);
        shift_step = std::polar(1.0, 2.0 * std::numbers::pi * turns_per_hz * spacing[rows[i].view]);
      }
      for (std::size_t c = 0; c < view.n_chan; ++c, shift_phase *= shift_step) {
        const std::size_t index = r * view.n_chan + c;
        if (!usable(view.weight[index])) continue;
        locate(view, r, c, item, flip);
        std::complex<double> shift = double(view.weight[index]);
        if (by_steps) {
          shift *= shift_phase;
        } else if (layout.w_correction) {
          shift *= std::polar(1.0, 2.0 * std::numbers::pi * turns_per_hz * view.freq_hz[c]);
        }
        item.setPsfValue(std::complex<float>(shift));
        if (with_values) {
          std::complex<double> value(view.vis[index]);
          if (flip) value = std::conj(value);
          item.setValue(std::complex<float>(value * shift));
        }
        const std::size_t slot = next[mine[k++]]++;
        result.origins[slot] = {std::uint32_t(index), rows[i].view | (flip ? ItemOrigin::kFlip : 0u)};
        result.items[slot] = item;
      }
    }
  }
}

void refreshValues(std::span<const VisibilityView> views, int threads, BucketedItems& items) {
  const std::ptrdiff_t n = std::ptrdiff_t(items.items.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    Item& item = items.items[std::size_t(i)];
    const ItemOrigin origin = items.origins[std::size_t(i)];
    std::complex<double> value(views[origin.view()].vis[origin.index]);
    if (origin.flipped()) value = std::conj(value);
    item.setValue(std::complex<float>(value * std::complex<double>(item.psfValue())));
  }
}

}  // namespace ptclean::gridding
