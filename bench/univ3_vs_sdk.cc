// Engine half of bench/univ3_vs_sdk.sh: replays the swap sequence written by
// bench/univ3_sdk/swap_bench.js through the C++ pool, checks that it ends in
// exactly the SDK's final state (same sequence, same results), and prints
// the swap rate.
//
//   univ3_vs_sdk <sequence.json> [repetitions=20]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "univ3/pool.h"
#include "univ3/tick_math.h"

using namespace trainyard::univ3;

namespace {

U256 Dec(const nlohmann::json& v) {
  return ParseU256(v.get<std::string>()).value();
}

// CPU time of this thread: unlike wall time it does not count the time the
// scheduler gives other processes on a shared machine.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: univ3_vs_sdk <sequence.json> [repetitions]\n";
    return 2;
  }
  const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded()) {
    std::cerr << "error: cannot parse " << argv[1] << "\n";
    return 2;
  }
  Pool start = Pool::Create(doc["fee"].get<uint32_t>(),
                            doc["tick_spacing"].get<int32_t>())
                   .value();
  if (!start.Initialize(Dec(doc["sqrt_price_x96"])).ok()) return 1;
  for (const auto& p : doc["positions"]) {
    if (!start
             .Mint(1, p["tick_lower"].get<int32_t>(),
                   p["tick_upper"].get<int32_t>(), Dec(p["liquidity"]).Low128())
             .ok()) {
      std::cerr << "error: mint failed\n";
      return 1;
    }
  }
  struct Swap {
    bool zero_for_one;
    I256 amount;
  };
  std::vector<Swap> swaps;
  for (const auto& s : doc["swaps"]) {
    swaps.push_back(
        {s["zero_for_one"].get<bool>(),
         ParseI256(s["amount_specified"].get<std::string>()).value()});
  }
  const U256 lo = kMinSqrtRatio + U256(1), hi = kMaxSqrtRatio - U256(1);
  // Untimed pass: compare every swap with the SDK's trace.
  {
    Pool check = start;
    const auto& trace = doc["trace"];
    for (size_t i = 0; i < swaps.size() && i < trace.size(); ++i) {
      SwapResult out;
      check.TrySwap(swaps[i].zero_for_one, swaps[i].amount,
                    swaps[i].zero_for_one ? lo : hi, &out);
      const bool exact_in = !IsNegative(swaps[i].amount);
      const I256& calculated =
          swaps[i].zero_for_one == exact_in ? out.amount1 : out.amount0;
      if (ToSignedDecimal(calculated) !=
              trace[i]["amount_calculated"].get<std::string>() ||
          check.slot0().sqrt_price_x96 != Dec(trace[i]["sqrt_price_x96"]) ||
          check.slot0().tick != trace[i]["tick"].get<int32_t>()) {
        std::printf(
            "first_mismatch_swap %zu engine_amount %s sdk_amount %s "
            "engine_tick %d sdk_tick %d\n",
            i, ToSignedDecimal(calculated).c_str(),
            trace[i]["amount_calculated"].get<std::string>().c_str(),
            check.slot0().tick, trace[i]["tick"].get<int32_t>());
        break;
      }
    }
  }
  double best = 1e300, best_cpu = 1e300;
  Pool pool = start;
  int64_t crossed = 0;
  for (int r = 0; r < reps; ++r) {
    pool = start;
    crossed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = ThreadCpuSeconds();
    for (const Swap& s : swaps) {
      SwapResult out;
      if (pool.TrySwap(s.zero_for_one, s.amount, s.zero_for_one ? lo : hi,
                       &out) != Revert::kOk) {
        std::cerr << "error: swap reverted\n";
        return 1;
      }
      crossed += out.ticks_crossed;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    if (secs < best) best = secs;
    best_cpu = std::min(best_cpu, ThreadCpuSeconds() - cpu0);
  }
  const auto& want = doc["sdk"]["final"];
  const bool match =
      pool.slot0().sqrt_price_x96 == Dec(want["sqrt_price_x96"]) &&
      pool.slot0().tick == want["tick"].get<int32_t>() &&
      U256::FromU128(pool.liquidity()) == Dec(want["liquidity"]);
  std::printf("engine_swaps_per_second %.0f\n", swaps.size() / best);
  std::printf("engine_swaps_per_cpu_second %.0f\n", swaps.size() / best_cpu);
  std::printf("ticks_crossed_per_swap %.3f\n",
              static_cast<double>(crossed) / swaps.size());
  std::printf("final_state_matches_sdk %s\n", match ? "yes" : "no");
  return match ? 0 : 1;
}
