// The batch command protocol (imager/command_protocol.h) under mpirun -n 3: ids, blocking and
// non-blocking collection, targeting one server, and a server whose command throws. The test
// starts this binary again under mpirun; in that run (PTCLEAN_PROTOCOL_RANKS set) every rank
// runs the protocol, servers serve, and rank 0 checks and prints what it saw.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "command_protocol.h"
#include "mpi_context.h"
#include "test_support.h"

using ptclean::imager::CommandClient;
using ptclean::imager::CommandResponse;

namespace {

nlohmann::json serve(int rank, const std::string& command, const nlohmann::json& p) {
  if (command == "echo") return p;
  if (command == "whoami") return rank;
  if (command == "sleep") {
    std::this_thread::sleep_for(std::chrono::milliseconds(p.at("ms").get<int>()));
    return rank;
  }
  if (command == "raise") throw std::runtime_error("asked to raise");
  throw std::invalid_argument("unknown command " + command);
}

/// Rank 0's checks; each failure is a line starting with "FAIL".
std::string clientChecks(const ptclean::imager::MpiContext& mpi) {
  std::ostringstream out;
  auto check = [&](bool ok, const std::string& what) { out << (ok ? "ok   " : "FAIL ") << what << "\n"; };
  CommandClient client(mpi);
  check(client.servers() == std::vector<int>({1, 2}), "servers are ranks 1 and 2");

  // Ids: one per request, increasing from 0, unique.
  auto a = client.pushCommandRequest("echo", false, {}, {{"x", 1}});
  auto b = client.pushCommandRequest("echo", false, {}, {{"x", 2}});
  check(a == std::vector<int>{0} && b == std::vector<int>{1}, "ids 0 and 1 for the first two requests");
  auto ab = client.getCommandResponse({a[0], b[0]}, true);
  check(ab.size() == 2 && ab[0].id == 0 && ab[1].id == 1, "blocking collection returns both, in the asked order");
  check(ab[0].successful && ab[0].ret.at("x") == 1 && ab[1].ret.at("x") == 2, "each response carries its own result");
  check(ab[0].start <= ab[0].stop && ab[0].start > 1.6e9, "start and stop are times, start first");

  // Non-blocking: a slow command is not in yet, then is.
  auto slow = client.pushCommandRequest("sleep", false, {}, {{"ms", 800}});
  auto early = client.getCommandResponse(slow, false);
  check(early.empty(), "non-blocking collection of a running command returns nothing");
  auto late = client.getCommandResponse(slow, true);
  check(late.size() == 1 && late[0].successful, "blocking collection then returns it");
  auto again = client.getCommandResponse(slow, false);
  check(again.size() == 1 && again[0].id == slow[0], "a collected response can be asked for again");

  // Targeting: one server, then both.
  for (int target : {1, 2}) {
    auto id = client.pushCommandRequest("whoami", true, {target});
    auto r = client.getCommandResponse(id, false);
    check(r.size() == 1 && r[0].server == target && r[0].ret == target,
          "a command for server " + std::to_string(target) + " runs there (blocking push)");
  }
  auto both = client.pushCommandRequest("whoami", false, {1, 2});
  check(both.size() == 2, "a request for two servers gives two ids");
  auto rb = client.getCommandResponse(both, true);
  check(rb.size() == 2 && rb[0].server == 1 && rb[1].server == 2, "and each ran on its server");
  bool refused = false;
  try {
    client.pushCommandRequest("whoami", false, {7});
  } catch (const std::invalid_argument&) {
    refused = true;
  }
  check(refused, "a request for a server that does not exist is refused");

  // A server that raises: the response says so, with where, and the server goes on serving.
  auto bad = client.pushCommandRequest("raise", true, {2});
  auto rbad = client.getCommandResponse(bad, false);
  check(rbad.size() == 1 && !rbad[0].successful, "a command that throws is not successful");
  check(rbad[0].error.find("asked to raise") != std::string::npos &&
            rbad[0].error.find("server-2") != std::string::npos && rbad[0].error.find("'raise'") != std::string::npos,
        "its error has the message, the command and the server: " + rbad[0].error);
  auto after = client.pushCommandRequest("whoami", true, {2});
  check(client.getCommandResponse(after, false).at(0).successful, "the server still works after raising");

  // Dynamic dispatch: with both busy, a queued command waits and then goes to the first free.
  auto busy1 = client.pushCommandRequest("sleep", false, {1}, {{"ms", 300}});
  auto busy2 = client.pushCommandRequest("sleep", false, {2}, {{"ms", 900}});
  auto queued = client.pushCommandRequest("whoami", false);
  auto rq = client.getCommandResponse(queued, true);
  check(rq.size() == 1 && rq[0].server == 1, "a queued command runs on the server that frees first");
  client.getCommandResponse({busy1[0], busy2[0]}, true);

  // Cancelling: a command still queued behind a busy server is dropped, and waiting for it fails.
  auto busy = client.pushCommandRequest("sleep", false, {1}, {{"ms", 300}});
  auto behind = client.pushCommandRequest("whoami", false, {1});
  check(client.cancelQueued() == behind, "cancelQueued drops the command queued behind a busy server");
  bool threw = false;
  try {
    client.getCommandResponse(behind, true);
  } catch (const std::logic_error&) {
    threw = true;
  }
  check(threw, "waiting for a cancelled command fails instead of hanging");
  check(client.getCommandResponse(busy, true).size() == 1, "the running command still completes");
  client.stopServers();
  return out.str();
}

}  // namespace

