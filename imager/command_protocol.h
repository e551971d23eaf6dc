// Commands from a client (rank 0) to servers (the other ranks), as CASA's mpi4casa
// MPICommandClient does it: push a command to any free server or to given servers, blocking or
// not, and collect the responses by id.
//
//   CommandClient client(mpi);                                    // on rank 0
//   auto ids = client.pushCommandRequest("image", false, {}, job);  // any server, do not wait
//   auto done = client.getCommandResponse(ids, true);             // wait for them
//   client.stopServers();
//   serveCommands(mpi, handler);                                  // on every other rank
//
// Each server runs one command at a time; a command that throws gives a response with
// successful = false and the error (its message and the server and command it arose in).
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ptclean::imager {

class MpiContext;

struct CommandResponse {
  int id = -1;
  int server = -1;          ///< the rank that ran it (0 when the client ran it itself)
  std::string command;
  nlohmann::json parameters;
  bool successful = false;
  std::string error;        ///< what went wrong and where; empty when successful
  nlohmann::json ret;       ///< the command's result
  double start = 0, stop = 0;  ///< seconds since the Unix epoch
};

/// Runs one command; throws to report failure.
using CommandHandler = std::function<nlohmann::json(const std::string& command, const nlohmann::json& parameters)>;

class CommandClient {
 public:
  /// Servers are ranks 1 .. size-1. With a single rank there are none, and `local` (when
  /// given) runs each command on the client itself when it is pushed.
  explicit CommandClient(const MpiContext& mpi, CommandHandler local = {});
  /// Only `servers` take commands (the leaders of groups of ranks); every rank but 0 is still
  /// told to stop at the end.
  CommandClient(const MpiContext& mpi, const std::vector<int>& servers, CommandHandler local);

  /// Queues `command` for each of `target_servers`, or for the first free server when empty,
  /// and returns the ids; with `block`, returns only when their responses are in.
  std::vector<int> pushCommandRequest(const std::string& command, bool block, const std::vector<int>& target_servers = {},
                                      const nlohmann::json& parameters = {});
  /// The responses of `ids` that have arrived (in the order of `ids`); with `block`, waits for
  /// all of them. A response is returned once per call, and can be asked for again.
  std::vector<CommandResponse> getCommandResponse(const std::vector<int>& ids, bool block);

  const std::vector<int>& servers() const { return servers_; }
  int idleServers() const { return int(idle_.size()); }
  /// Commands pushed whose responses have not arrived.
  int pending() const { return int(queue_.size() + running_.size()); }
  /// Drops the commands not yet sent to a server (they will have no response); returns their ids.
  std::vector<int> cancelQueued();
  /// Waits for every pending command, then tells each server to stop. Called by the destructor.
  void stopServers();
  ~CommandClient();

 private:
  struct Request {
    int id;
    int target;  ///< -1: any server
    std::string command;
    nlohmann::json parameters;
  };
  void dispatch();
  bool collect(bool wait);
  CommandResponse runLocally(const Request& request);

  const MpiContext& mpi_;
  std::vector<int> servers_;
  CommandHandler local_;
  int next_id_ = 0;
  bool stopped_ = false;
  std::deque<Request> queue_;
  std::set<int> idle_;
  std::map<int, int> running_;  ///< server -> id
  std::map<int, CommandResponse> responses_;
};

/// A server's loop: runs each command it is sent with `handler` and answers, until the client
/// says stop.
void serveCommands(const MpiContext& mpi, const CommandHandler& handler);

/// What `handler` gives for one command, or the error it throws, timed, as a response.
CommandResponse runCommand(const CommandHandler& handler, int id, int server, const std::string& command,
                           const nlohmann::json& parameters);

}  // namespace ptclean::imager
