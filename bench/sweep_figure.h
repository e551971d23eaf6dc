// ptclean_sweep's figure, sweep.png: the median phase split of each mix as stacked bars, and the
// parallel efficiency of each mix beneath.
#pragma once

#include <string>
#include <vector>

#include "sweep_summary.h"

namespace ptclean::bench {

/// Draws `mixes` (their phases in the order of `phases`, the rest as "other") into a PNG at `path`.
void drawFigure(const std::vector<MixSummary>& mixes, const std::vector<std::string>& phases, int cores,
                const std::string& path);

}  // namespace ptclean::bench
