// TickBitmap of v3-core: one bit per tick-spacing-aligned tick, 256 per word,
// so a swap finds the next initialized tick with a mask and a bit scan.
// Stored as a dense array over the whole valid tick range (about 220 KB for
// spacing 1, 4 KB for spacing 60) instead of a hash map.
#pragma once

#include <cstdint>
#include <vector>

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

class TickBitmap {
 public:
  // REQUIRES: 0 < tick_spacing <= 16384.
  explicit TickBitmap(int32_t tick_spacing = 1);

  // TickBitmap.flipTick. Fails with kTickSpacing if tick % spacing != 0.
  Revert FlipTick(int32_t tick);

  // Whether `tick` (a multiple of the spacing) is initialized.
  bool IsSet(int32_t tick) const;

  // TickBitmap.nextInitializedTickWithinOneWord: the next initialized tick at
  // or left of `tick` (lte) or right of it, searching at most one word.
  void NextInitializedTickWithinOneWord(int32_t tick, bool lte, int32_t* next,
                                        bool* initialized) const;

  size_t MemoryBytes() const { return words_.capacity() * sizeof(U256); }

 private:
  U256 Word(int32_t word_pos) const {
    const int64_t i = static_cast<int64_t>(word_pos) - min_word_;
    if (i < 0 || i >= static_cast<int64_t>(words_.size())) return U256();
    return words_[i];
  }

  int32_t tick_spacing_;
  int32_t min_word_;
  std::vector<U256> words_;
};

}  // namespace trainyard::univ3
