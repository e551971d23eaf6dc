// C++17 (its implementation includes casacore). The small MeasurementSet every input of the MS
// fuzz target starts from: written once per process, copied for each input, then mutated.
//
// Layout (known to the mutations and documented in docs/fuzzing.md): 3 antennas, 1 field,
// SPECTRAL_WINDOW 0 (4 channels) and 1 (2 channels), POLARIZATION 0 (RR, LL) and 1 (RR, RL, LR,
// LL), DATA_DESCRIPTION d = (spw d, pol d); 12 main rows = 2 times x 2 data descriptions x 3
// baselines. Every main-table column lives in a StandardStMan with no fixed cell shape, so that a
// mutation can give one cell another shape.
#pragma once

#include <string>

namespace ptclean::fuzz {

/// Writes the template MS at `path` (which must not exist).
void writeTemplateMs(const std::string& path);

}  // namespace ptclean::fuzz
