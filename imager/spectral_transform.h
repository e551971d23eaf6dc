// C++17 (includes casacore). A change along frequency applied to every row while an MS is copied
// (copyRowsAsMs): channel averaging (split's `width`), Hanning smoothing, continuum subtraction.
// The copy reads each chunk's flags and per-channel weights first, so that a transform can weigh
// and flag its outputs consistently across DATA, FLAG and the weight columns.
//
//   class Halve : public SpectralTransform { ... };
//   MsSlicing slicing;  slicing.transform = std::make_shared<Halve>();
//   copyRowsAsMs(ms, selected, rows, "out.ms", slicing);
#pragma once

#include <casacore/casa/Arrays/Cube.h>
#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/BasicSL/Complex.h>

#include <cstddef>
#include <memory>

namespace ptclean::imager {

/// One spw's channel axis, as its SPECTRAL_WINDOW row describes it.
struct ChannelAxis {
  casacore::Vector<double> freq, width, effective_bw, resolution;
};

class SpectralTransform {
 public:
  virtual ~SpectralTransform() = default;
  /// The output channel axis of spw `spw` (SPECTRAL_WINDOW is rewritten with it; the copy's
  /// spectral columns are variable-shaped, so that the channel count may change).
  virtual ChannelAxis outputAxis(int /*spw*/, const ChannelAxis& in) const { return in; }
  /// Whether begin() needs the rows' times (setRowTimes is then called just before it).
  virtual bool needsRowTimes() const { return false; }
  virtual void setRowTimes(const casacore::Vector<double>& /*times*/) {}
  /// A chunk of rows of spw `spw` (cells shaped corr x chan x row): its flags and per-channel
  /// weights (WEIGHT_SPECTRUM, or WEIGHT repeated over the channels).
  virtual void begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights,
                     bool has_weight_spectrum) = 0;
  /// Each column of the chunk, in any order, after begin().
  virtual casacore::Cube<casacore::Complex> data(const casacore::Cube<casacore::Complex>& in) const = 0;
  virtual casacore::Cube<float> floatData(const casacore::Cube<float>& in) const = 0;
  virtual casacore::Cube<bool> flags() const = 0;
  virtual casacore::Cube<float> weightSpectrum() const = 0;
  /// WEIGHT and SIGMA (corr x row): by default they follow WEIGHT_SPECTRUM's change by
  /// `weight_ratio_` (medianWeightRatio), which begin() sets.
  virtual casacore::Matrix<float> weight(const casacore::Matrix<float>& in) const;
  virtual casacore::Matrix<float> sigma(const casacore::Matrix<float>& in) const;

 protected:
  casacore::Matrix<float> weight_ratio_;
};

}  // namespace ptclean::imager

namespace ptclean::imager {

/// Per (corr, row): the median over channels of `out` over that of `in` (1 where either is 0).
/// WEIGHT follows WEIGHT_SPECTRUM by this factor, and SIGMA by its inverse square root.
casacore::Matrix<float> medianWeightRatio(const casacore::Cube<float>& in, const casacore::Cube<float>& out);
casacore::Matrix<float> scaledWeights(const casacore::Matrix<float>& weight, const casacore::Matrix<float>& ratio);
casacore::Matrix<float> scaledSigmas(const casacore::Matrix<float>& sigma, const casacore::Matrix<float>& ratio);

}  // namespace ptclean::imager

namespace ptclean::imager {

/// `first`, then `second` (mstransform's regridding, then its channel averaging).
class ChainedTransform : public SpectralTransform {
 public:
  ChainedTransform(std::shared_ptr<SpectralTransform> first, std::shared_ptr<SpectralTransform> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  ChannelAxis outputAxis(int spw, const ChannelAxis& in) const override {
    return second_->outputAxis(spw, first_->outputAxis(spw, in));
  }
  bool needsRowTimes() const override { return first_->needsRowTimes() || second_->needsRowTimes(); }
  void setRowTimes(const casacore::Vector<double>& times) override {
    first_->setRowTimes(times);
    second_->setRowTimes(times);
  }
  void begin(int spw, const casacore::Cube<bool>& flags, const casacore::Cube<float>& weights, bool has) override {
    first_->begin(spw, flags, weights, has);
    second_->begin(spw, first_->flags(), first_->weightSpectrum(), has);
  }
  casacore::Cube<casacore::Complex> data(const casacore::Cube<casacore::Complex>& in) const override {
    return second_->data(first_->data(in));
  }
  casacore::Cube<float> floatData(const casacore::Cube<float>& in) const override {
    return second_->floatData(first_->floatData(in));
  }
  casacore::Cube<bool> flags() const override { return second_->flags(); }
  casacore::Cube<float> weightSpectrum() const override { return second_->weightSpectrum(); }
  casacore::Matrix<float> weight(const casacore::Matrix<float>& in) const override {
    return second_->weight(first_->weight(in));
  }
  casacore::Matrix<float> sigma(const casacore::Matrix<float>& in) const override {
    return second_->sigma(first_->sigma(in));
  }

 private:
  std::shared_ptr<SpectralTransform> first_, second_;
};

}  // namespace ptclean::imager
