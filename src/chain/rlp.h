// Recursive Length Prefix encoding (Ethereum's yellow paper, appendix B),
// for signing and sending transactions: byte strings, unsigned integers
// (big-endian without leading zeros) and lists of encoded items.
#pragma once

#include <vector>

#include "chain/abi.h"

namespace trainyard::chain {

// A byte string: one byte below 0x80 is itself; otherwise a length prefix.
Bytes RlpBytes(const Bytes& data);
// An unsigned integer as its minimal big-endian bytes (0 is the empty
// string, 0x80).
Bytes RlpUint(const U256& value);
inline Bytes RlpUint(uint64_t value) { return RlpUint(U256(value)); }
// A list of already-encoded items.
Bytes RlpList(const std::vector<Bytes>& encoded_items);

}  // namespace trainyard::chain
