#include "mask_ops.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <mutex>
#include <numbers>

namespace ptclean::deconvolution::mask_ops {

RegionCount pruneSmallRegions(std::span<std::uint8_t> mask, std::size_t nx, std::size_t ny, double min_pixels) {
  RegionCount count;
  std::vector<std::size_t> region, stack;
  // Flood fill from each unvisited pixel; visited pixels hold 2 until the end.
  for (std::size_t start = 0; start < mask.size(); ++start) {
    if (mask[start] != 1) continue;
    region.clear();
    stack.assign(1, start);
    mask[start] = 2;
    while (!stack.empty()) {
      const std::size_t p = stack.back();
      stack.pop_back();
      region.push_back(p);
      const std::size_t x = p % nx, y = p / nx;
      auto visit = [&](std::size_t q) {
        if (mask[q] == 1) mask[q] = 2, stack.push_back(q);
      };
      if (x > 0) visit(p - 1);
      if (x + 1 < nx) visit(p + 1);
      if (y > 0) visit(p - nx);
      if (y + 1 < ny) visit(p + nx);
    }
    ++count.regions;
    if (double(region.size()) < min_pixels) {
      ++count.removed;
      for (std::size_t q : region) mask[q] = 0;
    }
  }
  for (std::uint8_t& m : mask) m = m != 0;
  return count;
}

void growWithin(std::span<std::uint8_t> mask, std::span<const std::uint8_t> constraint, std::size_t nx, std::size_t ny,
                int iterations) {
  std::vector<std::size_t> frontier, next;
  for (std::size_t p = 0; p < mask.size(); ++p) {
    mask[p] = mask[p] && constraint[p];
    if (mask[p]) frontier.push_back(p);
  }
  // One dilation step per pass: the pixels added by a step seed only the next one.
  for (int step = 0; step < iterations && !frontier.empty(); ++step) {
    next.clear();
    for (std::size_t p : frontier) {
      const std::size_t x = p % nx, y = p / nx;
      auto visit = [&](std::size_t q) {
        if (constraint[q] && !mask[q]) mask[q] = 1, next.push_back(q);
      };
      if (x > 0) visit(p - 1);
      if (x + 1 < nx) visit(p + 1);
      if (y > 0) visit(p - nx);
      if (y + 1 < ny) visit(p + nx);
    }
    frontier.swap(next);
  }
}

std::size_t countPixels(std::span<const std::uint8_t> mask, int threads) {
  std::size_t total = 0;
  const std::ptrdiff_t n = std::ptrdiff_t(mask.size());
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
  for (std::ptrdiff_t p = 0; p < n; ++p) total += mask[std::size_t(p)] != 0;
  return total;
}

namespace {

std::mutex& plannerMutex() {
  static std::mutex mutex;  // FFTW's planner is not thread-safe
  return mutex;
}

/// The smallest n' >= n with no prime factor above 7 (fast for FFTW).
std::size_t fftSize(std::size_t n) {
  for (;; ++n) {
    std::size_t m = n;
    for (std::size_t f : {2, 3, 5, 7})
      while (m % f == 0) m /= f;
    if (m == 1) return n;
  }
}

constexpr std::size_t kColumnBatch = 16;  // columns transformed together share cache lines
constexpr unsigned kFlags = FFTW_ESTIMATE | FFTW_UNALIGNED;

}  // namespace

/// The convolution as a product of transforms on a grid padded by the kernel's reach, so that the
/// circular convolution does not wrap onto the image. Rows and batches of columns are transformed
/// by the same 1D plans whatever thread runs them.
struct GaussianSmoother::Fft {
  std::size_t nx, ny, px, py, half;  ///< image, padded grid, px/2 + 1 complex columns
  fftw_plan row_forward = nullptr, row_backward = nullptr;
  fftw_plan columns[2] = {nullptr, nullptr};  ///< [forward?], a full batch
  fftw_plan tail[2] = {nullptr, nullptr};     ///< [forward?], the last, shorter batch
  std::vector<std::complex<double>> work;     ///< py rows of half complex; in place, real rows of px
  std::vector<double> kernel;                 ///< the kernel's transform / (px py): real, as the kernel is symmetric

