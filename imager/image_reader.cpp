#include "image_reader.h"

#include <casacore/casa/Arrays/IPosition.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/images/Images/FITSImage.h>
#include <casacore/images/Images/ImageInterface.h>
#include <casacore/images/Images/ImageOpener.h>
#include <casacore/lattices/Lattices/LatticeBase.h>

#include <casacore/casa/Quanta/Quantum.h>
#include <casacore/coordinates/Coordinates/CoordinateSystem.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace ptclean::imager {

namespace {

std::unique_ptr<casacore::LatticeBase> openImage(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("image '" + path + "' does not exist");
  casacore::FITSImage::registerOpenFunction();
  std::unique_ptr<casacore::LatticeBase> lattice;
  try {
    lattice.reset(casacore::ImageOpener::openImage(path));
  } catch (const casacore::AipsError& error) {
    throw std::runtime_error("image '" + path + "' cannot be opened: " + std::string(error.getMesg()));
  }
  if (!dynamic_cast<casacore::ImageInterface<casacore::Float>*>(lattice.get()))
    throw std::runtime_error("'" + path + "' is not a CASA or FITS image of real values");
  return lattice;
}

std::vector<double> firstPlane(casacore::ImageInterface<casacore::Float>& image) {
  const casacore::IPosition shape = image.shape();
  casacore::IPosition start(shape.size(), 0), length(shape.size(), 1);
  length[0] = shape[0];
  length[1] = shape[1];
  casacore::Array<casacore::Float> plane = image.getSlice(start, length, true);
  std::vector<double> pixels(std::size_t(shape[0] * shape[1]));
  const casacore::Float* data = plane.data();
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = data[i];
  return pixels;
}

}  // namespace

ImagePlane readImagePlane(const std::string& path) {
  auto lattice = openImage(path);
  auto& image = dynamic_cast<casacore::ImageInterface<casacore::Float>&>(*lattice);
  const casacore::IPosition shape = image.shape();
  if (shape.size() < 2) throw std::runtime_error("image '" + path + "' has fewer than two axes");
  ImagePlane plane;
  plane.nx = std::size_t(shape[0]);
  plane.ny = std::size_t(shape[1]);
  const casacore::Vector<casacore::Double> increment = image.coordinates().increment();
  const casacore::Vector<casacore::String> units = image.coordinates().worldAxisUnits();
  plane.cell_x_rad = std::abs(casacore::Quantity(increment[0], units[0]).getValue("rad"));
  plane.cell_y_rad = std::abs(casacore::Quantity(increment[1], units[1]).getValue("rad"));
  plane.pixels = firstPlane(image);
  return plane;
}

std::vector<double> readImagePlane(const std::string& path, std::size_t nx, std::size_t ny) {
  auto lattice = openImage(path);
  auto* image = dynamic_cast<casacore::ImageInterface<casacore::Float>*>(lattice.get());
  const casacore::IPosition shape = image->shape();
  if (shape.size() < 2 || std::size_t(shape[0]) != nx || std::size_t(shape[1]) != ny)
    throw std::runtime_error("image '" + path + "' is " + std::to_string(shape.size() > 0 ? shape[0] : 0) + " x " +
                             std::to_string(shape.size() > 1 ? shape[1] : 0) + " pixels; the image being made is " +
                             std::to_string(nx) + " x " + std::to_string(ny));
  return firstPlane(*image);
}

}  // namespace ptclean::imager
