#include "ptclean/deconvolution/deconvolver.h"

#include <stdexcept>

#include "clark.h"
#include "hogbom.h"

namespace ptclean::deconvolution {

AlgorithmType algorithmFromName(const std::string& name) {
  if (name == "hogbom") return AlgorithmType::Hogbom;
  if (name == "clark") return AlgorithmType::Clark;
  throw std::invalid_argument("deconvolver '" + name + "' is not available; use hogbom or clark");
}

void MinorCycleSettings::validate() const {
  if (!(gain > 0.0 && gain <= 1.0)) throw std::invalid_argument("gain must be in (0, 1]");
  if (max_iterations < 0) throw std::invalid_argument("max_iterations must be >= 0");
  if (!(threshold >= 0.0)) throw std::invalid_argument("threshold must be >= 0");
  if (threads < 1) throw std::invalid_argument("threads must be at least 1");
}

std::unique_ptr<Deconvolver> makeDeconvolver(AlgorithmType type) {
  switch (type) {
    case AlgorithmType::Hogbom: return std::make_unique<Hogbom>();
    case AlgorithmType::Clark: return std::make_unique<Clark>();
  }
  throw std::logic_error("unknown algorithm");
}

}  // namespace ptclean::deconvolution
