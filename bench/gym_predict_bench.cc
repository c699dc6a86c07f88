// Deployed-model predict latency of the gym (goal: p99 <= 2 ms at 8
// concurrent clients): starts a real server on a temporary data directory,
// trains a small PPO task, deploys it with 4 replicas and has 8 client
// threads (keep-alive connections) post observations. The in-run reference
// is GET /api/v1/health, the cheapest authenticated-free route, measured the
// same way.
//
// Usage: gym_predict_bench [requests per client] [clients] [replicas]
//        (2000, 8, 4)
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "app/server_app.h"
#include "rl/policy.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Stats {
  double p50 = 0, p99 = 0, rps = 0;
};

template <typename Call>
Stats Measure(int clients, int per_client, Call call) {
  std::vector<std::vector<double>> ms(clients);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_client; ++i) {
        const auto t0 = Clock::now();
        call(c);
        ms[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0)
                .count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : ms) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Stats s;
  s.p50 = all[all.size() / 2];
  s.p99 = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  s.rps = all.size() / secs;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const int per_client = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int kClients = argc > 2 ? std::atoi(argv[2]) : 8;
  const int replicas = argc > 3 ? std::atoi(argv[3]) : 4;
  const std::string home =
      (std::filesystem::temp_directory_path() / "gym_predict_bench").string();
  std::filesystem::remove_all(home);
  trainyard::Config config;
  config.home = home;
  config.port = 0;
  config.workers = 1;
  config.rate_limit_elite = 100000000;
  auto app = trainyard::app::ServerApp::Create(config);
  if (!app.ok() || !(*app)->Start().ok()) {
    std::fprintf(stderr, "cannot start the server\n");
    return 1;
  }
  const std::string token = *(*app)->bootstrap_token();
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  httplib::Client client("127.0.0.1", (*app)->port());
  auto created = client.Post("/api/v1/training", auth,
                             json{{"name", "bench"},
                                  {"model_type", "ppo"},
                                  {"parameters", json::object()},
                                  {"total_episodes", 40}}
                                 .dump(),
                             "application/json");
  const std::string id = json::parse(created->body)["task_id"];
  for (int i = 0; i < 6000; ++i) {
    auto t = client.Get("/api/v1/training/" + id, auth);
    if (json::parse(t->body)["status"] == "completed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  client.Post("/api/v1/models/" + id + "/deploy", auth,
              json{{"replicas", replicas}}.dump(), "application/json");
  const std::string body =
      json{{"observation", std::vector<float>(25, 0.5f)}}.dump();
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(
        std::make_unique<httplib::Client>("127.0.0.1", (*app)->port()));
    clients.back()->set_keep_alive(true);
    // As curl and urllib3 do; without it Nagle's algorithm holds the body
    // of each POST until the server's delayed ACK (~40 ms).
    clients.back()->set_tcp_nodelay(true);
  }
  for (int i = 0; i < 500; ++i) {  // wait for the replicas, warm up
    auto r = clients[0]->Post("/api/v1/models/" + id + "/predict", auth, body,
                              "application/json");
    if (r && r->status == 200 && i > 50) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  Stats predict = Measure(kClients, per_client, [&](int c) {
    auto r = clients[c]->Post("/api/v1/models/" + id + "/predict", auth, body,
                              "application/json");
    if (!r || r->status != 200) std::abort();
  });
  // The forward pass alone (one thread, no HTTP): what the policy costs of
  // each predict.
  {
    auto policy = trainyard::rl::LoadPolicy(
        home + "/model_storage/ppo/" + id + "/policy.tyrl", 0);
    if (policy.ok()) {
      std::vector<float> obs(25, 0.5f), action(1);
      std::vector<double> us;
      for (int i = 0; i < 5000; ++i) {
        const auto t0 = Clock::now();
        (void)(*policy)->Act(obs, true, action);
        us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - t0)
                .count());
      }
      std::sort(us.begin(), us.end());
      std::printf("policy forward alone: p50 %.1f us  p99 %.1f us\n",
                  us[us.size() / 2], us[us.size() * 99 / 100]);
    }
  }
  // Printed before the reference runs, so that a failure there cannot hide it.
  std::printf(
      "predict (%d replicas, %d clients): %.0f req/s  p50 %.3f ms  p99 %.3f "
      "ms\n",
      replicas, kClients, predict.rps, predict.p50, predict.p99);
  std::fflush(stdout);
  Stats health = Measure(kClients, per_client, [&](int c) {
    auto r = clients[c]->Get("/api/v1/health");
    if (!r) std::abort();
  });
  std::printf(
      "health  (reference, %d clients):  %.0f req/s  p50 %.3f ms  p99 %.3f "
      "ms\n",
      kClients, health.rps, health.p50, health.p99);
  std::printf("p99 ratio predict/health: %.2f\n", predict.p99 / health.p99);
  double load1 = 0;
  std::ifstream("/proc/loadavg") >> load1;
  std::printf("load average (1 min): %.2f\n", load1);
  (*app)->Stop();
  std::filesystem::remove_all(home);
  return 0;
}
