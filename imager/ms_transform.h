// C++17-clean (its implementation includes casacore). One MS (a plain MS or a Sub-MS) copied with
// CASA's selection, a data column, fully flagged rows dropped or kept, a change along frequency
// and split's re-indexing of the selected spws from 0: what split, hanningsmooth and mstransform
// do to each part of their input.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ms_reader.h"
#include "time_average.h"

namespace casacore {
class MeasurementSet;
}

namespace ptclean::imager {

class SpectralTransform;

struct MsTransformSettings {
  MsSelectionKeys selection;
  std::string datacolumn = "all";  ///< all, data, corrected, model (the one kept becomes DATA)
  bool keepflags = true;           ///< false: rows with every selected sample flagged are dropped
  bool reindex_spws = false;       ///< the selected spws become 0, 1, ... (split, mstransform)
  bool combine_spws = false;       ///< after the channels: mstransform's combinespws (spw_combination.h)
  TimeAveraging time;              ///< last (split's timebin, combine)
};

/// Makes the transform for an input MS (it may read the MS's subtables); null = none.
using TransformFactory = std::function<std::shared_ptr<SpectralTransform>(const casacore::MeasurementSet&)>;

/// Writes `output` (a new path) from `input`. A selection that matches nothing in this MS gives
/// an empty MS with every subtable, so that a Sub-MS may hold none of the selected data.
/// Throws std::runtime_error naming the path, key or column at fault.
void transformMs(const std::string& input, const std::string& output, const MsTransformSettings& settings,
                 const TransformFactory& make_transform = {});

/// The spws that a spw expression selects in `ms` (every spw for ''), ascending.
std::vector<int> selectedSpwIds(const casacore::MeasurementSet& ms, const std::string& spw_expression);

/// Checks `settings` and the transform against the whole input (`vis`, a Multi-MS opened as one
/// MS): throws naming the key when the selection matches nothing or the data column is absent.
void checkTransformInput(const std::string& vis, const MsTransformSettings& settings,
                         const TransformFactory& make_transform = {});

/// split's `width` (channel_average.h): one width for every spw, or one per spw that
/// `spw_expression` selects; no transform when every width is 1.
TransformFactory channelAveraging(const std::vector<long>& width, const std::string& spw_expression);
/// hanningsmooth's kernel (hanning_smooth.h).
TransformFactory hanningSmoothing();

/// The data column that `datacolumn` means for `vis`: 'corrected' without CORRECTED_DATA falls
/// back to 'data', as CASA's mstransform does, with a warning.
std::string resolvedDataColumn(const std::string& vis, const std::string& datacolumn, const std::string& task);

}  // namespace ptclean::imager
