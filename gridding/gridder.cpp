#include "ptclean/gridding/gridder.h"

#include <chrono>
#include <cmath>
#include <numbers>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "fft.h"
#include "fourier_resampler.h"
#include "ptclean/gridding/stopwatch.h"
#include "image_plane.h"
#include "kernel_choice.h"
#include "all_plane_kernels.h"
#include "plane_kernels.h"
#include "visibility_items.h"

namespace ptclean::gridding {

void ImageGeometry::validate() const {
  if (nx < 2 || ny < 2) throw std::invalid_argument("imsize must be at least 2 x 2 pixels");
  if (!(cell_x_rad > 0.0) || !(cell_y_rad > 0.0)) throw std::invalid_argument("cell must be positive");
  if (nx * cell_x_rad > 2.0 || ny * cell_y_rad > 2.0)
    throw std::invalid_argument("imsize x cell covers more than the visible hemisphere");
}

void GridderSettings::validate() const {
  // Visibilities are single precision, so nothing below ~1e-8 of the peak is meaningful.
  if (!(accuracy >= 1e-8) || accuracy >= 0.1)
    throw std::invalid_argument("gridder_accuracy must be in [1e-8, 0.1), got " + std::to_string(accuracy));
  if (threads < 1) throw std::invalid_argument("threads must be at least 1");
  if (!(plane_memory_bytes >= 0.0)) throw std::invalid_argument("plane memory must not be negative");
  if (sort_block_samples < 1) throw std::invalid_argument("sort_block_samples must be at least 1");
}

std::string KernelChoice::describe() const {
  std::ostringstream out;
  out << "kernel support " << support << ", oversampling " << oversampling << " (grid " << grid_nx
      << "x" << grid_ny;
  if (grid_nx < period_nx) out << ": small inversion of " << period_nx << "x" << period_ny;
  out << "), beta/W " << beta / support << ", " << w_planes << " w-plane"
      << (w_planes == 1 ? "" : "s") << ", " << (double_precision ? "double" : "float")
      << ", estimated error " << estimated_error;
  return out.str();
}

namespace {

/// What identifies the samples of a call for reuse: empty when some view makes no promise.
struct SamplesKey {
  std::vector<std::tuple<std::uint64_t, std::size_t, std::size_t, const double*, const double*, const float*>> views;
  bool operator==(const SamplesKey&) const = default;
};

SamplesKey samplesKey(std::span<const VisibilityView> views) {
  SamplesKey key;
  for (const auto& v : views) {
    if (v.samples_id == 0) return {};
    key.views.emplace_back(v.samples_id, v.n_rows, v.n_chan, v.uvw_m, v.freq_hz, v.weight);
  }
  return key;
}

bool sameLayout(const GridLayout& a, const GridLayout& b) {
  return a.support == b.support && a.grid_nx == b.grid_nx && a.grid_ny == b.grid_ny &&
         a.period_nx == b.period_nx && a.period_ny == b.period_ny && a.tiles_x == b.tiles_x &&
         a.tiles_y == b.tiles_y && a.w_planes == b.w_planes && a.plane_buckets == b.plane_buckets &&
         a.w_first == b.w_first && a.w_step == b.w_step && a.n_shift == b.n_shift && a.w_correction == b.w_correction;
}

}  // namespace

struct Gridder::Impl {
  ImageGeometry geometry;
  GridderTimings timings;
  GridderSettings settings;
  KernelChoice choice;
  // Reused across calls (major cycles) while the plan stays the same.
  FftGrid<float> grid_f[2];
  FftGrid<double> grid_d[2];
  BucketedItems items;
  std::unique_ptr<ImagePlane> image_plane;
  // Small inversion: image_plane covers the coarse period; the fine image's corrections, the
  // interpolation between them, and the coarse images.
  std::unique_ptr<ImagePlane> fine_plane;
  std::unique_ptr<FourierResampler> resampler;
  std::vector<double> coarse[2], fine_values;
  // Every w-plane's grids at once (AllPlaneTaps), where they fit settings.plane_memory_bytes.
  std::vector<FftGrid<float>> planes_f;
  std::vector<FftGrid<double>> planes_d;
  GridLayout cached_layout;
  bool cached_double = false;
  KernelPolynomial poly;
  EsKernel kernel;
  // The samples `items` were sorted from, and for which layout; their extent.
  SamplesKey items_key, extent_key;
  GridLayout items_layout;
  DataReach extent;
  std::optional<DataReach> fixed_reach;
  std::vector<std::complex<double>> predict_sums;

