// Where a multi-scale component may be centred: every pixel its scale function touches must lie
// in the image and, with a mask, in the mask (an erosion of the mask by the function's support),
// so that the model stays zero outside the mask and the components keep their whole flux.
//
//   auto allowed = allowedCentres(mask, nx, ny, kernels, threads);  // allowed[t][y * nx + x]
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "multiscale_kernels.h"

namespace ptclean::deconvolution {

/// One byte per pixel per kernel, 1 where a component of that kernel may sit. An empty `mask`
/// means the whole image.
std::vector<std::vector<std::uint8_t>> allowedCentres(std::span<const std::uint8_t> mask, std::size_t nx,
                                                      std::size_t ny, const std::vector<ScaleKernel>& kernels,
                                                      int threads);

}  // namespace ptclean::deconvolution
