// C++17 (includes casacore). flagdata mode='shadow': at each time, antenna p is shadowed by q
// when q stands in front of it towards the field and their projected distance is less than the
// mean of their diameters less `tolerance`. Positions come from the ANTENNA table, so the
// result does not depend on which baselines a Sub-MS holds. Directions are taken as J2000 at
// the time of observation (precession moves the projection by millimetres on dish-sized
// distances).
#pragma once

#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/Table.h>

#include <vector>

namespace ptclean::imager {

/// For each row of `rows` (a selection of `ms`): 1 when either antenna is shadowed.
std::vector<char> shadowedRows(const casacore::MeasurementSet& ms, const casacore::Table& rows, double tolerance_m);

}  // namespace ptclean::imager
