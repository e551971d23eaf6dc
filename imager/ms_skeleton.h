// Creates a MeasurementSet with its main-table storage layout and every subtable filled in, so
// that only the main-table rows remain to be written. Used by `ptclean simulate`.
//
//   MsSkeleton sk;                         // antennas, spectral windows, fields, times, ...
//   sk.antenna_itrf = itrfPositions(layout);
//   casacore::MeasurementSet ms = createMsSkeleton("out.ms", sk, nrows);
//   casacore::MSMainColumns cols(ms);      // then fill DATA, UVW, ... in row blocks
//
// Storage: DATA, FLAG and WEIGHT_SPECTRUM have a fixed shape (ncorr, nchan) and are tiled over
// (corr, chan, row); the other columns (WEIGHT and SIGMA with a fixed shape (ncorr)) live in one
// StandardStMan.
#pragma once

#include <casacore/ms/MeasurementSets/MeasurementSet.h>

#include <string>
#include <vector>

#include "array_layout.h"
#include "sky_model.h"

namespace ptclean::imager {

struct MsSkeleton {
  std::string telescope;
  std::vector<Antenna> antennas;
  std::vector<Vec3> antenna_itrf;
  std::vector<std::vector<double>> chan_freqs_hz;  ///< per spectral window
  double chanwidth_hz = 0.0;                       ///< signed: negative for descending
  std::vector<int> corr_types;                     ///< casacore::Stokes::StokesTypes values
  bool linear_feeds = false;
  std::vector<Direction> fields;
  std::vector<std::string> field_names;  ///< as `fields`, or empty: field0, field1, ...
  double start_mjd_s = 0.0, end_mjd_s = 0.0;  ///< edges of the first and last integration
  bool weight_spectrum = true;
};

/// casacore Stokes codes of the correlations: circular RR,RL,LR,LL / RR,LL / RR, linear alike.
std::vector<int> correlationTypes(int ncorr, bool linear);

/// Creates `path` (must not exist) with `nrows` undefined main-table rows.
casacore::MeasurementSet createMsSkeleton(const std::string& path, const MsSkeleton& skeleton,
                                          std::size_t nrows);

}  // namespace ptclean::imager
