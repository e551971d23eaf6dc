// Checkpoints of a clean run, in HDF5 (layout: docs/reliability.md; `h5dump` reads them). Rank 0
// writes one after each major cycle; `ptclean image --restart FILE.h5` continues after the last
// complete cycle and ends with the images an uninterrupted run makes.
//
//   writeCheckpoint("run.checkpoint.h5", checkpoint);   // a temporary file, flushed, renamed
//   Checkpoint c = readCheckpoint("run.checkpoint.h5");  // throws naming the file and what is wrong
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cycle_progress.h"
#include "data_digest.h"
#include "ptclean/deconvolution/auto_mask.h"
#include "ptclean/deconvolution/beam.h"

namespace ptclean::imager {

struct Checkpoint {
  std::string config;  ///< the run's keys, as "key = value" lines (Config::dump)
  DataDigest data;
  std::size_t nx = 0, ny = 0;
  std::vector<double> model, residual;  ///< after the last complete major cycle (Jy/pixel, Jy/beam)
  std::vector<std::uint8_t> mask;       ///< the clean mask of the last minor cycle; empty: none
  std::optional<deconvolution::AutoMasker::State> automask;
  CycleProgress progress;
  deconvolution::Beam beam;  ///< the PSF's fitted beam
};

/// Writes `path` atomically: a kill during the write leaves the previous checkpoint as it was.
void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint);
/// Throws std::runtime_error naming `path` and what is missing or wrong.
Checkpoint readCheckpoint(const std::string& path);

/// The keys whose values differ between the checkpoint's run and this one, as "key: saved -> now"
/// joined by "; "; empty when they match. Keys that do not change the images (threads,
/// checkpoint) may differ.
std::string configDifferences(const std::string& saved, const std::string& now);
/// What differs between the checkpoint's data and this run's (row count, checksum); empty if none.
std::string dataDifference(const DataDigest& saved, const DataDigest& now);

}  // namespace ptclean::imager