  GridLayout layoutFor(std::span<const VisibilityView> views, const SamplesKey& key, bool& use_double) {
    const int threads = settings.threads;
    if (fixed_reach)
      extent = *fixed_reach;
    else if (key.views.empty() || !(key == extent_key))
      extent = measureReach(views, threads);
    extent_key = key;
    WorkloadShape shape;
    shape.nx = geometry.nx;
    shape.ny = geometry.ny;
    shape.visibilities = extent.visibilities;
    shape.w_correction = settings.w_correction;
    shape.w_range = extent.w_max - extent.w_min;
    shape.n_half_range = ImagePlane::nMinusOneHalfRange(geometry);
    shape.threads = threads;
    if (settings.small_inversion) {
      shape.u_reach = 2.0 * extent.u_max * geometry.cell_x_rad;
      shape.v_reach = 2.0 * extent.v_max * geometry.cell_y_rad;
      shape.w_abs_max = extent.w_max;
      shape.cell_x_rad = geometry.cell_x_rad;
      shape.cell_y_rad = geometry.cell_y_rad;
    }
    Plan plan = choosePlan(shape, settings.accuracy);

    GridLayout layout;
    layout.support = plan.candidate.kernel.support;
    layout.grid_nx = plan.grid_nx;
    layout.grid_ny = plan.grid_ny;
    layout.period_nx = plan.period_nx;
    layout.period_ny = plan.period_ny;
    layout.tiles_x = (plan.grid_nx + GridLayout::kTile - 1) / GridLayout::kTile;
    layout.tiles_y = (plan.grid_ny + GridLayout::kTile - 1) / GridLayout::kTile;
    layout.w_correction = settings.w_correction;
    if (settings.w_correction) {
      layout.w_planes = plan.w_planes;
      layout.plane_buckets = plan.w_planes > std::size_t(4 * layout.support) ? plan.w_planes : 1;
      layout.w_step = plan.w_step;
      layout.w_first = extent.w_min - 0.5 * (layout.support - 1) * plan.w_step;
      layout.n_shift = ImagePlane::nMinusOneShift(geometry);
    }
    const bool same_grid = layout.grid_nx == cached_layout.grid_nx &&
                           layout.grid_ny == cached_layout.grid_ny &&
                           layout.period_nx == cached_layout.period_nx &&
                           layout.period_ny == cached_layout.period_ny &&
                           kernel.support == plan.candidate.kernel.support &&
                           kernel.beta == plan.candidate.kernel.beta;
    const bool same_planes = same_grid && layout.w_first == cached_layout.w_first &&
                             layout.w_step == cached_layout.w_step &&
                             layout.w_correction == cached_layout.w_correction;
    if (!same_grid) {
      kernel = plan.candidate.kernel;
      poly = plan.candidate.poly;
    }
    use_double = plan.double_precision;
    if (!same_planes || !image_plane || use_double != cached_double) makePlanes(layout, use_double);
    cached_double = use_double;
    cached_layout = layout;

    choice.support = layout.support;
    choice.oversampling = plan.candidate.oversampling;
    choice.beta = kernel.beta;
    choice.poly_degree = poly.degree;
    choice.grid_nx = layout.grid_nx;
    choice.grid_ny = layout.grid_ny;
    choice.period_nx = layout.period_nx;
    choice.period_ny = layout.period_ny;
    choice.w_planes = layout.w_planes;
    choice.w_min = extent.w_min;
    choice.w_step = layout.w_step;
    choice.double_precision = use_double;
    choice.estimated_error = plan.candidate.error;  // worst case per dimension; the DFT tests measure the rest
    return layout;
  }

