#include "spectral_frame.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Quanta/MVPosition.h>
#include <casacore/measures/Measures/MDirection.h>
#include <casacore/measures/Measures/MEpoch.h>
#include <casacore/measures/Measures/MCFrequency.h>
#include <casacore/measures/Measures/MFrequency.h>
#include <casacore/measures/Measures/MeasConvert.h>
#include <casacore/measures/Measures/MPosition.h>
#include <casacore/measures/Measures/MeasFrame.h>
#include <casacore/ms/MeasurementSets/MSAntennaColumns.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <stdexcept>

namespace ptclean::imager {

namespace cc = casacore;

struct FrameConversion::Impl {
  cc::MeasFrame frame;
  cc::MFrequency::Convert convert;
};

FrameConversion::FrameConversion(const std::string& ms_path, double ra_rad, double dec_rad,
                                 const std::string& outframe) {
  cc::MFrequency::Types type;
  if (!cc::MFrequency::getType(type, outframe))
    throw std::runtime_error("key 'outframe': unknown frame '" + outframe + "' (LSRK, BARY, TOPO, ...)");
  if (type == cc::MFrequency::TOPO) {
    identity_ = true;
    return;
  }
  try {
    cc::MeasurementSet ms(ms_path);
    cc::MSAntennaColumns antennas(ms.antenna());
    if (antennas.nrow() == 0) throw std::runtime_error("outframe: " + ms_path + " has no ANTENNA rows to place the observatory");
    cc::Vector<double> sum(3, 0.0);
    for (cc::rownr_t a = 0; a < antennas.nrow(); ++a) sum += antennas.position()(a);
    sum /= double(antennas.nrow());
    const cc::MPosition observatory(cc::MVPosition(sum[0], sum[1], sum[2]), cc::MPosition::ITRF);
    const cc::MDirection direction(cc::Quantity(ra_rad, "rad"), cc::Quantity(dec_rad, "rad"), cc::MDirection::J2000);
    impl_ = std::make_unique<Impl>();
    // An epoch must be in the frame from the start for resetEpoch to replace it later.
    const cc::MEpoch placeholder(cc::Quantity(5.1e9, "s"), cc::MEpoch::UTC);
    impl_->frame = cc::MeasFrame(placeholder, observatory, direction);
    impl_->convert = cc::MFrequency::Convert(cc::MFrequency::Ref(cc::MFrequency::TOPO, impl_->frame),
                                             cc::MFrequency::Ref(type));
  } catch (const cc::AipsError& error) {
    throw std::runtime_error("outframe " + outframe + ": cannot set up the conversion for " + ms_path + ": " +
                             error.what());
  }
}

FrameConversion::~FrameConversion() = default;
FrameConversion::FrameConversion(FrameConversion&&) noexcept = default;
FrameConversion& FrameConversion::operator=(FrameConversion&&) noexcept = default;

double FrameConversion::factor(double time_s) const {
  if (identity_) return 1.0;
  auto found = cache_.find(time_s);
  if (found != cache_.end()) return found->second;
  constexpr double kProbe = 1e9;  // the factor is independent of the frequency converted
  impl_->frame.resetEpoch(cc::MEpoch(cc::Quantity(time_s, "s"), cc::MEpoch::UTC));
  const double converted = impl_->convert(kProbe).getValue().getValue();
  return cache_.emplace(time_s, converted / kProbe).first->second;
}

}  // namespace ptclean::imager
