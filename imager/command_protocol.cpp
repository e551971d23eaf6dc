#include "command_protocol.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "mpi_context.h"

namespace ptclean::imager {

namespace {

enum Tag { kCommand = 101, kResponse = 102, kStop = 103 };

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json toJson(const CommandResponse& r) {
  return {{"id", r.id},       {"server", r.server}, {"command", r.command}, {"parameters", r.parameters},
          {"successful", r.successful}, {"error", r.error}, {"ret", r.ret}, {"start", r.start}, {"stop", r.stop}};
}

CommandResponse fromJson(const nlohmann::json& j) {
  CommandResponse r;
  r.id = j.at("id");
  r.server = j.at("server");
  r.command = j.at("command");
  r.parameters = j.at("parameters");
  r.successful = j.at("successful");
  r.error = j.at("error");
  r.ret = j.at("ret");
  r.start = j.at("start");
  r.stop = j.at("stop");
  return r;
}

}  // namespace

CommandResponse runCommand(const CommandHandler& handler, int id, int server, const std::string& command,
                           const nlohmann::json& parameters) {
  CommandResponse response;
  response.id = id;
  response.server = server;
  response.command = command;
  response.parameters = parameters;
  response.start = now();
  try {
    response.ret = handler(command, parameters);
    response.successful = true;
  } catch (const std::exception& e) {
    response.error = std::string(e.what()) + " (in command '" + command + "' on " +
                     (server == 0 ? std::string("the client") : "server-" + std::to_string(server)) + ")";
  }
  response.stop = now();
  return response;
}

CommandClient::CommandClient(const MpiContext& mpi, CommandHandler local) : mpi_(mpi), local_(std::move(local)) {
  for (int r = 1; r < mpi.size(); ++r) servers_.push_back(r);
  idle_.insert(servers_.begin(), servers_.end());
}

CommandClient::CommandClient(const MpiContext& mpi, const std::vector<int>& servers, CommandHandler local)
    : mpi_(mpi), servers_(servers), local_(std::move(local)) {
  for (int r : servers_)
    if (r < 1 || r >= mpi.size()) throw std::invalid_argument("no rank " + std::to_string(r) + " to serve commands");
  idle_.insert(servers_.begin(), servers_.end());
}

CommandClient::~CommandClient() {
  try {
    stopServers();
  } catch (...) {
  }
}

CommandResponse CommandClient::runLocally(const Request& request) {
  if (!local_) throw std::logic_error("no servers and no local handler for command '" + request.command + "'");
  return runCommand(local_, request.id, 0, request.command, request.parameters);
}

std::vector<int> CommandClient::pushCommandRequest(const std::string& command, bool block,
                                                   const std::vector<int>& target_servers,
                                                   const nlohmann::json& parameters) {
  if (stopped_) throw std::logic_error("command '" + command + "' pushed after the servers were stopped");
  for (int target : target_servers)
    if (std::find(servers_.begin(), servers_.end(), target) == servers_.end())
      throw std::invalid_argument("no server " + std::to_string(target) + " (" + std::to_string(servers_.size()) +
                                  " server(s))");
  std::vector<int> ids;
  const std::vector<int> targets = target_servers.empty() ? std::vector<int>{-1} : target_servers;
  for (int target : targets) {
    Request request{next_id_++, target, command, parameters};
    ids.push_back(request.id);
    if (servers_.empty())
      responses_[request.id] = runLocally(request);
    else
      queue_.push_back(std::move(request));
  }
  dispatch();
  if (block) getCommandResponse(ids, true);
  return ids;
}

void CommandClient::dispatch() {
  for (auto it = queue_.begin(); it != queue_.end();) {
    int server = -1;
    if (it->target < 0 && !idle_.empty())
      server = *idle_.begin();
    else if (it->target >= 0 && idle_.count(it->target))
      server = it->target;
    if (server < 0) {
      ++it;
      continue;
    }
    const nlohmann::json message{{"id", it->id}, {"command", it->command}, {"parameters", it->parameters}};
    mpi_.send(server, kCommand, message.dump());
    idle_.erase(server);
    running_[server] = it->id;
    it = queue_.erase(it);
  }
}

bool CommandClient::collect(bool wait) {
  if (running_.empty()) return false;  // nothing out at a server: no response can come
  int source = 0, tag = 0;
  std::string text;
  if (!mpi_.receive(source, tag, text, wait)) return false;
  if (tag != kResponse) throw std::runtime_error("client: unexpected message tag " + std::to_string(tag) +
                                                 " from rank " + std::to_string(source));
  CommandResponse response = fromJson(nlohmann::json::parse(text));
  responses_[response.id] = std::move(response);
  running_.erase(source);
  idle_.insert(source);
  dispatch();
  return true;
}

std::vector<CommandResponse> CommandClient::getCommandResponse(const std::vector<int>& ids, bool block) {
  for (int id : ids)
    if (id < 0 || id >= next_id_) throw std::invalid_argument("no command with id " + std::to_string(id));
  auto allIn = [&] {
    for (int id : ids)
      if (!responses_.count(id)) return false;
    return true;
  };
  while (collect(false)) {
  }
  while (block && !allIn())
    if (!collect(true)) throw std::logic_error("a response asked for will never come (its command was cancelled)");
  std::vector<CommandResponse> out;
  for (int id : ids)
    if (auto it = responses_.find(id); it != responses_.end()) out.push_back(it->second);
  return out;
}

std::vector<int> CommandClient::cancelQueued() {
  std::vector<int> ids;
  for (const auto& request : queue_) ids.push_back(request.id);
  queue_.clear();
  return ids;
}

void CommandClient::stopServers() {
  if (stopped_) return;
  while (pending() > 0)
    if (!collect(true)) break;
  for (int r = 1; r < mpi_.size(); ++r) mpi_.send(r, kStop, "");
  stopped_ = true;
}

void serveCommands(const MpiContext& mpi, const CommandHandler& handler) {
  while (true) {
    int source = 0, tag = 0;
    std::string text;
    mpi.receive(source, tag, text, true);
    if (tag == kStop) return;
    if (tag != kCommand) continue;
    const nlohmann::json message = nlohmann::json::parse(text);
    CommandResponse response =
        runCommand(handler, message.at("id"), mpi.rank(), message.at("command"), message.at("parameters"));
    mpi.send(source, kResponse, toJson(response).dump());
  }
}

}  // namespace ptclean::imager
