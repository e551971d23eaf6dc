#include "image_reader.h"

#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/images/Images/FITSImage.h>
#include <casacore/images/Images/ImageInterface.h>
#include <casacore/images/Images/ImageOpener.h>
#include <casacore/lattices/Lattices/LatticeBase.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace ptclean::imager {

std::vector<double> readImagePlane(const std::string& path, std::size_t nx, std::size_t ny) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("image '" + path + "' does not exist");
  casacore::FITSImage::registerOpenFunction();
  std::unique_ptr<casacore::LatticeBase> lattice;
  try {
    lattice.reset(casacore::ImageOpener::openImage(path));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("image '" + path + "' cannot be opened: " + std::string(error.getMesg()));
  }
  auto* image = dynamic_cast<casacore::ImageInterface<casacore::Float>*>(lattice.get());
  if (!image) throw std::runtime_error("'" + path + "' is not a CASA or FITS image of real values");
  const casacore::IPosition shape = image->shape();
  if (shape.size() < 2 || std::size_t(shape[0]) != nx || std::size_t(shape[1]) != ny)
    throw std::runtime_error("image '" + path + "' is " + std::to_string(shape.size() > 0 ? shape[0] : 0) + " x " +
                             std::to_string(shape.size() > 1 ? shape[1] : 0) + " pixels; the image being made is " +
                             std::to_string(nx) + " x " + std::to_string(ny));
  casacore::IPosition start(shape.size(), 0), length(shape.size(), 1);
  length[0] = shape[0];
  length[1] = shape[1];
  casacore::Array<casacore::Float> plane = image->getSlice(start, length, true);
  std::vector<double> pixels(nx * ny);
  const casacore::Float* data = plane.data();
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = data[i];
  return pixels;
}

}  // namespace ptclean::imager
