// Minor-cycle deconvolution: one interface, one file per algorithm, chosen by name.
//
//   auto clean = makeDeconvolver({.type = algorithmFromName("multiscale"), .scales = {0, 5, 15}});
//   MinorCycleResult r = clean->executeMajorIteration({nx, ny, residual, model, psf},
//                                                     {.gain = 0.1, .max_iterations = 100,
//                                                      .threshold = 1e-3, .threads = 2});
//
// Images are in FITS order (x fastest); the PSF has the image's size with its peak (1) at
// (nx/2, ny/2). The residual and the model are updated in place. A non-empty mask (one byte per
// pixel, non-zero = may be cleaned) limits where components are found; empty means everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ptclean::deconvolution {

enum class AlgorithmType { Hogbom, Clark, Multiscale };

/// "hogbom", "clark" or "multiscale" (tclean's deconvolver names); throws std::invalid_argument otherwise.
AlgorithmType algorithmFromName(const std::string& name);

/// What chooses and shapes the algorithm; fixed for a whole run.
struct AlgorithmSettings {
  AlgorithmType type = AlgorithmType::Hogbom;
  std::vector<double> scales;   ///< multiscale: scale sizes in pixels (tclean `scales`; 0 = point)
  double smallscalebias = 0.0;  ///< multiscale: tclean `smallscalebias`, in [-1, 1]
  void validate() const;        ///< throws std::invalid_argument naming the bad field
};

struct MinorCycleSettings {
  double gain = 0.1;           ///< loop gain
  long max_iterations = 100;   ///< components in this minor cycle
  double threshold = 0.0;      ///< stop when the peak |residual| is at or below this (Jy/beam)
  int threads = 1;
  void validate() const;       ///< throws std::invalid_argument naming the bad field
};

struct MinorCycleResult {
  double start_peak = 0.0;     ///< peak |residual| before the cycle
  double final_peak = 0.0;     ///< after it
  long iterations = 0;
  bool reached_threshold = false;
  bool diverging = false;      ///< the peak grew during the cycle
};

struct DeconvolutionImages {
  std::size_t nx = 0, ny = 0;
  std::span<double> residual;
  std::span<double> model;
  std::span<const double> psf;
  std::span<const std::uint8_t> mask;  ///< empty, or nx*ny bytes: non-zero where CLEAN may act
};

class Deconvolver {
 public:
  virtual ~Deconvolver() = default;
  virtual MinorCycleResult executeMajorIteration(const DeconvolutionImages& images,
                                                 const MinorCycleSettings& settings) = 0;
  virtual std::unique_ptr<Deconvolver> clone() const = 0;
};

std::unique_ptr<Deconvolver> makeDeconvolver(const AlgorithmSettings& algorithm);

}  // namespace ptclean::deconvolution
