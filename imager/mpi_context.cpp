#include "mpi_context.h"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace ptclean::imager {
namespace {

// Our own channel for the stall watch's arrival notes, apart from the batch protocol's messages.
MPI_Comm watch_comm = MPI_COMM_NULL;
constexpr int kArrivalTag = 1;

/// MPI's errors on our communicator end the run with a line naming the rank, instead of MPI's
/// default abort without our context (MPI_ERRORS_ARE_FATAL) or an error code no one checks.
extern "C" void reportMpiError(MPI_Comm* comm, int* code, ...) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(*code, text, &length);
  int rank = -1;
  MPI_Comm_rank(*comm, &rank);
  std::fprintf(stderr, "ptclean: error: %s (rank %d): MPI error: %.*s\n",
               rank == 0 ? "client" : ("server-" + std::to_string(rank)).c_str(), rank, length, text);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

}  // namespace

MpiContext::MpiContext(int& argc, char**& argv) {
  // A batch job of one rank runs without MPI: starting an MPI singleton costs ~0.45 s per job
  // (docs/batch.md), and one process needs no messages.
  if (const char* single = std::getenv(kSingleProcessVariable); single && std::string(single) == "1") return;
  // Likewise a process that no MPI launcher started (Open MPI's mpirun, PMIx, MPICH's hydra,
  // Slurm's srun with PMI-1/PMI-2, Cray PALS, MVAPICH set one of these): it would be a singleton
  // of one rank anyway.
  bool launched = false;
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "PMI_FD", "MPI_LOCALNRANKS",
                               "SLURM_STEP_NUM_TASKS", "PALS_RANKID", "MV2_COMM_WORLD_SIZE"})
    launched = launched || std::getenv(variable) != nullptr;
  if (!launched) return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    // Every rank on this node (Open MPI's mpirun says so before start): the ob1 layer over shared
    // memory is what runs anyway, and choosing it skips probing network fabrics (libfabric,
    // PSM2), which takes half of MPI_Init here (0.45 -> 0.23 s). A user's own choice stands.
    const char* world = std::getenv("OMPI_COMM_WORLD_SIZE");
    const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (world && local && std::string(world) == local) setenv("OMPI_MCA_pml", "ob1", 0);
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    initialised_here_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &node_size_);
  MPI_Comm_free(&node);
  MPI_Errhandler handler;
  MPI_Comm_create_errhandler(reportMpiError, &handler);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, handler);
  MPI_Errhandler_free(&handler);
  if (const char* timeout = std::getenv(kStallTimeoutVariable); timeout && *timeout) {
    stall_timeout_s_ = std::atof(timeout);
    if (stall_timeout_s_ > 0.0) {
      MPI_Comm_dup(MPI_COMM_WORLD, &watch_comm);
    } else {
      if (rank_ == 0) std::fprintf(stderr, "ptclean: warning: %s='%s' is not seconds > 0: no stall watch\n", kStallTimeoutVariable, timeout);
      stall_timeout_s_ = 0.0;
    }
  }
}

MpiContext::~MpiContext() {
  if (watch_comm != MPI_COMM_NULL) MPI_Comm_free(&watch_comm);
  if (initialised_here_) {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
  }
}

std::string MpiContext::who() const { return roleName() + " (rank " + std::to_string(rank_) + ")"; }

int MpiContext::minimumYieldingCores(int mine) const {
  // A rank that waits long at a check (the cube's servers while rank 0 writes the cube) sleeps
  // between tests instead of spinning in MPI_Allreduce, leaving its core to the ranks and
  // threads that work. Short waits, the usual case, still spin.
  int first = size_;
  MPI_Request request;
  MPI_Iallreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &request);
  const auto start = std::chrono::steady_clock::now();
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return first;
    if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(2))
      std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

int MpiContext::minimumWithStallTimeout(int mine) const {
  static long sequence = 0;  // checkAll calls so far: every rank counts the same
  ++sequence;
  if (rank_ != 0) MPI_Send(&sequence, 1, MPI_LONG, 0, kArrivalTag, watch_comm);  // small: sent eagerly
  int first = size_;
  MPI_Request request;
  MPI_Iallreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &request);
  static std::vector<long> arrived;  // rank 0: the last checkAll each rank came to
  arrived.resize(std::size_t(size_), 0);
  arrived[0] = sequence;
  auto drainArrivals = [&](bool wait) {
    for (int r = 1; r < size_; ++r)
      while (arrived[std::size_t(r)] < sequence) {
        int there = 1;
        if (!wait) MPI_Iprobe(r, kArrivalTag, watch_comm, &there, MPI_STATUS_IGNORE);
        if (!there) break;
        MPI_Recv(&arrived[std::size_t(r)], 1, MPI_LONG, r, kArrivalTag, watch_comm, MPI_STATUS_IGNORE);
      }
  };
  // Servers wait twice as long, so that rank 0, which knows who is missing, speaks first.
  const double limit = rank_ == 0 ? stall_timeout_s_ : 2.0 * stall_timeout_s_;
  const auto start = std::chrono::steady_clock::now();
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    if (rank_ == 0) drainArrivals(false);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited > limit) {
      std::string missing;
      for (int r = 0; r < size_ && rank_ == 0; ++r)
        if (arrived[std::size_t(r)] < sequence)
          missing += (missing.empty() ? "" : ", ") + ("server-" + std::to_string(r)) + " (rank " + std::to_string(r) + ")";
      std::fprintf(stderr, "ptclean: error: %s: %s did not reach the next step within %s=%g s (alive but stuck: a hung "
                           "file system or a deadlock); ending the run\n", who().c_str(),
                   missing.empty() ? "another rank" : missing.c_str(), kStallTimeoutVariable, stall_timeout_s_);
      std::fflush(stderr);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (rank_ == 0) drainArrivals(true);  // every rank sent its note before it joined the reduction
  return first;
}

