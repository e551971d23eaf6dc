#include "ptclean/deconvolution/deconvolver.h"

#include <stdexcept>

#include "clark.h"
#include "hogbom.h"
#include "multiscale.h"

namespace ptclean::deconvolution {

AlgorithmType algorithmFromName(const std::string& name) {
  if (name == "hogbom") return AlgorithmType::Hogbom;
  if (name == "clark") return AlgorithmType::Clark;
  if (name == "multiscale") return AlgorithmType::Multiscale;
  throw std::invalid_argument("deconvolver '" + name + "' is not available; use hogbom, clark or multiscale");
}

void AlgorithmSettings::validate() const {
  for (double s : scales)
    if (!(s >= 0.0)) throw std::invalid_argument("scales must be >= 0 pixels");
  if (!(smallscalebias >= -1.0 && smallscalebias <= 1.0))
    throw std::invalid_argument("smallscalebias must be in [-1, 1]");
}

void MinorCycleSettings::validate() const {
  if (!(gain > 0.0 && gain <= 1.0)) throw std::invalid_argument("gain must be in (0, 1]");
  if (max_iterations < 0) throw std::invalid_argument("max_iterations must be >= 0");
  if (!(threshold >= 0.0)) throw std::invalid_argument("threshold must be >= 0");
  if (threads < 1) throw std::invalid_argument("threads must be at least 1");
}

std::unique_ptr<Deconvolver> makeDeconvolver(const AlgorithmSettings& algorithm) {
  algorithm.validate();
  switch (algorithm.type) {
    case AlgorithmType::Hogbom: return std::make_unique<Hogbom>();
    case AlgorithmType::Clark: return std::make_unique<Clark>();
    case AlgorithmType::Multiscale: return std::make_unique<Multiscale>(algorithm.scales, algorithm.smallscalebias);
  }
  throw std::logic_error("unknown algorithm");
}

}  // namespace ptclean::deconvolution
