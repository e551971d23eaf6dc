#include "ptclean/deconvolution/auto_mask.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "mask_ops.h"

namespace ptclean::deconvolution {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

constexpr std::size_t kBins = 4096;

/// The values of value(0) ... value(n - 1) in the histogram bin that holds the k-th smallest (from
/// 0), with k made relative to them. A bin's values all lie below the next bin's.
template <typename Value>
std::vector<double> narrowDown(std::size_t n, Value value, std::size_t& k, int threads) {
  double low = value(0), high = value(0);
  const std::ptrdiff_t count = std::ptrdiff_t(n);
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : low) reduction(max : high)
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    const double v = value(std::size_t(i));
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (!(low < high)) {
    k = 0;
    return {low};
  }
  const double scale = double(kBins) / (high - low);
  auto bin = [&](double v) { return std::min(kBins - 1, std::size_t((v - low) * scale)); };
  std::vector<std::size_t> histogram(kBins, 0);
  std::size_t* h = histogram.data();
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : h[:kBins])
  for (std::ptrdiff_t i = 0; i < count; ++i) ++h[bin(value(std::size_t(i)))];
  std::size_t chosen = 0;
  while (k >= histogram[chosen]) k -= histogram[chosen++];
  // Each thread gathers from its own slice; the slices are joined in order.
  std::vector<std::vector<double>> parts(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    const std::size_t t = std::size_t(omp_get_thread_num()), slices = std::size_t(omp_get_num_threads());
    std::vector<double>& part = parts[t];
    for (std::size_t i = t * n / slices; i < (t + 1) * n / slices; ++i)
      if (const double v = value(i); bin(v) == chosen) part.push_back(v);
  }
  std::vector<double> candidates;
  candidates.reserve(histogram[chosen]);
  for (const auto& part : parts) candidates.insert(candidates.end(), part.begin(), part.end());
  return candidates;
}

/// The k-th smallest (from 0) of value(0) ... value(n - 1), exactly and whatever the thread count:
/// histograms narrow the candidates down until nth_element can take over.
template <typename Value>
double kthSmallest(std::size_t n, Value value, std::size_t k, int threads) {
  constexpr std::size_t kFew = 16384;
  std::vector<double> candidates = narrowDown(n, value, k, threads);
  for (int round = 0; round < 8 && candidates.size() > kFew; ++round)
    candidates = narrowDown(
        candidates.size(), [&candidates](std::size_t i) { return candidates[i]; }, k, threads);
  std::nth_element(candidates.begin(), candidates.begin() + std::ptrdiff_t(k), candidates.end());
  return candidates[k];
}

struct Location {
  double median = 0.0, rms = 0.0;
};

/// The median and 1.4826 x the median absolute deviation from it.
Location medianAndRms(std::span<const double> values, int threads) {
  if (values.empty()) return {};
  const std::size_t middle = values.size() / 2;
  const double median = kthSmallest(
      values.size(), [values](std::size_t i) { return values[i]; }, middle, threads);
  const double mad = kthSmallest(
      values.size(), [values, median](std::size_t i) { return std::abs(values[i] - median); }, middle, threads);
  return {median, 1.4826 * mad};
}

/// Chauvenet's criterion, iterated until it rejects nothing: drops the values further from the mean
/// than z standard deviations, where N erfc(z / sqrt 2) = 1/2.
void chauvenetClip(std::vector<double>& values) {
  while (values.size() > 2) {
    double sum = 0.0, squares = 0.0;
    for (double v : values) sum += v;
    const double mean = sum / double(values.size());
    for (double v : values) squares += (v - mean) * (v - mean);
    const double sigma = std::sqrt(squares / double(values.size() - 1));
    if (!(sigma > 0.0)) return;
    double low = 0.0, high = 40.0;  // bisection: erfc falls with z
    for (int i = 0; i < 100; ++i) {
      const double z = 0.5 * (low + high);
      (double(values.size()) * std::erfc(z / std::numbers::sqrt2) > 0.5 ? low : high) = z;
    }
    const double limit = high * sigma;
    const std::size_t before = values.size();
    std::erase_if(values, [&](double v) { return std::abs(v - mean) > limit; });
    if (values.size() == before) return;
  }
}

