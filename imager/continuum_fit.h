// C++17-clean. uvcontsub's fit: a complex polynomial in frequency, fitted by weighted least
// squares to the line-free samples of one baseline, time and correlation.
//
//   ContinuumFit fit(1);                       // order 1: a straight line
//   fit.add(freq_hz, value, weight);           // each line-free, unflagged sample
//   if (fit.solve()) residual = value - fit.at(freq_hz);
#pragma once

#include <complex>
#include <vector>

namespace ptclean::imager {

class ContinuumFit {
 public:
  explicit ContinuumFit(int order) : order_(order) {}
  void clear() { samples_.clear(); }
  void add(double freq_hz, std::complex<float> value, float weight);
  /// False when fewer samples than coefficients (or a singular system): no model.
  bool solve();
  std::complex<double> at(double freq_hz) const;

 private:
  struct Sample {
    double x;
    std::complex<double> y;
    double w;
  };
  int order_;
  std::vector<Sample> samples_;
  double centre_ = 0.0, scale_ = 1.0;  ///< x = (f - centre) / scale keeps the system well conditioned
  std::vector<std::complex<double>> coefficients_;
};

}  // namespace ptclean::imager
