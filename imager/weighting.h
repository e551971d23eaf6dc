// Imaging weights: uniform and Briggs from a gridded weight density, and the uv taper.
// The density is built per rank, summed over all ranks by the caller, then applied, so the
// weights never depend on how the data were shared out.
//
//   WeightDensity density(nx, ny, cell_x, cell_y);
//   density.add(blocks);   mpi.sumAll(density.cells());   density.apply(blocks, Weighting::Briggs, 0.5);
#pragma once

#include <span>
#include <vector>

#include "imaging_settings.h"
#include "ms_reader.h"

namespace ptclean::imager {

class WeightDensity {
 public:
  WeightDensity(std::size_t nx, std::size_t ny, double cell_x_rad, double cell_y_rad);
  void add(std::span<const SpwBlock> blocks);
  std::span<double> cells() { return cells_; }
  /// Rescales every weight; needs the density summed over all data first.
  void apply(std::span<SpwBlock> blocks, Weighting weighting, double robust) const;

 private:
  std::size_t cellOf(double u_lambda, double v_lambda) const;
  std::size_t nx_, ny_;
  double scale_u_, scale_v_;
  std::vector<double> cells_;
};

/// Multiplies weights by a Gaussian whose image-plane FWHM is taper[0] (x taper[1], pa taper[2]).
void applyUvTaper(std::span<SpwBlock> blocks, std::span<const double> taper_rad);

/// Sum of all weights of the blocks.
double sumOfWeights(std::span<const SpwBlock> blocks);

}  // namespace ptclean::imager
