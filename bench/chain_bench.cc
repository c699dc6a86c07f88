// The chain half of bench/chain.sh: against a node (the local ganache the
// script starts), how long a pool's snapshot takes batched and with one
// JSON-RPC call per HTTP request, how fast its history is read with paged
// eth_getLogs and with one call per block, and how many events per second
// the exact engine replays. Prints "name value" lines.
//
//   chain_bench RPC POOL
#include <chrono>
#include <cstdio>
#include <string>

#include "chain/history.h"
#include "chain/snapshot.h"

namespace {

using trainyard::Result;
using namespace trainyard::chain;

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

int Die(const std::string& what, const trainyard::Status& s) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: chain_bench RPC POOL\n");
    return 2;
  }
  const std::string rpc = argv[1];
  Result<Address> pool = Address::Parse(argv[2]);
  if (!pool.ok()) return Die("pool", pool.status());
  RpcOptions one_per_request;
  one_per_request.max_batch = 1;  // the baseline: every call its own request
  auto batched = EthClient::Connect(rpc, 120000);
  auto single = EthClient::Connect(rpc, 120000, one_per_request);
  if (!batched.ok()) return Die("connect", batched.status());
  Result<uint64_t> head = (*batched)->BlockNumber();
  if (!head.ok()) return Die("block number", head.status());
  SnapshotOptions no_metadata;
  no_metadata.token_metadata = false;

  // Snapshot: same block, batched vs one call per request.
  auto t = std::chrono::steady_clock::now();
  Result<PoolSnapshot> snap =
      ReadPoolSnapshot(**batched, *pool, *head, no_metadata);
  const double snap_s = Since(t);
  if (!snap.ok()) return Die("snapshot", snap.status());
  t = std::chrono::steady_clock::now();
  Result<PoolSnapshot> slow =
      ReadPoolSnapshot(**single, *pool, *head, no_metadata);
  const double slow_s = Since(t);
  if (!slow.ok()) return Die("snapshot per request", slow.status());
  std::printf("snapshot_initialised_ticks %zu\n", snap->state.ticks.size());
  std::printf("snapshot_batched_seconds %.3f\n", snap_s);
  std::printf("snapshot_batched_round_trips %llu\n",
              static_cast<unsigned long long>(snap->round_trips));
  std::printf("snapshot_per_request_seconds %.3f\n", slow_s);
  std::printf("snapshot_per_request_round_trips %llu\n",
              static_cast<unsigned long long>(slow->round_trips));
  std::printf("ratio_snapshot_time_per_request_over_batched %.1f\n",
              slow_s / snap_s);
  std::printf("ratio_snapshot_round_trips_per_request_over_batched %.1f\n",
              static_cast<double>(slow->round_trips) / snap->round_trips);

  // History: paged eth_getLogs (5000 blocks) vs one call per block.
  t = std::chrono::steady_clock::now();
  Result<PoolHistory> h = ReadPoolHistory(**batched, *pool, 0, *head);
  const double hist_s = Since(t);
  if (!h.ok()) return Die("history", h.status());
  LogPaging per_block;
  per_block.initial_range = 1;
  t = std::chrono::steady_clock::now();
  Result<PoolHistory> h1 =
      ReadPoolHistory(**single, *pool, 0, *head, per_block);
  const double hist1_s = Since(t);
  if (!h1.ok()) return Die("history per block", h1.status());
  const double events = static_cast<double>(h->events.size());
  std::printf("head_block %llu\n", static_cast<unsigned long long>(*head));
  std::printf("history_blocks %llu\n",
              static_cast<unsigned long long>(*head + 1));
  std::printf("history_events %zu\n", h->events.size());
  std::printf("history_paged_seconds %.3f\n", hist_s);
  std::printf("history_paged_round_trips %llu\n",
              static_cast<unsigned long long>(h->round_trips));
  std::printf("history_paged_events_per_second %.0f\n", events / hist_s);
  std::printf("history_per_block_seconds %.3f\n", hist1_s);
  std::printf("history_per_block_round_trips %llu\n",
              static_cast<unsigned long long>(h1->round_trips));
  std::printf("history_per_block_events_per_second %.0f\n", events / hist1_s);
  std::printf("ratio_history_paged_over_per_block %.1f\n", hist1_s / hist_s);

  // Replay through the exact engine from the pool's state before its first
  // event (checked against the chain's price path on every swap).
  const uint64_t first = h->events.front().block_number;
  Result<PoolSnapshot> start =
      ReadPoolSnapshot(**batched, *pool, first - 1, no_metadata);
  if (!start.ok()) return Die("start snapshot", start.status());
  Result<trainyard::univ3::Pool> engine = ToPool(*start);
  if (!engine.ok()) return Die("engine", engine.status());
  t = std::chrono::steady_clock::now();
  Result<ReplayReport> report = ReplayHistory(h->events, &*engine);
  const double replay_s = Since(t);
  if (!report.ok()) return Die("replay", report.status());
  std::printf("replay_swaps %d\n", report->swaps);
  std::printf("replay_exact_swaps %d\n", report->exact_swaps);
  std::printf("replay_seconds %.4f\n", replay_s);
  std::printf("replay_events_per_second %.0f\n", events / replay_s);
  return 0;
}
