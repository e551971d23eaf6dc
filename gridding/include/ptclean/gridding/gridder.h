// Convolutional gridding with w-stacking: the dirty image and its exact adjoint (predict).
//
//   ptclean::gridding::Gridder gridder({.nx = 512, .ny = 512, .cell_x_rad = c, .cell_y_rad = c},
//                                      {.accuracy = 1e-6, .w_correction = true, .threads = 2});
//   std::vector<double> dirty(512 * 512, 0.0);
//   gridder.invert({view}, dirty);                // dirty += sum_k w_k V_k e^{-2 pi i phi_k(l,m)}
//   gridder.predict({view}, model, predicted);     // predicted_k = sum_lm M e^{+2 pi i phi_k(l,m)}
//
// phi_k(l,m) = u_k l + v_k m + w_k (n - 1), with (u, v, w) = stored UVW [m] * frequency / c.
// Images are in FITS order (x fastest). Pixel (x, y) is at l = -(x - nx/2) cell_x,
// m = (y - ny/2) cell_y, so RA grows towards smaller x, as in every FITS image with CDELT1 < 0.
// The caller gives an accuracy, never a kernel width: the kernel support, oversampling and
// float/double arithmetic are chosen from it (see kernel_choice.h).
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ptclean::gridding {

struct ImageGeometry {
  std::size_t nx = 0;       ///< pixels along l (RA)
  std::size_t ny = 0;       ///< pixels along m (Dec)
  double cell_x_rad = 0.0;  ///< pixel size along l, radians (> 0)
  double cell_y_rad = 0.0;  ///< pixel size along m, radians (> 0)
  void validate() const;    ///< throws std::invalid_argument naming the bad field
};

struct GridderSettings {
  double accuracy = 1e-4;     ///< requested relative accuracy of the image against a DFT
  bool w_correction = true;   ///< false: the 'standard' gridder, w is ignored
  int threads = 1;            ///< OpenMP threads for gridding and FFTs
  /// Grid on a grid just large enough for the data and interpolate the image up once per call
  /// (as WSClean's small inversion, but over the grid's whole period, so that it stays exact).
  bool small_inversion = true;
  /// Bytes of w-plane grids the gridder may hold at once. Where all planes fit, each sample's
  /// taps are evaluated once for all of its planes; otherwise it grids plane by plane.
  double plane_memory_bytes = 384.0 * (1 << 20);
  /// Samples sorted at a time when a call's views carry no samples_id (nothing will grid them
  /// again) and all planes fit: the sorted samples then take a block's memory, not the data's.
  std::size_t sort_block_samples = std::size_t(1) << 21;
  void validate() const;
};

/// One block of visibilities with a common channel set (one spw). Non-owning.
struct VisibilityView {
  std::size_t n_rows = 0;
  std::size_t n_chan = 0;
  const double* uvw_m = nullptr;                 ///< n_rows x 3, metres
  const double* freq_hz = nullptr;               ///< n_chan
  const std::complex<float>* vis = nullptr;      ///< n_rows x n_chan (unused by predict)
  const float* weight = nullptr;                 ///< n_rows x n_chan; 0 means "skip"
  /// Non-zero: a promise that views given this id again (with the same sizes and pointers) hold
  /// the same UVW, frequencies and weights; only `vis` may change. The gridder then keeps its
  /// sorted samples from call to call (major cycles) instead of sorting them again. 0: no promise.
  std::uint64_t samples_id = 0;
};

/// How far the data reach; the gridder chooses kernel, grid and w-planes from it. By default it
/// measures each call's views; given the reach of all ranks' data (Gridder::setReach), every rank
/// chooses the same plan, so that the summed images do not depend on how the data were shared.
struct DataReach {
  std::size_t visibilities = 0;     ///< samples with weight != 0
  double u_max = 0.0, v_max = 0.0;  ///< of |u| and |v|, wavelengths
  double w_min = 0.0, w_max = 0.0;  ///< of |w|, wavelengths
};

/// The reach of these views' samples with weight != 0.
DataReach measureReach(std::span<const VisibilityView> views, int threads);

/// Seconds spent in each phase of the last call (for logs and --timings).
struct GridderTimings {
  double plan = 0.0;     ///< kernel choice, image-plane tables
  double sort = 0.0;     ///< visibilities to items, bucketed by tile and w-plane (or kept items' new values)
  double grid = 0.0;     ///< spreading onto (or reading from) the w-planes
  double fft = 0.0;
  double image = 0.0;    ///< phase screens, corrections, accumulation
};

/// What the gridder chose for the last call; logged by the imager.
struct KernelChoice {
  int support = 0;
  double oversampling = 0.0;
  double beta = 0.0;
  int poly_degree = 0;
  std::size_t grid_nx = 0;
  std::size_t grid_ny = 0;
  std::size_t period_nx = 0;      ///< the FFT period in image pixels; > grid_nx with small inversion
  std::size_t period_ny = 0;
  std::size_t w_planes = 1;
  double w_min = 0.0;             ///< wavelengths
  double w_step = 0.0;            ///< wavelengths between planes
  bool double_precision = false;
  double estimated_error = 0.0;
  std::string describe() const;
};

class Gridder {
 public:
  Gridder(const ImageGeometry& geometry, const GridderSettings& settings);
  ~Gridder();
  Gridder(Gridder&&) noexcept;
  Gridder& operator=(Gridder&&) noexcept;

  /// image[y * nx + x] += Re sum_k weight_k vis_k e^{-2 pi i phi_k(x, y)}: not normalised.
  /// With a non-empty `psf`, also psf += the same with vis = 1, in the same pass.
  void invert(std::span<const VisibilityView> views, std::span<double> image,
              std::span<double> psf = {});

  /// out[v][row * n_chan + ch] = sum_xy image(x, y) e^{+2 pi i phi(x, y)} where weight != 0,
  /// and 0 where weight == 0: the exact adjoint of invert without the weights.
  void predict(std::span<const VisibilityView> views, std::span<const double> image,
               std::span<std::complex<float>* const> out);

  /// Plans from `reach` (which must cover every later call's samples) instead of each call's own.
  void setReach(const DataReach& reach);

  const KernelChoice& lastChoice() const;
  const GridderTimings& lastTimings() const;
  const ImageGeometry& geometry() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptclean::gridding