/// 1 where the image is above (or below) the level.
std::vector<std::uint8_t> threshold(std::span<const double> image, double level, bool above, int threads) {
  std::vector<std::uint8_t> mask(image.size());
  const double* in = image.data();
  std::uint8_t* out = mask.data();
  const std::ptrdiff_t n = std::ptrdiff_t(image.size());
  if (above) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t p = 0; p < n; ++p) out[p] = in[p] > level;
  } else {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::ptrdiff_t p = 0; p < n; ++p) out[p] = in[p] < level;
  }
  return mask;
}

void addTo(std::vector<std::uint8_t>& mask, const std::vector<std::uint8_t>& more, int threads) {
  std::uint8_t* out = mask.data();
  const std::uint8_t* in = more.data();
  const std::ptrdiff_t n = std::ptrdiff_t(mask.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t p = 0; p < n; ++p) out[p] |= in[p];
}

}  // namespace

void AutoMaskSettings::validate() const {
  const std::string where = "usemask='auto-multithresh': ";
  require(std::isfinite(sidelobethreshold) && sidelobethreshold >= 0.0, where + "sidelobethreshold must be >= 0");
  require(std::isfinite(noisethreshold) && noisethreshold >= 0.0, where + "noisethreshold must be >= 0");
  require(std::isfinite(lownoisethreshold) && lownoisethreshold >= 0.0, where + "lownoisethreshold must be >= 0");
  require(std::isfinite(negativethreshold) && negativethreshold >= 0.0, where + "negativethreshold must be >= 0");
  require(std::isfinite(smoothfactor) && smoothfactor > 0.0, where + "smoothfactor must be > 0");
  require(std::isfinite(minbeamfrac) && minbeamfrac >= 0.0, where + "minbeamfrac must be >= 0");
  require(cutthreshold >= 0.0 && cutthreshold < 1.0, where + "cutthreshold must be in [0, 1)");
  require(growiterations >= 0, where + "growiterations must be >= 0");
  require(std::isfinite(minpercentchange), where + "minpercentchange must be a number (< 0 turns it off)");
}

AutoMasker::AutoMasker(const AutoMaskSettings& settings, std::size_t nx, std::size_t ny, double beam_major_px,
                       double beam_minor_px, double beam_pa_rad, double psf_sidelobe_level)
    : settings_(settings), nx_(nx), ny_(ny), sidelobe_level_(psf_sidelobe_level) {
  settings_.validate();
  require(nx > 0 && ny > 0, "automask: the image must have pixels");
  require(std::isfinite(beam_major_px) && beam_major_px > 0.0 && std::isfinite(beam_minor_px) && beam_minor_px > 0.0,
          "automask: the beam's FWHMs must be > 0 pixels");
  require(std::isfinite(beam_pa_rad), "automask: the beam's position angle must be a number");
  require(psf_sidelobe_level >= 0.0 && psf_sidelobe_level <= 1.0, "automask: the PSF sidelobe level must be in [0, 1]");
  // tclean: prune size = minbeamfrac x the beam's area in pixels, pi bmaj bmin / (4 ln 2).
  prune_pixels_ = settings_.minbeamfrac * std::numbers::pi * beam_major_px * beam_minor_px / (4.0 * std::numbers::ln2);
  smoother_ = std::make_unique<mask_ops::GaussianSmoother>(nx, ny, settings_.smoothfactor * beam_major_px,
                                                           settings_.smoothfactor * beam_minor_px, beam_pa_rad);
  mask_.assign(nx * ny, 0);
}

AutoMasker::~AutoMasker() = default;
AutoMasker::AutoMasker(AutoMasker&&) noexcept = default;
AutoMasker& AutoMasker::operator=(AutoMasker&&) noexcept = default;

