#include "data_problems_report.h"

#include "log.h"
#include "mpi_context.h"

namespace ptclean::imager {

void reportDataProblems(const MpiContext& mpi, const std::vector<std::unique_ptr<MsReader>>& readers) {
  std::vector<double> counts(4, 0.0);
  for (const auto& reader : readers) {
    const DataProblems& p = reader->problems();
    counts[0] += p.nonfinite_data;
    counts[1] += p.bad_weights;
    counts[2] += p.nonfinite_uvw;
    counts[3] += p.zero_baselines;
  }
  mpi.sumAll(counts);
  if (!mpi.isRoot()) return;
  if (counts[0] > 0) spdlog::warn("{:.0f} samples with NaN or Inf visibilities were flagged", counts[0]);
  if (counts[1] > 0) spdlog::warn("{:.0f} samples with NaN, Inf or negative weights were flagged", counts[1]);
  if (counts[2] > 0) spdlog::warn("{:.0f} rows with NaN or Inf UVW were flagged", counts[2]);
  if (counts[3] > 0) spdlog::warn("{:.0f} cross-correlation rows with zero-length baselines (UVW = 0) were flagged", counts[3]);
}

}  // namespace ptclean::imager