  Fft(const GaussianSmoother& s, int threads)
      : nx(s.nx_),
        ny(s.ny_),
        px(fftSize(s.nx_ + s.rx_)),
        py(fftSize(s.ny_ + s.ry_)),
        half(px / 2 + 1),
        work(py * half) {
    {
      std::lock_guard lock(plannerMutex());
      auto* c = reinterpret_cast<fftw_complex*>(work.data());
      auto* r = reinterpret_cast<double*>(work.data());
      const int n = int(px), m = int(py), stride = int(half);
      row_forward = fftw_plan_dft_r2c_1d(n, r, c, kFlags);
      row_backward = fftw_plan_dft_c2r_1d(n, c, r, kFlags);
      const int full = int(std::min(kColumnBatch, half)), rest = int(half % kColumnBatch);
      for (int forward : {0, 1}) {
        const int sign = forward ? FFTW_FORWARD : FFTW_BACKWARD;
        columns[forward] = fftw_plan_many_dft(1, &m, full, c, nullptr, stride, 1, c, nullptr, stride, 1, sign, kFlags);
        if (rest > 0 && half > kColumnBatch)
          tail[forward] = fftw_plan_many_dft(1, &m, rest, c, nullptr, stride, 1, c, nullptr, stride, 1, sign, kFlags);
      }
    }
    // The kernel centred on pixel (0, 0) of the periodic grid.
    const long rx = long(s.rx_), ry = long(s.ry_), width = 2 * rx + 1;
    for (long dy = -ry; dy <= ry; ++dy) {
      double* out = row(std::size_t((dy + long(py)) % long(py)));
      for (long dx = -rx; dx <= rx; ++dx)
        out[std::size_t((dx + long(px)) % long(px))] = s.taps_[std::size_t((dy + ry) * width + dx + rx)];
    }
    const std::ptrdiff_t rows = std::ptrdiff_t(py);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) transformRow(std::size_t(y), true);
    transformColumns(true, threads);
    kernel.resize(work.size());
    const double norm = 1.0 / (double(px) * double(py));
    for (std::size_t i = 0; i < work.size(); ++i) kernel[i] = work[i].real() * norm;
  }

  ~Fft() {
    std::lock_guard lock(plannerMutex());
    for (fftw_plan p : {row_forward, row_backward, columns[0], columns[1], tail[0], tail[1]})
      if (p) fftw_destroy_plan(p);
  }

  double* row(std::size_t y) { return reinterpret_cast<double*>(work.data() + y * half); }

  void transformRow(std::size_t y, bool forward) {
    double* r = row(y);
    auto* c = reinterpret_cast<fftw_complex*>(r);
    if (forward)
      fftw_execute_dft_r2c(row_forward, r, c);
    else
      fftw_execute_dft_c2r(row_backward, c, r);
  }

  void transformColumns(bool forward, int threads) {
    auto* c = reinterpret_cast<fftw_complex*>(work.data());
    const std::ptrdiff_t batches = std::ptrdiff_t((half + kColumnBatch - 1) / kColumnBatch);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t b = 0; b < batches; ++b) {
      const std::size_t first = std::size_t(b) * kColumnBatch;
      fftw_plan plan = first + kColumnBatch <= half || !tail[forward] ? columns[forward] : tail[forward];
      fftw_execute_dft(plan, c + first, c + first);
    }
  }

  void convolve(std::span<const std::uint8_t> mask, std::span<double> out, int threads) {
    const std::ptrdiff_t rows = std::ptrdiff_t(py), image_rows = std::ptrdiff_t(ny);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y) {
      std::complex<double>* spectrum = work.data() + std::size_t(y) * half;
      const std::uint8_t* in = y < image_rows ? mask.data() + std::size_t(y) * nx : nullptr;
      if (!in || std::none_of(in, in + nx, [](std::uint8_t m) { return m != 0; })) {
        std::fill(spectrum, spectrum + half, 0.0);  // the transform of an empty row
        continue;
      }
      double* r = row(std::size_t(y));
      for (std::size_t x = 0; x < nx; ++x) r[x] = in[x];
      std::fill(r + nx, r + 2 * half, 0.0);
      transformRow(std::size_t(y), true);
    }
    transformColumns(true, threads);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < rows; ++y)
      for (std::size_t i = std::size_t(y) * half; i < std::size_t(y + 1) * half; ++i) work[i] *= kernel[i];
    transformColumns(false, threads);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t y = 0; y < image_rows; ++y) {
      transformRow(std::size_t(y), false);
      std::copy(row(std::size_t(y)), row(std::size_t(y)) + nx, out.begin() + y * std::ptrdiff_t(nx));
    }
  }
};

