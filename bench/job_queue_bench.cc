// Job-queue claims on SQLite and PostgreSQL: claims/s and the p99 latency of
// one claim (JobStore::ClaimNext) with 1, 2, 4 and 8 concurrent workers,
// each a connection of its own as a worker process would have, and the
// PostgreSQL / SQLite ratio per worker count. Every job is claimed and
// finished; the run fails if any job is claimed twice or never.
//   job_queue_bench DIR POSTGRES_URL [JOBS]
// DIR holds the SQLite file; POSTGRES_URL names an empty database (bench/
// job_queue.sh starts a throwaway server). "-" for POSTGRES_URL runs SQLite
// only.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/metadata_store.h"

namespace {

using trainyard::Result;
using trainyard::store::JobRecord;
using trainyard::store::JobStatus;
using trainyard::store::MetadataStore;
using trainyard::store::StoreConfig;
using Clock = std::chrono::steady_clock;

struct Figures {
  double claims_per_s = 0;
  double p99_us = 0;
  bool exactly_once = false;
};

// A store on `config`, or exits with the error.
std::unique_ptr<MetadataStore> Open(const StoreConfig& config) {
  Result<std::unique_ptr<MetadataStore>> s = OpenStore(config);
  if (!s.ok()) {
    std::fprintf(stderr, "cannot open store: %s\n",
                 s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*s);
}

Figures Run(const StoreConfig& config, int workers, int jobs,
            const std::string& tag) {
  auto setup = Open(config);
  for (int i = 0; i < jobs; ++i) {
    JobRecord j;
    j.id = tag + "-" + std::to_string(i);
    j.type = "bench";
    j.max_attempts = 1;
    if (!setup->jobs()->Insert(j, i).ok()) std::exit(1);
  }
  std::vector<std::unique_ptr<MetadataStore>> stores;
  for (int w = 0; w < workers; ++w) stores.push_back(Open(config));
  std::vector<std::vector<double>> latencies(workers);
  std::vector<std::vector<std::string>> claimed(workers);
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      auto* q = stores[static_cast<size_t>(w)]->jobs();
      const std::string me = "w" + std::to_string(w);
      while (true) {
        const auto t0 = Clock::now();
        auto job = q->ClaimNext({"bench"}, me, 1'000'000'000, 1);
        const auto t1 = Clock::now();
        if (!job.ok()) {
          std::fprintf(stderr, "claim: %s\n", job.status().ToString().c_str());
          failed = true;
          return;
        }
        if (!job->has_value()) return;
        latencies[w].push_back(
            std::chrono::duration<double, std::micro>(t1 - t0).count());
        claimed[w].push_back((*job)->id);
        if (!q->Finish((*job)->id, me, JobStatus::kCompleted, "{}", "", 2)
                 .ok()) {
          failed = true;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  std::vector<std::string> ids;
  for (int w = 0; w < workers; ++w) {
    all.insert(all.end(), latencies[w].begin(), latencies[w].end());
    ids.insert(ids.end(), claimed[w].begin(), claimed[w].end());
  }
  std::sort(all.begin(), all.end());
  std::sort(ids.begin(), ids.end());
  Figures f;
  f.claims_per_s = static_cast<double>(all.size()) / seconds;
  f.p99_us = all.empty() ? 0 : all[all.size() * 99 / 100];
  f.exactly_once = !failed &&
                   std::adjacent_find(ids.begin(), ids.end()) == ids.end() &&
                   static_cast<int>(ids.size()) == jobs;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: job_queue_bench DIR POSTGRES_URL|- [JOBS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string url = argv[2];
  const int jobs = argc > 3 ? std::atoi(argv[3]) : 2000;
  std::filesystem::create_directories(dir);
  std::printf(
      "job queue: %d jobs claimed and finished per run, one connection per "
      "worker\n\n%-8s %-11s %12s %14s %s\n",
      jobs, "workers", "backend", "claims/s", "p99 claim us", "exactly once");
  bool all_once = true;
  for (int workers : {1, 2, 4, 8}) {
    StoreConfig sqlite;
    sqlite.sqlite_path = dir + "/queue-" + std::to_string(workers) + ".db";
    Figures s = Run(sqlite, workers, jobs, "s" + std::to_string(workers));
    std::printf("%-8d %-11s %12.0f %14.0f %s\n", workers, "sqlite",
                s.claims_per_s, s.p99_us, s.exactly_once ? "yes" : "NO");
    all_once = all_once && s.exactly_once;
    if (url == "-") continue;
    StoreConfig pg;
    pg.database_url = url;
    Figures p = Run(pg, workers, jobs, "p" + std::to_string(workers));
    std::printf("%-8d %-11s %12.0f %14.0f %s\n", workers, "postgresql",
                p.claims_per_s, p.p99_us, p.exactly_once ? "yes" : "NO");
    std::printf("%-8d %-11s %11.2fx %13.2fx\n", workers, "pg/sqlite",
                p.claims_per_s / s.claims_per_s, p.p99_us / s.p99_us);
    all_once = all_once && p.exactly_once;
  }
  return all_once ? 0 : 1;
}