  void makePlanes(const GridLayout& layout, bool use_double) {
    const int threads = settings.threads;
    const bool small = layout.grid_nx < layout.period_nx;
    image_plane.reset();
    fine_plane.reset();
    resampler.reset();
    if (!small) {
      image_plane = std::make_unique<ImagePlane>(geometry, layout, kernel, use_double, threads);
      return;
    }
    ImageGeometry coarse_geometry{layout.grid_nx, layout.grid_ny,
                                  geometry.cell_x_rad * double(layout.period_nx) / double(layout.grid_nx),
                                  geometry.cell_y_rad * double(layout.period_ny) / double(layout.grid_ny)};
    PlaneRole coarse_role;
    coarse_role.corrections = false;
    coarse_role.exact_l = (double(geometry.nx / 2) + 1.0) * geometry.cell_x_rad;
    coarse_role.exact_m = (double(geometry.ny / 2) + 1.0) * geometry.cell_y_rad;
    coarse_role.half_period_l = 0.5 * double(layout.period_nx) * geometry.cell_x_rad;
    coarse_role.half_period_m = 0.5 * double(layout.period_ny) * geometry.cell_y_rad;
    image_plane = std::make_unique<ImagePlane>(coarse_geometry, layout, kernel, use_double, threads, coarse_role);
    GridLayout fine_layout = layout;  // the corrections see the period's cells
    fine_layout.grid_nx = layout.period_nx;
    fine_layout.grid_ny = layout.period_ny;
    PlaneRole fine_role;
    fine_role.screens = false;
    fine_plane = std::make_unique<ImagePlane>(geometry, fine_layout, kernel, use_double, threads, fine_role);
    resampler = std::make_unique<FourierResampler>(
        ResampleShape{layout.grid_nx, layout.grid_ny, layout.period_nx, layout.period_ny, geometry.nx, geometry.ny},
        threads);
  }

  template <typename T>
  FftGrid<T>* grids() {
    if constexpr (std::is_same_v<T, double>) return grid_d; else return grid_f;
  }

  /// The grids for this call, (re)allocated only when the grid size changes.
  template <typename T>
  FftGrid<T>& gridFor(int g, const GridLayout& layout) {
    FftGrid<T>& grid = grids<T>()[g];
    if (grid.nx() != layout.grid_nx || grid.ny() != layout.grid_ny) grid = FftGrid<T>(layout.grid_ny, layout.grid_nx);
    return grid;
  }

  template <typename T>
  std::vector<FftGrid<T>>& planeStore() {
    if constexpr (std::is_same_v<T, double>) return planes_d; else return planes_f;
  }

  template <typename T>
  bool allPlanesFit(const GridLayout& layout, int G) const {
    const double bytes = double(layout.grid_nx) * double(layout.grid_ny) * double(sizeof(std::complex<T>)) *
                         double(layout.w_planes) * G;
    return layout.w_correction && layout.w_planes > 1 && bytes <= settings.plane_memory_bytes;
  }

  /// G grids per w-plane, plane-major; kept between calls of the same sizes.
  template <typename T>
  std::vector<std::complex<T>*> allPlaneGrids(const GridLayout& layout, int G) {
    auto& planes = planeStore<T>();
    const std::size_t count = layout.w_planes * std::size_t(G);
    if (planes.size() > count) planes.resize(count);
    for (auto& grid : planes)
      if (grid.nx() != layout.grid_nx || grid.ny() != layout.grid_ny) grid = FftGrid<T>(layout.grid_ny, layout.grid_nx);
    while (planes.size() < count) planes.emplace_back(layout.grid_ny, layout.grid_nx);
    std::vector<std::complex<T>*> data;
    for (auto& grid : planes) data.push_back(grid.data());
    return data;
  }

  FftSupport supportFor(const GridLayout& layout) const {
    return {items.row_begin, items.row_end, image_plane->imageColumnsLow(), image_plane->imageColumnsHigh()};
  }

  /// Samples not promised again (no samples_id) and all planes in memory: they are sorted and
  /// gridded a block of rows at a time, so that the items never take more than a block's memory.
  template <typename T>
  bool griddedInBlocks(const SamplesKey& key, const GridLayout& layout, int G) const {
    return key.views.empty() && allPlanesFit<T>(layout, G);
  }

