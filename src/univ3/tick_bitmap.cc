#include "univ3/tick_bitmap.h"

#include "univ3/bit_math.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

// Floor division for the compressed tick (Solidity truncates, then the
// library corrects negative non-multiples downwards).
int32_t Compress(int32_t tick, int32_t spacing) {
  int32_t compressed = tick / spacing;
  if (tick < 0 && tick % spacing != 0) --compressed;
  return compressed;
}

// The highest set bit of `word` at or below `bit` (0..255), or -1: limb by
// limb from bit's limb down, as this runs on every swap step and a 256-bit
// mask costs several times more.
int HighestSetBitAtOrBelow(const U256& word, int bit) {
  int limb = bit >> 6;
  const int in_limb = bit & 63;
  uint64_t v = word.w[limb] & (in_limb == 63 ? ~0ULL : (2ULL << in_limb) - 1);
  while (v == 0) {
    if (--limb < 0) return -1;
    v = word.w[limb];
  }
  return limb * 64 + 63 - __builtin_clzll(v);
}

// The lowest set bit of `word` at or above `bit` (0..255), or -1.
int LowestSetBitAtOrAbove(const U256& word, int bit) {
  int limb = bit >> 6;
  uint64_t v = word.w[limb] & (~0ULL << (bit & 63));
  while (v == 0) {
    if (++limb > 3) return -1;
    v = word.w[limb];
  }
  return limb * 64 + __builtin_ctzll(v);
}

}  // namespace

TickBitmap::TickBitmap(int32_t tick_spacing) : tick_spacing_(tick_spacing) {
  const int32_t min_compressed = Compress(kMinTick, tick_spacing) - 1;
  const int32_t max_compressed = kMaxTick / tick_spacing + 1;
  min_word_ = min_compressed >> 8;
  const int32_t max_word = max_compressed >> 8;
  words_.assign(static_cast<size_t>(max_word - min_word_ + 1), U256());
}

Revert TickBitmap::FlipTick(int32_t tick) {
  if (tick % tick_spacing_ != 0) return Revert::kTickSpacing;
  const int32_t compressed = tick / tick_spacing_;
  const int64_t i = static_cast<int64_t>(compressed >> 8) - min_word_;
  if (i < 0 || i >= static_cast<int64_t>(words_.size())) {
    return Revert::kTickSpacing;  // unreachable for ticks within MIN..MAX
  }
  const int bit = compressed & 0xff;
  words_[i].w[bit >> 6] ^= 1ULL << (bit & 63);
  return Revert::kOk;
}

bool TickBitmap::IsSet(int32_t tick) const {
  if (tick % tick_spacing_ != 0) return false;
  const int32_t compressed = tick / tick_spacing_;
  return Word(compressed >> 8).Bit(compressed & 0xff);
}

void TickBitmap::NextInitializedTickWithinOneWord(int32_t tick, bool lte,
                                                  int32_t* next,
                                                  bool* initialized) const {
  const int32_t compressed = Compress(tick, tick_spacing_);
  if (lte) {
    const int bit_pos = compressed & 0xff;
    // The next 1 at or to the right of bit_pos.
    const int found = HighestSetBitAtOrBelow(Word(compressed >> 8), bit_pos);
    *initialized = found >= 0;
    const int64_t c =
        *initialized ? compressed - (bit_pos - found) : compressed - bit_pos;
    *next = static_cast<int32_t>(c * tick_spacing_);
    return;
  }
  const int32_t start = compressed + 1;
  const int bit_pos = start & 0xff;
  // The next 1 at or to the left of bit_pos.
  const int found = LowestSetBitAtOrAbove(Word(start >> 8), bit_pos);
  *initialized = found >= 0;
  const int64_t c = *initialized ? int64_t{start} + (found - bit_pos)
                                 : int64_t{start} + (255 - bit_pos);
  *next = static_cast<int32_t>(c * tick_spacing_);
}

}  // namespace trainyard::univ3
