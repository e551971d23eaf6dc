#include "mpi_context.h"

#include <mpi.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace ptclean::imager {

MpiContext::MpiContext(int& argc, char**& argv) {
  // A batch job of one rank runs without MPI: starting an MPI singleton costs ~0.45 s per job
  // (docs/batch.md), and one process needs no messages.
  if (const char* single = std::getenv(kSingleProcessVariable); single && std::string(single) == "1") return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
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
}

MpiContext::~MpiContext() {
  if (initialised_here_) {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
  }
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
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
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

std::vector<double> MpiContext::gatherToRoot(std::span<const double> mine) const {
  if (size_ == 1) return std::vector<double>(mine.begin(), mine.end());
  int count = int(mine.size());
  std::vector<int> counts(isRoot() ? size_ : 0), offsets(isRoot() ? size_ : 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<double> all;
  if (isRoot()) {
    std::size_t total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[r] = int(total);
      total += std::size_t(counts[r]);
    }
    all.resize(total);
  }
  MPI_Gatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  return all;
}

void MpiContext::abort(int code) const {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) std::_Exit(code);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace ptclean::imager
