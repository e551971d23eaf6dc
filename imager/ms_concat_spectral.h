// Private to ms_concat (C++17-clean). Merging a member's SPECTRAL_WINDOW, POLARIZATION and
// DATA_DESCRIPTION tables into the reference's, which together say what a DATA_DESC_ID means.
#pragma once

#include "ms_concat_rows.h"

namespace ptclean::imager::concat {

/// Spws match by channel count, frame and every channel frequency and width (within `tolerance_hz`).
IdMap mergeSpectralWindows(casacore::Table& to, const casacore::Table& from, double tolerance_hz, Count& count);

/// Polarizations match by their CORR_TYPE.
IdMap mergePolarizations(casacore::Table& to, const casacore::Table& from, Count& count);

/// Data descriptions match by their (renumbered) spw and polarization.
IdMap mergeDataDescriptions(casacore::Table& to, const casacore::Table& from, const IdMap& spws, const IdMap& pols,
                            Count& count);

}  // namespace ptclean::imager::concat
