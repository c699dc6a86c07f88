// TickBitmap.nextInitializedTickWithinOneWord against a brute-force scan of
// the same word with IsSet, on random bitmaps and at every bit position
// class (0, 63/64 limb borders, 255), for two tick spacings.
#include "univ3/tick_bitmap.h"

#include <gtest/gtest.h>

#include "core/rng.h"

namespace trainyard::univ3 {
namespace {

int32_t FloorDiv(int32_t a, int32_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

// The contract's definition, one bit at a time: within the 256-tick word of
// the compressed tick, the nearest initialized tick at or below it (lte), or
// above it; else the word's edge.
void ScanWord(const TickBitmap& bitmap, int32_t spacing, int32_t tick, bool lte,
              int32_t* next, bool* initialized) {
  const int32_t compressed = FloorDiv(tick, spacing);
  if (lte) {
    const int32_t word_start = FloorDiv(compressed, 256) * 256;
    for (int32_t c = compressed; c >= word_start; --c) {
      if (bitmap.IsSet(c * spacing)) {
        *next = c * spacing;
        *initialized = true;
        return;
      }
    }
    *next = word_start * spacing;
    *initialized = false;
    return;
  }
  const int32_t start = compressed + 1;
  const int32_t word_end = FloorDiv(start, 256) * 256 + 255;
  for (int32_t c = start; c <= word_end; ++c) {
    if (bitmap.IsSet(c * spacing)) {
      *next = c * spacing;
      *initialized = true;
      return;
    }
  }
  *next = word_end * spacing;
  *initialized = false;
}

TEST(TickBitmapTest, NextInitializedTickMatchesBitByBitScan) {
  Rng rng(29);
  for (int32_t spacing : {1, 60}) {
    for (int round = 0; round < 20; ++round) {
      TickBitmap bitmap(spacing);
      const int density = 1 + static_cast<int>(rng.UniformInt(40));
      for (int32_t c = -1024; c < 1024; ++c) {
        if (rng.UniformInt(density) == 0) {
          ASSERT_EQ(bitmap.FlipTick(c * spacing), Revert::kOk);
        }
      }
      for (int32_t c = -1024; c < 1024; ++c) {
        for (int32_t offset : {0, spacing - 1}) {
          const int32_t tick = c * spacing + offset;
          for (bool lte : {true, false}) {
            int32_t next = 0, want_next = 0;
            bool initialized = false, want_initialized = false;
            bitmap.NextInitializedTickWithinOneWord(tick, lte, &next,
                                                    &initialized);
            ScanWord(bitmap, spacing, tick, lte, &want_next, &want_initialized);
            ASSERT_EQ(next, want_next) << "tick " << tick << " lte " << lte;
            ASSERT_EQ(initialized, want_initialized) << "tick " << tick;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace trainyard::univ3