TEST(CommandProtocol, IdsBlockingTargetsAndARaisingServer) {
  if (const char* ranks = std::getenv("PTCLEAN_PROTOCOL_RANKS")) {
    // The run under mpirun: every rank is here.
    int argc = 1;
    char name[] = "mtest_command_protocol";
    char* args[] = {name, nullptr};
    char** argv = args;
    ptclean::imager::MpiContext mpi(argc, argv);
    ASSERT_EQ(mpi.size(), std::atoi(ranks));
    if (mpi.isRoot()) {
      const std::string report = clientChecks(mpi);
      std::printf("%sPROTOCOL CHECKS DONE\n", report.c_str());
      EXPECT_EQ(report.find("FAIL"), std::string::npos) << report;
    } else {
      ptclean::imager::serveCommands(mpi, [&](const std::string& c, const nlohmann::json& p) {
        return serve(mpi.rank(), c, p);
      });
    }
    return;
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  auto run = ptclean::testing::runCommand("PTCLEAN_PROTOCOL_RANKS=3 " + ptclean::testing::mpirunPrefix(3) +
                                          " -x PTCLEAN_PROTOCOL_RANKS " + self +
                                          " --gtest_filter=CommandProtocol.IdsBlockingTargetsAndARaisingServer");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("PROTOCOL CHECKS DONE"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("FAIL"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("ok   its error has the message"), std::string::npos) << run.output;
}

TEST(CommandProtocol, OneRankRunsCommandsOnTheClient) {
  if (std::getenv("PTCLEAN_PROTOCOL_RANKS")) GTEST_SKIP() << "only the three-rank test runs under mpirun";
  int argc = 1;
  char name[] = "mtest_command_protocol";
  char* args[] = {name, nullptr};
  char** argv = args;
  ptclean::imager::MpiContext mpi(argc, argv);
  CommandClient client(mpi, [](const std::string& c, const nlohmann::json& p) { return serve(0, c, p); });
  EXPECT_TRUE(client.servers().empty());
  auto ids = client.pushCommandRequest("echo", false, {}, {{"y", 3}});
  auto r = client.getCommandResponse(ids, false);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].successful);
  EXPECT_EQ(r[0].server, 0);
  EXPECT_EQ(r[0].ret.at("y"), 3);
  auto bad = client.getCommandResponse(client.pushCommandRequest("raise", true), false);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_FALSE(bad[0].successful);
  EXPECT_NE(bad[0].error.find("the client"), std::string::npos) << bad[0].error;
}
