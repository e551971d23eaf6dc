// Operations on images shared by the CLEAN algorithms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ptclean::deconvolution {

struct Peak {
  std::size_t index = 0;
  double value = 0.0;  ///< signed value at the peak of |image|
};

/// The pixel of largest |value| (the first one on ties, whatever the thread count), among those
/// where `mask` is non-zero (an empty mask means everywhere; value 0 when the mask is all zero).
Peak findPeak(std::span<const double> image, std::span<const std::uint8_t> mask, int threads);

/// image -= scale * psf shifted so that its centre (nx/2, ny/2) lands on pixel (x, y).
void subtractShiftedPsf(std::span<double> image, std::span<const double> psf, std::size_t nx,
                        std::size_t ny, std::size_t x, std::size_t y, double scale, int threads);

}  // namespace ptclean::deconvolution
