// Private to ms_concat (C++17-clean). Merging a member's SOURCE and FIELD tables into the
// reference's: sources and fields match by their directions and, where asked, their names.
#pragma once

#include "ms_concat.h"
#include "ms_concat_rows.h"

namespace ptclean::imager::concat {

/// SOURCE is keyed by SOURCE_ID and spw: a source of `from` is one of `to` with the same name and
/// direction (within `tolerance`), else it gets the next free SOURCE_ID. Its rows for spws that
/// `to` does not describe yet are added. Returns the SOURCE_ID map.
IdMap mergeSources(casacore::Table& to, const casacore::Table& from, const IdMap& spws, double tolerance,
                   Count& count);

/// Fields match by PHASE_DIR, DELAY_DIR and REFERENCE_DIR (within dir_rad) and, with
/// respect_name, their names; the SOURCE_IDs of added fields are renumbered through `sources`.
IdMap mergeFields(casacore::Table& to, const casacore::Table& from, const IdMap& sources,
                  const ConcatTolerances& tolerances, Count& count);

}  // namespace ptclean::imager::concat
