// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not
// NIST SHA3-256's 0x06): function selectors, event topics, position keys.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace trainyard::chain {

using Hash32 = std::array<uint8_t, 32>;

// Keccak-256 of `size` bytes at `data`. Pure function, thread-safe.
Hash32 Keccak256(const uint8_t* data, size_t size);
inline Hash32 Keccak256(std::string_view bytes) {
  return Keccak256(reinterpret_cast<const uint8_t*>(bytes.data()),
                   bytes.size());
}

// The 4-byte selector of a canonical signature such as "slot0()" or
// "ticks(int24)" (no spaces, canonical type names).
std::array<uint8_t, 4> Selector(std::string_view signature);

// The topic of an event signature, e.g.
// "Swap(address,address,int256,int256,uint160,uint128,int24)".
inline Hash32 EventTopic(std::string_view signature) {
  return Keccak256(signature);
}

}  // namespace trainyard::chain