  /// Sorts and spreads `views` onto every plane, settings.sort_block_samples at a time; items.row_begin and
  /// row_end then span all blocks' rows.
  template <int W, typename T, int G>
  void spreadInBlocks(std::span<const VisibilityView> views, const GridLayout& layout,
                      std::complex<T>* const* plane_data, Stopwatch& watch) {
    std::size_t row_begin = layout.grid_ny, row_end = 0;
    for (const auto& view : views) {
      const std::size_t rows_per_block =
          std::max<std::size_t>(1, settings.sort_block_samples / std::max<std::size_t>(1, view.n_chan));
      for (std::size_t first = 0; first < view.n_rows; first += rows_per_block) {
        VisibilityView block = view;
        block.n_rows = std::min(rows_per_block, view.n_rows - first);
        block.uvw_m += 3 * first;
        block.vis += first * view.n_chan;
        block.weight += first * view.n_chan;
        bucketItems({&block, 1}, layout, geometry, true, settings.threads, items);
        timings.sort += watch.lap();
        if (items.row_end > items.row_begin) {
          row_begin = std::min(row_begin, items.row_begin);
          row_end = std::max(row_end, items.row_end);
        }
        spreadAllPlanes<W, T, G>(items, poly, layout, plane_data, settings.threads);
        timings.grid += watch.lap();
      }
    }
    items.row_begin = row_end > row_begin ? row_begin : 0;
    items.row_end = row_end > row_begin ? row_end : 0;
  }

  /// `blocks`: the views, when they are to be gridded in blocks (griddedInBlocks); else empty and
  /// `items` holds them, sorted.
  template <int W, typename T, int G>
  void invertWith(const GridLayout& layout, std::span<double> const* images,
                  std::span<const VisibilityView> blocks = {}) {
    const int threads = settings.threads;
    FftGrid<T>* grid[G];
    std::complex<T>* data[G];
    for (int g = 0; g < G; ++g) {
      grid[g] = &gridFor<T>(g, layout);
      data[g] = grid[g]->data();
    }
    image_plane->restartPlanes(threads);
    for (int g = 0; g < G; ++g) grid[g]->zero(threads);
    // With small inversion the planes add up on the coarse period, interpolated at the end.
    std::span<double> targets[G];
    for (int g = 0; g < G; ++g) {
      if (resampler) {
        coarse[g].assign(layout.grid_nx * layout.grid_ny, 0.0);
        targets[g] = coarse[g];
      } else {
        targets[g] = images[g];
      }
    }
    Stopwatch watch;
    if (allPlanesFit<T>(layout, G)) {
      auto& planes = planeStore<T>();
      std::vector<std::complex<T>*> plane_data = allPlaneGrids<T>(layout, G);
      for (auto& plane_grid : planes) plane_grid.zero(threads);
      timings.image += watch.lap();
      if (blocks.empty()) {
        spreadAllPlanes<W, T, G>(items, poly, layout, plane_data.data(), threads);
        timings.grid += watch.lap();
      } else {
        spreadInBlocks<W, T, G>(blocks, layout, plane_data.data(), watch);
        if (items.row_end <= items.row_begin) return;  // no usable sample: nothing to add
      }
      const FftSupport support = supportFor(layout);
      for (std::size_t plane = 0; plane < layout.w_planes; ++plane) {
        FftGrid<T>* these[G];
        for (int g = 0; g < G; ++g) {
          these[g] = &planes[plane * G + std::size_t(g)];
          prunedFft2d(*these[g], support, true, threads);
        }
        timings.fft += watch.lap();
        image_plane->accumulate<T>({these, std::size_t(G)}, {targets, std::size_t(G)}, threads);
        timings.image += watch.lap();
      }
    } else {
      const FftSupport support = supportFor(layout);
      for (std::size_t plane = 0; plane < layout.w_planes; ++plane) {
        if (plane > 0)
          for (int g = 0; g < G; ++g)
            grid[g]->zeroSupport(support.row_begin, support.row_end, support.col_low, support.col_high, threads);
        timings.image += watch.lap();
        spreadPlane<W, T, G>(items, poly, layout, plane, data, threads);
        timings.grid += watch.lap();
        for (int g = 0; g < G; ++g) prunedFft2d(*grid[g], support, true, threads);
        timings.fft += watch.lap();
        image_plane->accumulate<T>({grid, std::size_t(G)}, {targets, std::size_t(G)}, threads);
      }
      timings.image += watch.lap();
    }
    if (!resampler) return;
    fine_values.resize(geometry.nx * geometry.ny);
    for (int g = 0; g < G; ++g) {
      resampler->upsample(coarse[g], fine_values);
      timings.fft += watch.lap();
      fine_plane->addCorrected(fine_values, images[g], threads);
      timings.image += watch.lap();
    }
  }

