// CASA image output through casacore.
#include "casa_image_writer.h"

#include <casacore/casa/Arrays/Array.h>
#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/casa/Logging/LogMessage.h>
#include <casacore/casa/Logging/LogOrigin.h>
#include <casacore/casa/Logging/LogSink.h>
#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/casa/Quanta/UnitVal.h>
#include <casacore/coordinates/Coordinates/CoordinateSystem.h>
#include <casacore/coordinates/Coordinates/DirectionCoordinate.h>
#include <casacore/coordinates/Coordinates/ObsInfo.h>
#include <casacore/coordinates/Coordinates/Projection.h>
#include <casacore/coordinates/Coordinates/SpectralCoordinate.h>
#include <casacore/coordinates/Coordinates/StokesCoordinate.h>
#include <casacore/images/Images/ImageInfo.h>
#include <casacore/images/Images/PagedImage.h>
#include <casacore/lattices/Lattices/TiledShape.h>
#include <casacore/measures/Measures/MEpoch.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/scimath/Mathematics/GaussianBeam.h>

#include <algorithm>
#include <stdexcept>

#include "fits_writer.h"  // stokesFitsCodes, checkImage

namespace ptclean::imager {
namespace {

namespace cc = casacore;

cc::CoordinateSystem coordinates(const ImageMetadata& meta, const std::vector<int>& codes) {
  cc::CoordinateSystem cs;
  cc::Matrix<cc::Double> xform(2, 2, 0.0);
  xform.diagonal() = 1.0;
  cs.addCoordinate(
      cc::DirectionCoordinate(cc::MDirection::J2000, cc::Projection(cc::Projection::SIN),
                              meta.ra_rad, meta.dec_rad, -meta.cell_x_rad, meta.cell_y_rad, xform,
                              static_cast<double>(meta.nx / 2), static_cast<double>(meta.ny / 2)));
  cc::Vector<cc::Int> stokes(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) stokes[i] = cc::Stokes::fromFITSValue(codes[i]);
  cs.addCoordinate(cc::StokesCoordinate(stokes));
  // mfs: TOPO, not tclean's default LSRK: the imager grids the frequencies as stored in the MS
  // and does not regrid them, so TOPO is what they are. A cube is in its outframe. (Also
  // SPECSYS in the FITS file.) A zero width would make the axis singular; 1 Hz stands in for
  // "no bandwidth given".
  cc::MFrequency::Types frame = cc::MFrequency::TOPO;
  if (!cc::MFrequency::getType(frame, meta.spectral_frame)) frame = cc::MFrequency::TOPO;
  const double increment =
      meta.nchan > 1 ? meta.channel_width_hz : (meta.bandwidth_hz > 0.0 ? meta.bandwidth_hz : 1.0);
  cs.addCoordinate(cc::SpectralCoordinate(frame, meta.ref_freq_hz, increment, 0.0, meta.rest_freq_hz));
  cc::ObsInfo obs;
  if (!meta.telescope.empty()) obs.setTelescope(meta.telescope);
  if (meta.obs_time_mjd_s > 0.0)
    obs.setObsDate(cc::MEpoch(cc::Quantity(meta.obs_time_mjd_s, "s"), cc::MEpoch::UTC));
  cs.setObsInfo(obs);
  return cs;
}

cc::ImageInfo imageInfo(const ImageMetadata& meta) {
  cc::ImageInfo info;
  if (!meta.object.empty()) info.setObjectName(meta.object);
  if (!meta.channel_beams.empty()) {
    info.setAllBeams(meta.channel_beams.size(), 1, cc::GaussianBeam());
    for (std::size_t c = 0; c < meta.channel_beams.size(); ++c) {
      const auto& b = meta.channel_beams[c];
      info.setBeam(c, 0, cc::Quantity(b.major_rad, "rad"), cc::Quantity(b.minor_rad, "rad"), cc::Quantity(b.pa_rad, "rad"));
    }
  } else if (meta.beam) {
    info.setRestoringBeam(cc::GaussianBeam(cc::Quantity(meta.beam->major_rad, "rad").get("arcsec"),
                                           cc::Quantity(meta.beam->minor_rad, "rad").get("arcsec"),
                                           cc::Quantity(meta.beam->pa_rad, "rad").get("deg")));
  }
  return info;
}

/// casacore knows "beam" and "pixel" without UnitMap::addFITS(), which would change unit
/// parsing for the whole process.
cc::Unit brightnessUnit(const std::string& units) {
  if (!cc::UnitVal::check(units))
    throw std::invalid_argument("unknown brightness unit '" + units + "'");
  return cc::Unit(units);
}

void write(const std::string& path, const ImageMetadata& meta, const std::vector<double>& pixels,
           const std::vector<int>& codes) {
  const cc::Unit unit = brightnessUnit(meta.units);
  const cc::IPosition shape(4, static_cast<ssize_t>(meta.nx), static_cast<ssize_t>(meta.ny),
                            static_cast<ssize_t>(codes.size()), static_cast<ssize_t>(meta.nchan));
  cc::PagedImage<cc::Float> image(cc::TiledShape(shape), coordinates(meta, codes), path);
  // casacore arrays are Fortran-ordered (first axis fastest): the same order as the pixels.
  cc::Array<cc::Float> data(shape);
  std::transform(pixels.begin(), pixels.end(), data.data(), [](double v) { return static_cast<float>(v); });
  image.put(data);
  image.setUnits(unit);
  image.setImageInfo(imageInfo(meta));
  // postLocally: into the image's log table only; LogIO::POST would also echo every line to
  // casacore's global log (stderr).
  image.logger().reopenRW();
  for (const auto& line : meta.history)
    image.logger().sink().postLocally(
        cc::LogMessage(line, cc::LogOrigin("ptclean", "history"), cc::LogMessage::NORMAL));
  image.flush();
}  // the PagedImage closes here, before anyone renames its directory

}  // namespace

void writeCasaImage(const std::string& path, const ImageMetadata& meta,
                    const std::vector<double>& pixels) {
  const auto codes = checkImage(meta, pixels);
  try {
    write(path, meta, pixels, codes);
  } catch (const cc::AipsError& error) {
    throw std::runtime_error("cannot write CASA image " + path + ": " + error.what());
  }
}

}  // namespace ptclean::imager
