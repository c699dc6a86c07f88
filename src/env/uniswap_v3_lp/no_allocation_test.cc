// UniswapV3LP-v0's Step must not allocate once the ranges it uses exist in
// the pool. This binary replaces the global allocation functions with
// counting versions to check that.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "env/uniswap_v3_lp/uniswap_v3_lp.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace trainyard::env {
namespace {

TEST(UniswapV3LpNoAllocationTest, KeepingAndSwitchingKnownRangesDoNotAllocate) {
  UniswapV3LpConfig c;
  c.keep_tolerance = 0.0;
  c.max_steps = 0;
  auto env = UniswapV3LpEnv::Create(c);
  ASSERT_TRUE(env.ok());
  std::vector<float> obs(11);
  (*env)->Reset(1, obs);
  const float wide[2] = {0.9f, 0.9f};
  (*env)->Step(wide, obs);
  const LpTarget a{false, (*env)->tick_lower(), (*env)->tick_upper()};
  const LpTarget b{false, a.tick_lower - 600, a.tick_upper + 600};
  // Warm-up: both ranges have been minted once.
  for (int t = 0; t < 4; ++t) (*env)->StepTarget(t % 2 ? a : b, obs);
  const long before = g_allocations.load();
  for (int t = 0; t < 200; ++t) {
    (*env)->StepTarget(t % 10 < 5 ? a : b, obs);  // keep 4 of 5 steps
  }
  (*env)->Step(wide, obs);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace trainyard::env
