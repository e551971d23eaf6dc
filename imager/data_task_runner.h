// C++17-clean. How CASA's MMS-aware data tasks (split, hanningsmooth, flagdata, ...) run under
// MPI: with a Multi-MS, its Sub-MSs are dealt to the ranks, the largest first to the least
// loaded, and each rank processes whole Sub-MSs, logging as server-N; a task that writes an
// output writes a Multi-MS of the same partition. A plain MS is processed by rank 0 alone.
//
//   runWritingTask(mpi, {"split", vis, outputvis, false, [&](auto& in, auto& out) { ... }});
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ptclean::imager {

class MpiContext;

struct WritingTask {
  std::string name;  ///< "split": for messages
  std::string vis, outputvis;
  /// Process a Multi-MS as one MS on rank 0, writing a plain MS (uvcontsub's serial fallback).
  bool serial = false;
  /// Writes the task's output for one MS (a plain MS or a Sub-MS) `input` as the new MS `output`.
  std::function<void(const std::string& input, const std::string& output)> process;
};

/// Refuses an existing outputvis; writes under a temporary name and renames it into place when
/// every part is written; a failed part fails the task naming it, and leaves nothing behind.
/// Collective.
void runWritingTask(const MpiContext& mpi, const WritingTask& task);

struct InPlaceTask {
  std::string name, vis;
  /// Processes one MS (a plain MS or a Sub-MS) in place; returns a result text (JSON).
  std::function<std::string(const std::string& ms)> process;
  /// Called on every MS before any is processed: throws to refuse the task untouched.
  std::function<void(const std::string& ms)> check;
};

/// Returns, on rank 0, the result of every MS processed (Sub-MSs in order); nothing elsewhere.
/// Collective.
std::vector<std::string> runInPlaceTask(const MpiContext& mpi, const InPlaceTask& task);

/// The MSs a task processes: a Multi-MS's Sub-MSs, or `vis` itself.
std::vector<std::string> taskParts(const std::string& vis);

}  // namespace ptclean::imager
