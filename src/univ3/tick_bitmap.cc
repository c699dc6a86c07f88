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

// Bits 0..bit of a 256-bit word set (bit in 0..255), built limb by limb:
// this runs on every swap step, and the generic 256-bit shift and subtract
// cost several times more.
U256 OnesAtOrBelow(int bit) {
  U256 mask;
  const int limb = bit >> 6;
  for (int i = 0; i < limb; ++i) mask.w[i] = ~0ULL;
  mask.w[limb] = (bit & 63) == 63 ? ~0ULL : (2ULL << (bit & 63)) - 1;
  return mask;
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
    // All the 1s at or to the right of bit_pos.
    const U256 mask = OnesAtOrBelow(bit_pos);
    const U256 masked = Word(compressed >> 8) & mask;
    *initialized = !masked.IsZero();
    const int64_t c = *initialized
                          ? compressed - (bit_pos - MostSignificantBit(masked))
                          : compressed - bit_pos;
    *next = static_cast<int32_t>(c * tick_spacing_);
    return;
  }
  const int32_t start = compressed + 1;
  const int bit_pos = start & 0xff;
  // All the 1s at or to the left of bit_pos.
  const U256 mask = bit_pos == 0 ? U256::Max() : ~OnesAtOrBelow(bit_pos - 1);
  const U256 masked = Word(start >> 8) & mask;
  *initialized = !masked.IsZero();
  const int64_t c =
      *initialized ? int64_t{start} + (LeastSignificantBit(masked) - bit_pos)
                   : int64_t{start} + (255 - bit_pos);
  *next = static_cast<int32_t>(c * tick_spacing_);
}

}  // namespace trainyard::univ3
