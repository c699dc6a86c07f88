// Test helper: a local EVM (ganache from npm, tests/chain/testnet.js) with
// Uniswap V3's own contracts, started on a free loopback port and stopped
// by PID. Shared by the chain tests and the ILP chain routes' tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"

namespace trainyard::testing {

// A port nothing listens on right now (bound to 0, read back, closed).
inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// The running testnet: its process and the READY line's JSON (rpc,
// accounts, tokens, pools, position_manager, router, ...).
struct LocalTestnet {
  ChildProcess node;
  nlohmann::json info;
  std::string rpc;
  std::string error;  // why Start failed

  // Starts testnet.js in `dir` (tests/chain) with `args` (e.g. --seed 7)
  // and waits for READY. False (with `error`) if npm packages are missing
  // or the node did not come up.
  bool Start(const std::string& dir, const std::vector<std::string>& args) {
    if (!std::filesystem::exists(dir + "/node_modules/ganache")) {
      error =
          "npm packages missing: run scripts/install-deps.sh (npm ci in "
          "tests/chain)";
      return false;
    }
    const std::string port = std::to_string(FreeLoopbackPort());
    const std::string out = (std::filesystem::temp_directory_path() /
                             ("chain-testnet-" + port + ".log"))
                                .string();
    std::vector<std::string> argv = {"/usr/bin/env", "node",
                                     dir + "/testnet.js", "--port", port};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!node.Start(argv, {}, out)) {
      error = "cannot start node";
      return false;
    }
    // Deployment takes tens of seconds on a loaded machine.
    std::regex ready("READY (\\{.*\\})");
    std::smatch m;
    std::string text;  // outlives the loop: m points into it
    for (int i = 0; i < 3000; ++i) {
      text = node.Output();
      if (std::regex_search(text, m, ready)) break;
      if (node.Errors().find("Error") != std::string::npos) break;  // died
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (m.size() < 2) {
      error = "testnet did not start: " + node.Errors();
      return false;
    }
    info = nlohmann::json::parse(m[1].str());
    rpc = info["rpc"];
    return true;
  }
  // SIGTERM by PID, then waits.
  void Stop() {
    if (node.pid() > 0) {
      node.Signal(SIGTERM);
      node.Wait();
    }
  }
  ~LocalTestnet() { Stop(); }
};

}  // namespace trainyard::testing