  template <int W, typename T>
  void predictWith(const GridLayout& layout, std::span<const double> image,
                   std::vector<std::complex<double>>& sums) {
    const int threads = settings.threads;
    FftGrid<T>& grid = gridFor<T>(0, layout);
    Stopwatch watch;
    std::vector<double> corrected(image.begin(), image.end());
    if (resampler) {
      fine_plane->applyCorrection(corrected, threads);
      timings.image += watch.lap();
      coarse[0].resize(layout.grid_nx * layout.grid_ny);
      resampler->downsample(corrected, coarse[0]);
      timings.fft += watch.lap();
    } else {
      image_plane->applyCorrection(corrected, threads);
    }
    const std::span<const double> source = resampler ? std::span<const double>(coarse[0]) : corrected;
    const FftSupport support = supportFor(layout);
    image_plane->restartPlanes(threads);
    if (allPlanesFit<T>(layout, 1)) {
      std::vector<std::complex<T>*> plane_data = allPlaneGrids<T>(layout, 1);
      auto& planes = planeStore<T>();
      for (std::size_t plane = 0; plane < layout.w_planes; ++plane) {
        image_plane->scatter(source, planes[plane], threads);
        timings.image += watch.lap();
        prunedFft2d(planes[plane], support, false, threads);
        timings.fft += watch.lap();
      }
      std::vector<const std::complex<T>*> readable(plane_data.begin(), plane_data.end());
      readAllPlanes<W, T>(items, poly, layout, readable.data(), sums.data(), threads);
      timings.grid += watch.lap();
      return;
    }
    for (std::size_t plane = 0; plane < layout.w_planes; ++plane) {
      image_plane->scatter(source, grid, threads);
      timings.image += watch.lap();
      prunedFft2d(grid, support, false, threads);
      timings.fft += watch.lap();
      readPlane<W, T>(items, poly, layout, plane, grid, sums.data(), threads);
      timings.grid += watch.lap();
    }
  }

  /// Sorts the samples into items, unless the last sort was of the same samples for the same
  /// layout; then an invert only takes the new visibilities.
  void prepareItems(std::span<const VisibilityView> views, const SamplesKey& key, const GridLayout& layout,
                    const ImageGeometry& g, bool with_values) {
    const bool keep = !key.views.empty() && key == items_key && sameLayout(layout, items_layout);
    if (keep) {
      if (with_values) refreshValues(views, settings.threads, items);
      return;
    }
    items_key = {};  // until the sort below completes
    bucketItems(views, layout, g, with_values, settings.threads, items);
    items_key = key;
    items_layout = layout;
  }

