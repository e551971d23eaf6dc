// The one place that talks to MPI. Everything else sees ranks as "worker i of n" and calls these
// collectives, which are plain no-ops for a single process.
//
//   MpiContext mpi(argc, argv);
//   mpi.sumToRoot(image);                   // images summed on rank 0
//   mpi.checkAll(ok, message);              // throws on every rank if any rank failed
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ptclean::imager {

/// Raised on every rank when any rank failed; what() names the failing rank and its cause.
class RankFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MpiContext {
 public:
  /// With this set to 1 in the environment the process is one rank without MPI (batch jobs), as
  /// is a process that no MPI launcher started.
  static constexpr const char* kSingleProcessVariable = "PTCLEAN_SINGLE_PROCESS";
  MpiContext(int& argc, char**& argv);
  /// One process on its own, without MPI: every collective is a no-op (a cube's channels).
  MpiContext() = default;
  ~MpiContext();
  MpiContext(const MpiContext&) = delete;
  MpiContext& operator=(const MpiContext&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool isRoot() const { return rank_ == 0; }
  int ranksOnThisNode() const { return node_size_; }
  std::string roleName() const;  ///< "client" for rank 0, "server-N" otherwise
  std::string who() const;       ///< "client (rank 0)", "server-2 (rank 2)": how messages name a rank

  void sumToRoot(std::span<double> values) const;   ///< in place; valid on rank 0 afterwards
  void sumAll(std::span<double> values) const;      ///< in place on every rank
  void sumAll(std::span<std::uint64_t> values) const;  ///< in place on every rank, modulo 2^64
  void maxAll(std::span<double> values) const;      ///< in place on every rank
  void broadcast(std::span<double> values) const;   ///< from rank 0
  void broadcast(std::string& text) const;          ///< from rank 0
  /// Every rank reports; if any failed, every rank throws RankFailure naming the first one.
  /// With PTCLEAN_STALL_TIMEOUT=S in the environment, a rank that does not come within S seconds
  /// (alive but stuck, which MPI cannot tell) ends the run with a message naming it.
  void checkAll(bool ok, const std::string& message) const;
  static constexpr const char* kStallTimeoutVariable = "PTCLEAN_STALL_TIMEOUT";
  /// Point-to-point text messages (the batch command protocol). A message is a tag and a text.
  void send(int destination, int tag, const std::string& text) const;
  /// The next message from any rank: waits when `wait`, else returns false when none is there.
  bool receive(int& source, int& tag, std::string& text, bool wait) const;
  /// Values from every rank to rank 0, in rank order (a cube's planes); `mine` may differ in
  /// length from rank to rank. Returns the concatenation on rank 0, nothing elsewhere.
  std::vector<double> gatherToRoot(std::span<const double> mine) const;
  /// One text from every rank to rank 0, in rank order (nothing elsewhere).
  std::vector<std::string> gatherTextsToRoot(const std::string& mine) const;

  /// Ends every rank at once (after an error that other ranks may not reach a collective for).
  [[noreturn]] void abort(int code) const;

 private:
  /// Every rank's `count` to rank 0 (counts, and offsets of each rank in the gathered whole);
  /// returns the total on rank 0, 0 elsewhere.
  std::size_t gatherCounts(int count, std::vector<int>& counts, std::vector<int>& offsets) const;
  /// MPI_Allreduce(MPI_MIN) of one int that gives up after stall_timeout_s_ (checkAll's).
  int minimumWithStallTimeout(int mine) const;
  /// MPI_Allreduce(MPI_MIN) of one int that sleeps while it waits long (checkAll's otherwise).
  int minimumYieldingCores(int mine) const;

  int rank_ = 0, size_ = 1, node_size_ = 1;
  bool initialised_here_ = false;
  double stall_timeout_s_ = 0.0;  ///< 0: wait for ever
};

/// Runs `step` on every rank; if it throws on any rank, every rank throws RankFailure.
template <typename Step>
void collectively(const MpiContext& mpi, Step&& step) {
  std::string error;
  try {
    step();
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "unknown error";
  }
  mpi.checkAll(error.empty(), error);
}

}  // namespace ptclean::imager