std::string MpiContext::roleName() const {
  return rank_ == 0 ? "client" : "server-" + std::to_string(rank_);
}

void MpiContext::sumToRoot(std::span<double> values) const {
  if (size_ == 1) return;
  // MPI counts are int: reduce in slices so that large images need no MPI-4 large counts.
  constexpr std::size_t kSlice = std::size_t(1) << 28;
  for (std::size_t start = 0; start < values.size(); start += kSlice) {
    const int n = int(std::min(kSlice, values.size() - start));
    double* p = values.data() + start;
    if (rank_ == 0)
      MPI_Reduce(MPI_IN_PLACE, p, n, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    else
      MPI_Reduce(p, nullptr, n, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  }
}

void MpiContext::sumAll(std::span<double> values) const {
  if (size_ == 1) return;
  constexpr std::size_t kSlice = std::size_t(1) << 28;
  for (std::size_t start = 0; start < values.size(); start += kSlice) {
    const int n = int(std::min(kSlice, values.size() - start));
    MPI_Allreduce(MPI_IN_PLACE, values.data() + start, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }
}

void MpiContext::sumAll(std::span<std::uint64_t> values) const {
  if (size_ == 1) return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), int(values.size()), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

void MpiContext::maxAll(std::span<double> values) const {
  if (size_ == 1) return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), int(values.size()), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
}

void MpiContext::broadcast(std::span<double> values) const {
  if (size_ == 1) return;
  MPI_Bcast(values.data(), int(values.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

void MpiContext::broadcast(std::string& text) const {
  if (size_ == 1) return;
  unsigned long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  text.resize(length);
  MPI_Bcast(text.data(), int(length), MPI_CHAR, 0, MPI_COMM_WORLD);
}

void MpiContext::checkAll(bool ok, const std::string& message) const {
  if (size_ == 1) {
    if (!ok) throw RankFailure(message);
    return;
  }
  int mine = ok ? size_ : rank_;  // the lowest failing rank wins
  int first = size_;
  if (stall_timeout_s_ > 0.0)
    first = minimumWithStallTimeout(mine);
  else
    first = minimumYieldingCores(mine);
  if (first == size_) return;
  std::string text = (rank_ == first) ? message : std::string();
  unsigned long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG, first, MPI_COMM_WORLD);
  text.resize(length);
  MPI_Bcast(text.data(), int(length), MPI_CHAR, first, MPI_COMM_WORLD);
  const std::string who = first == 0 ? "client (rank 0)" : "server-" + std::to_string(first) + " (rank " + std::to_string(first) + ")";
  throw RankFailure(size_ > 1 ? who + ": " + text : text);
}

void MpiContext::send(int destination, int tag, const std::string& text) const {
  if (size_ == 1) throw std::logic_error("no other rank to send to");
  MPI_Send(text.data(), int(text.size()), MPI_CHAR, destination, tag, MPI_COMM_WORLD);
}

bool MpiContext::receive(int& source, int& tag, std::string& text, bool wait) const {
  if (size_ == 1) throw std::logic_error("no other rank to receive from");
  MPI_Status status;
  if (wait) {
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
  } else {
    int arrived = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
    if (!arrived) return false;
  }
  int length = 0;
  MPI_Get_count(&status, MPI_CHAR, &length);
  text.assign(std::size_t(length), '\0');
  MPI_Recv(text.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  source = status.MPI_SOURCE;
  tag = status.MPI_TAG;
  return true;
}

std::size_t MpiContext::gatherCounts(int count, std::vector<int>& counts, std::vector<int>& offsets) const {
  counts.assign(isRoot() ? std::size_t(size_) : 0, 0);
  offsets.assign(counts.size(), 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::size_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    offsets[r] = int(total);
    total += std::size_t(counts[r]);
  }
  return total;
}

std::vector<double> MpiContext::gatherToRoot(std::span<const double> mine) const {
  if (size_ == 1) return std::vector<double>(mine.begin(), mine.end());
  const int count = int(mine.size());
  std::vector<int> counts, offsets;
  std::vector<double> all(gatherCounts(count, counts, offsets));
  MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  return all;
}

std::vector<std::string> MpiContext::gatherTextsToRoot(const std::string& mine) const {
  if (size_ == 1) return {mine};
  const int count = int(mine.size());
  std::vector<int> counts, offsets;
  std::string all(gatherCounts(count, counts, offsets), '\0');
  MPI_Gatherv(mine.data(), count, MPI_CHAR, all.data(), counts.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::string> texts;
  if (isRoot())
    for (int r = 0; r < size_; ++r) texts.push_back(all.substr(std::size_t(offsets[r]), std::size_t(counts[r])));
  return texts;
}

void MpiContext::abort(int code) const {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) std::_Exit(code);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace ptclean::imager
