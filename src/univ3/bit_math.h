// BitMath of v3-core: index of the most and least significant set bit of a
// 256-bit word, used by the tick bitmap.
#pragma once

#include "univ3/uint256.h"

namespace trainyard::univ3 {

// REQUIRES: !x.IsZero() (the contract reverts on zero).
inline int MostSignificantBit(const U256& x) { return x.BitLength() - 1; }

// REQUIRES: !x.IsZero().
inline int LeastSignificantBit(const U256& x) {
  for (int i = 0; i < 4; ++i) {
    if (x.w[i] != 0) return i * 64 + __builtin_ctzll(x.w[i]);
  }
  return -1;
}

}  // namespace trainyard::univ3