GaussianSmoother::GaussianSmoother(std::size_t nx, std::size_t ny, double major_px, double minor_px, double pa_rad)
    : nx_(nx), ny_(ny) {
  const double sigma = std::max(major_px, minor_px) / (2.0 * std::sqrt(2.0 * std::numbers::ln2));
  // The kernel is below exp(-32) of its peak beyond 8 sigma; offsets beyond the image never occur.
  const std::size_t reach = std::size_t(std::ceil(8.0 * sigma));
  rx_ = std::min(reach, nx - 1);
  ry_ = std::min(reach, ny - 1);
  const long rx = long(rx_), ry = long(ry_);
  const double four_ln2 = 4.0 * std::numbers::ln2, s = std::sin(pa_rad), c = std::cos(pa_rad);
  taps_.reserve(std::size_t((2 * rx + 1) * (2 * ry + 1)));
  for (long dy = -ry; dy <= ry; ++dy)
    for (long dx = -rx; dx <= rx; ++dx) {
      const double along = -double(dx) * s + double(dy) * c, across = -double(dx) * c - double(dy) * s;
      taps_.push_back(
          std::exp(-four_ln2 * (along * along / (major_px * major_px) + across * across / (minor_px * minor_px))));
    }
}

GaussianSmoother::~GaussianSmoother() = default;

void GaussianSmoother::convolveDirect(std::span<const std::uint8_t> mask, int threads) {
  // The masked columns of each row, then every output row gathers from the rows within reach.
  const long nx = long(nx_), ny = long(ny_), rx = long(rx_), ry = long(ry_), width = 2 * rx + 1;
  std::vector<std::size_t> start(ny_ + 1, 0);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long y = 0; y < ny; ++y)
    start[std::size_t(y) + 1] = std::size_t(
        std::count_if(mask.begin() + y * nx, mask.begin() + (y + 1) * nx, [](std::uint8_t m) { return m; }));
  for (std::size_t y = 0; y < ny_; ++y) start[y + 1] += start[y];
  std::vector<std::uint32_t> columns(start[ny_]);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (long y = 0; y < ny; ++y) {
    std::size_t i = start[std::size_t(y)];
    for (long x = 0; x < nx; ++x)
      if (mask[std::size_t(y * nx + x)]) columns[i++] = std::uint32_t(x);
  }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
  for (long y = 0; y < ny; ++y) {
    double* out = smoothed_.data() + y * nx;
    std::fill(out, out + nx, 0.0);
    for (long dy = -ry; dy <= ry; ++dy) {
      const long source = y - dy;
      if (source < 0 || source >= ny) continue;
      const double* taps = taps_.data() + (dy + ry) * width;
      for (std::size_t i = start[std::size_t(source)]; i < start[std::size_t(source) + 1]; ++i) {
        const long x0 = long(columns[i]);
        const long low = std::max(0L, x0 - rx), high = std::min(nx - 1, x0 + rx);
        for (long x = low; x <= high; ++x) out[x] += taps[x - x0 + rx];
      }
    }
  }
}

void GaussianSmoother::convolve(std::span<const std::uint8_t> mask, int threads, Method method) {
  smoothed_.resize(nx_ * ny_);
  if (method == Method::Automatic) {
    // The direct sum costs an add per masked pixel and tap; the FFTs' round trip, measured on
    // 2048 x 2048, costs about as much as 4 px py log2(px py) of those adds.
    const double padded = double(fftSize(nx_ + rx_)) * double(fftSize(ny_ + ry_));
    const double direct = double(countPixels(mask, threads)) * double(taps_.size());
    method = direct < 4.0 * padded * std::log2(padded) ? Method::Direct : Method::Fft;
  }
  if (method == Method::Direct) return convolveDirect(mask, threads);
  if (!fft_) fft_ = std::make_unique<Fft>(*this, threads);
  fft_->convolve(mask, smoothed_, threads);
}

std::vector<double> GaussianSmoother::smooth(std::span<const std::uint8_t> mask, int threads, Method method) {
  convolve(mask, threads, method);
  return smoothed_;
}

void GaussianSmoother::smoothAndCut(std::span<std::uint8_t> mask, double cut, int threads) {
  if (countPixels(mask, threads) == 0) return;
  convolve(mask, threads, Method::Automatic);
  const double* smoothed = smoothed_.data();
  const std::ptrdiff_t n = std::ptrdiff_t(smoothed_.size());
  double peak = 0.0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : peak)
  for (std::ptrdiff_t p = 0; p < n; ++p) peak = std::max(peak, smoothed[p]);
  const double limit = std::max(cut, 1e-9) * peak;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t p = 0; p < n; ++p) mask[std::size_t(p)] = smoothed[p] > limit;
}

}  // namespace ptclean::deconvolution::mask_ops