  template <typename Body>
  void dispatch(int support, bool use_double, Body&& body) {
    auto run = [&]<int W>() {
      if (use_double)
        body.template operator()<W, double>();
      else
        body.template operator()<W, float>();
    };
    switch (support) {
      case 4: run.template operator()<4>(); break;
      case 5: run.template operator()<5>(); break;
      case 6: run.template operator()<6>(); break;
      case 7: run.template operator()<7>(); break;
      case 8: run.template operator()<8>(); break;
      case 9: run.template operator()<9>(); break;
      case 10: run.template operator()<10>(); break;
      case 11: run.template operator()<11>(); break;
      case 12: run.template operator()<12>(); break;
      case 13: run.template operator()<13>(); break;
      case 14: run.template operator()<14>(); break;
      case 15: run.template operator()<15>(); break;
      case 16: run.template operator()<16>(); break;
      default: throw std::logic_error("unsupported kernel support " + std::to_string(support));
    }
  }
};

Gridder::Gridder(const ImageGeometry& geometry, const GridderSettings& settings)
    : impl_(std::make_unique<Impl>()) {
  geometry.validate();
  settings.validate();
  impl_->geometry = geometry;
  impl_->settings = settings;
}

Gridder::~Gridder() = default;
Gridder::Gridder(Gridder&&) noexcept = default;
Gridder& Gridder::operator=(Gridder&&) noexcept = default;

void Gridder::setReach(const DataReach& reach) { impl_->fixed_reach = reach; }

const KernelChoice& Gridder::lastChoice() const { return impl_->choice; }
const GridderTimings& Gridder::lastTimings() const { return impl_->timings; }
const ImageGeometry& Gridder::geometry() const { return impl_->geometry; }

void Gridder::invert(std::span<const VisibilityView> views, std::span<double> image, std::span<double> psf) {
  const auto& g = impl_->geometry;
  if (image.size() != g.nx * g.ny) throw std::invalid_argument("invert: image size does not match imsize");
  if (!psf.empty() && psf.size() != g.nx * g.ny) throw std::invalid_argument("invert: psf size does not match imsize");
  impl_->timings = {};
  Stopwatch watch;
  bool use_double = false;
  const SamplesKey key = samplesKey(views);
  GridLayout layout = impl_->layoutFor(views, key, use_double);
  impl_->timings.plan = watch.lap();
  const std::span<double> images[2] = {image, psf};
  const int G = psf.empty() ? 1 : 2;
  const bool in_blocks = use_double ? impl_->griddedInBlocks<double>(key, layout, G)
                                    : impl_->griddedInBlocks<float>(key, layout, G);
  if (in_blocks) {
    impl_->items_key = {};  // the items will hold only the last block
    if (impl_->extent.visibilities == 0) return;
  } else {
    impl_->prepareItems(views, key, layout, g, true);
    impl_->timings.sort = watch.lap();
    if (impl_->items.items.empty()) return;
  }
  const std::span<const VisibilityView> blocks = in_blocks ? views : std::span<const VisibilityView>{};
  impl_->dispatch(layout.support, use_double, [&]<int W, typename T>() {
    if (G == 1)
      impl_->invertWith<W, T, 1>(layout, images, blocks);
    else
      impl_->invertWith<W, T, 2>(layout, images, blocks);
  });
}

void Gridder::predict(std::span<const VisibilityView> views, std::span<const double> image,
                      std::span<std::complex<float>* const> out) {
  const auto& g = impl_->geometry;
  if (image.size() != g.nx * g.ny) throw std::invalid_argument("predict: image size does not match imsize");
  if (out.size() != views.size()) throw std::invalid_argument("predict: one output per view is needed");
  for (std::size_t v = 0; v < views.size(); ++v)
    std::fill(out[v], out[v] + views[v].n_rows * views[v].n_chan, std::complex<float>(0.0f));
  impl_->timings = {};
  Stopwatch watch;
  bool use_double = false;
  const SamplesKey key = samplesKey(views);
  GridLayout layout = impl_->layoutFor(views, key, use_double);
  impl_->timings.plan = watch.lap();
  impl_->prepareItems(views, key, layout, g, false);
  impl_->timings.sort = watch.lap();
  const BucketedItems& items = impl_->items;
  if (items.items.empty()) return;
  std::vector<std::complex<double>>& sums = impl_->predict_sums;
  sums.assign(items.items.size(), 0.0);
  impl_->dispatch(layout.support, use_double, [&]<int W, typename T>() {
    impl_->predictWith<W, T>(layout, image, sums);
  });
  const std::ptrdiff_t n = std::ptrdiff_t(items.items.size());
#pragma omp parallel for num_threads(impl_->settings.threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const Item& item = items.items[i];
    const ItemOrigin origin = items.origins[i];
    std::complex<double> value = sums[i];
    if (layout.w_correction) {
      double w = layout.w_first + item.w * layout.w_step;
      value *= std::polar(1.0, 2.0 * std::numbers::pi * w * layout.n_shift);
    }
    if (origin.flipped()) value = std::conj(value);
    out[origin.view()][origin.index] = std::complex<float>(value);
  }
}

}  // namespace ptclean::gridding
