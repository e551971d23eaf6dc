// tclean's savemodel='modelcolumn' across ranks: every rank predicts the final model for its own
// rows and writes them into MODEL_DATA, one rank at a time, so that no rank corrupts or locks out
// another. Collective.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ms_reader.h"
#include "visibility_source.h"
#include "ptclean/gridding/gridder.h"

namespace ptclean::imager {

class MpiContext;

/// `model` is rank 0's final model (broadcast here); `vis` the run's MSes. `close_readers` and
/// `open_readers` close and reopen every rank's MS tables around the addition of the column,
/// which a table open in another process could not follow.
void saveModelColumn(const MpiContext& mpi, gridding::Gridder& gridder, VisibilitySource& source,
                     const std::vector<std::string>& vis, std::vector<double> model,
                     const std::function<void()>& close_readers, const std::function<void()>& open_readers);

}  // namespace ptclean::imager