AutoMaskUpdate AutoMasker::update(std::span<const double> residual, int threads, bool cycle_threshold_reached) {
  require(residual.size() == nx_ * ny_, "automask: the residual must have nx x ny pixels");
  threads = std::max(1, threads);
  const AutoMaskSettings& s = settings_;
  AutoMaskUpdate u;
  const std::size_t before = mask_ops::countPixels(mask_, threads);
  if (stopped_) {
    u.pixels_in_mask = before;
    u.stopped_updating = true;
    return u;
  }

  // Statistics: the peak over the whole image; median and MAD over the whole image (fastnoise), or
  // outside the current mask, or (no mask yet) over what Chauvenet's criterion keeps.
  double peak = 0.0;
  const std::ptrdiff_t n = std::ptrdiff_t(residual.size());
#pragma omp parallel for num_threads(threads) schedule(static) reduction(max : peak)
  for (std::ptrdiff_t p = 0; p < n; ++p) peak = std::max(peak, std::abs(residual[std::size_t(p)]));
  std::span<const double> noise = residual;
  std::vector<double> sample;
  if (!s.fastnoise && before == 0) {
    sample.assign(residual.begin(), residual.end());
    chauvenetClip(sample);
    noise = sample;
  } else if (!s.fastnoise && before < mask_.size()) {
    sample.reserve(mask_.size() - before);
    for (std::size_t p = 0; p < mask_.size(); ++p)
      if (!mask_[p]) sample.push_back(residual[p]);
    noise = sample;
  }
  const Location location = medianAndRms(noise, threads);
  u.median = location.median;
  u.rms = location.rms;
  u.peak = peak;

  // tclean's thresholds (SDMaskHandler::autoMaskByMultiThreshold): all offset by the median.
  const double sidelobe_part = s.sidelobethreshold * sidelobe_level_ * peak;
  u.sidelobe_threshold = sidelobe_part + u.median;
  u.noise_threshold = s.noisethreshold * u.rms + u.median;
  u.low_noise_threshold = s.lownoisethreshold * u.rms + u.median;
  u.noise_limited = u.noise_threshold > u.sidelobe_threshold;
  const bool negative = s.negativethreshold > 0.0;
  if (negative) u.negative_threshold = std::max(sidelobe_part, s.negativethreshold * u.rms) - u.median;

  // The threshold mask: regions above the mask threshold, pruned, smoothed and cut.
  const double prune = s.minbeamfrac > 0.0 ? prune_pixels_ : 0.0;
  std::vector<std::uint8_t> found = threshold(residual, u.maskThreshold(), true, threads);
  const mask_ops::RegionCount regions = mask_ops::pruneSmallRegions(found, nx_, ny_, prune);
  u.regions_found = regions.regions;
  u.regions_pruned = regions.removed;
  smoother_->smoothAndCut(found, s.cutthreshold, threads);

  // The grow mask: from the second update on, the previous mask dilated into the pixels above the
  // low-noise threshold, pruned (dogrowprune), smoothed and cut.
  if (updates_ > 0 && s.growiterations > 0 && before > 0) {
    std::vector<std::uint8_t> grown(mask_);
    const std::vector<std::uint8_t> constraint = threshold(residual, u.growThreshold(), true, threads);
    mask_ops::growWithin(grown, constraint, nx_, ny_, s.growiterations);
    const mask_ops::RegionCount grown_regions =
        mask_ops::pruneSmallRegions(grown, nx_, ny_, s.dogrowprune ? prune : 0.0);
    u.grow_regions_found = grown_regions.regions;
    u.grow_regions_pruned = grown_regions.removed;
    smoother_->smoothAndCut(grown, s.cutthreshold, threads);
    addTo(found, grown, threads);
  }

  // The negative mask: where -residual exceeds the negative threshold, smoothed and cut (neither
  // pruned nor grown).
  if (negative) {
    std::vector<std::uint8_t> below = threshold(residual, -u.negative_threshold, false, threads);
    smoother_->smoothAndCut(below, s.cutthreshold, threads);
    u.negative_pixels = mask_ops::countPixels(below, threads);
    addTo(found, below, threads);
  }

  addTo(mask_, found, threads);
  const std::size_t after = mask_ops::countPixels(mask_, threads);
  // tclean's skipChannels: with the noise threshold in charge, stop at an empty mask, or (once the
  // cycle threshold has reached the global one) when the mask changed by less than minpercentchange.
  if (u.noise_limited) {
    const double change = std::abs(double(after) - double(before));
    const bool settled = s.minpercentchange >= 0.0 && cycle_threshold_reached &&
                         (change == 0.0 || change < s.minpercentchange / 100.0 * double(before));
    if (after == 0 || settled) stopped_ = true;
  }
  ++updates_;
  u.pixels_in_mask = after;
  u.stopped_updating = stopped_;
  return u;
}

void AutoMasker::restore(State state) {
  if (state.mask.size() != nx_ * ny_)
    throw std::invalid_argument("auto-multithresh state: mask of " + std::to_string(state.mask.size()) +
                                " pixels for an image of " + std::to_string(nx_ * ny_));
  mask_ = std::move(state.mask);
  updates_ = state.updates;
  stopped_ = state.stopped;
}

}  // namespace ptclean::deconvolution
