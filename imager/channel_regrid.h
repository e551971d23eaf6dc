// C++17 (includes casacore). mstransform's and cvel2's regridding: every row's channels, moved to
// `outframe` at the row's time (a Doppler factor, spectral_frame.h), are interpolated onto a
// fixed output grid (nearest, linear or cubic). An output channel outside the input's range, or
// one that a flagged input channel contributes to, is flagged; weights follow the variance of
// the interpolation, 1 / sum(c_k^2 / w_k).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "spectral_frame.h"
#include "spectral_transform.h"

namespace ptclean::imager {

struct OutputGrid {
  std::vector<double> freq, width;  ///< Hz, in the output frame
};

class ChannelRegrid : public SpectralTransform {
 public:
  /// `grids`: the output channels of each input spw regridded (others pass unchanged).
  ChannelRegrid(FrameConversion conversion, std::map<int, OutputGrid> grids, std::map<int, std::vector<double>> input_freqs,
                std::string interpolation);
  ChannelAxis outputAxis(int spw, const ChannelAxis& in) const override;
  bool needsRowTimes() const override { return true; }
  void setRowTimes(const casacore::Vector<double>& times) override { times_.reference(times); }
  void begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights,
             bool has_weight_spectrum) override;
  casacore::Cube<casacore::Complex> data(const casacore::Cube<casacore::Complex>& in) const override;
  casacore::Cube<float> floatData(const casacore::Cube<float>& in) const override;
  casacore::Cube<bool> flags() const override { return out_flags_; }
  casacore::Cube<float> weightSpectrum() const override { return out_weights_; }

 private:
  /// Up to 4 input channels and their coefficients for one output channel of one row.
  struct Stencil {
    int count = 0;  ///< 0: outside the input range
    int chan[4] = {0, 0, 0, 0};
    double coeff[4] = {0, 0, 0, 0};
  };
  Stencil stencil(const std::vector<double>& in_freq, double f) const;
  template <typename T>
  casacore::Cube<T> apply(const casacore::Cube<T>& in) const;

  FrameConversion conversion_;
  std::map<int, OutputGrid> grids_;
  std::map<int, std::vector<double>> input_freqs_;  ///< TOPO channel frequencies per spw
  std::string interpolation_;
  casacore::Vector<double> times_;
  bool active_ = false;                ///< whether the current chunk's spw is regridded
  std::vector<Stencil> stencils_;      ///< row * nout + output channel
  long nout_ = 0;
  casacore::Cube<bool> out_flags_;
  casacore::Cube<float> out_weights_;
};

}  // namespace ptclean::imager
