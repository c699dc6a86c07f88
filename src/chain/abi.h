// Ethereum ABI encoding and decoding for what Trainyard calls on chain: the
// static types of the Uniswap V3 contracts (uint/int of any width, address,
// bool, bytes32, static tuples, which encode as their fields in order) and
// dynamic bytes/string for ERC-20 metadata. Also hex and JSON-RPC quantity
// conversions. Amounts stay 256-bit (univ3::U256, I256 two's complement).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chain/keccak.h"
#include "core/status.h"
#include "univ3/uint256.h"

namespace trainyard::chain {

using Bytes = std::vector<uint8_t>;
using univ3::I256;
using univ3::U256;

// A 20-byte account or contract address. Value type.
struct Address {
  std::array<uint8_t, 20> bytes{};

  // Parses "0x" + 40 hex digits (any case; the EIP-55 checksum is not
  // enforced). VALIDATION_ERROR otherwise.
  static Result<Address> Parse(std::string_view text);
  // Lower-case "0x..." form.
  std::string Hex() const;
  bool IsZero() const;
  friend bool operator==(const Address&, const Address&) = default;
};

// "0x" + lower-case hex of the bytes.
std::string HexEncode(const uint8_t* data, size_t size);
inline std::string HexEncode(const Bytes& b) {
  return HexEncode(b.data(), b.size());
}
inline std::string HexEncode(const Hash32& h) {
  return HexEncode(h.data(), h.size());
}
// Decodes hex with an optional "0x" prefix; VALIDATION_ERROR for odd length
// or a non-hex character.
Result<Bytes> HexDecode(std::string_view hex);
// A 32-byte hex string (block and transaction hashes, topics).
Result<Hash32> ParseHash32(std::string_view hex);

// JSON-RPC quantities: "0x" + hex without leading zeros ("0x0" for zero).
std::string Quantity(uint64_t v);
std::string Quantity(const U256& v);
// Parses a quantity (leading zeros tolerated); VALIDATION_ERROR if it is
// not "0x"-prefixed hex of at most 256 bits.
Result<U256> ParseQuantity(std::string_view hex);
// Same, REQUIRES the value to fit 64 bits (block numbers, gas).
Result<uint64_t> ParseQuantity64(std::string_view hex);

// Big-endian 32-byte word <-> U256.
Hash32 WordFromU256(const U256& v);
U256 U256FromWord(const uint8_t* word);

// Builds call data: an optional selector, then the arguments head/tail
// encoded. Static tuples are encoded by adding their fields in order.
// Not thread-safe; a builder.
class AbiEncoder {
 public:
  AbiEncoder() = default;
  // Starts with the selector of `signature`, e.g. "ticks(int24)".
  explicit AbiEncoder(std::string_view signature);

  AbiEncoder& Uint(const U256& v);
  // Signed values as two's complement (I256FromInt64 etc. for small ones).
  AbiEncoder& Int(const I256& v);
  AbiEncoder& Int(int64_t v) { return Int(univ3::I256FromInt64(v)); }
  AbiEncoder& Addr(const Address& a);
  AbiEncoder& Bool(bool b);
  AbiEncoder& Bytes32(const Hash32& h);
  // Dynamic `bytes` / `string`.
  AbiEncoder& DynamicBytes(const Bytes& b);
  AbiEncoder& String(std::string_view s);
  // Dynamic `bytes[]` (multicall's argument).
  AbiEncoder& BytesArray(const std::vector<Bytes>& items);

  // The encoded call data (selector + head + tail).
  Bytes Finish() const;

 private:
  struct Arg {
    Hash32 head{};
    bool dynamic = false;
    Bytes tail;  // length word + padded bytes for dynamic arguments
  };
  Bytes selector_;
  std::vector<Arg> args_;
};

// Reads the 32-byte words of return data or event data. Every accessor
// checks bounds and the value's range for its type the way Solidity's ABI
// decoder does, and returns VALIDATION_ERROR ("malformed ABI data ...")
// instead of reading garbage. Does not own `data`: it must outlive the
// decoder. Thread-compatible.
class AbiDecoder {
 public:
  AbiDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit AbiDecoder(const Bytes& data)
      : AbiDecoder(data.data(), data.size()) {}

  size_t words() const { return size_ / 32; }

  // uint<bits> at head word `index`; error if it does not fit.
  Result<U256> Uint(size_t index, int bits = 256) const;
  Result<univ3::u128> Uint128(size_t index) const;
  // int<bits>, sign-extended in the word; error if not a valid int<bits>.
  Result<I256> Int(size_t index, int bits = 256) const;
  Result<univ3::i128> Int128(size_t index) const;
  // int24 (ticks) and other widths up to 32 bits.
  Result<int32_t> Int32(size_t index, int bits = 24) const;
  Result<Address> Addr(size_t index) const;
  Result<bool> Bool(size_t index) const;
  Result<Hash32> Bytes32(size_t index) const;
  // Dynamic bytes/string whose offset is at head word `index`.
  Result<Bytes> DynamicBytes(size_t index) const;
  Result<std::string> String(size_t index) const;
  // Dynamic `bytes[]` whose offset is at head word `index`.
  Result<std::vector<Bytes>> BytesArray(size_t index) const;

 private:
  Result<const uint8_t*> Word(size_t index) const;
  const uint8_t* data_;
  size_t size_;
};

// An ERC-20 name()/symbol() answer: an ABI string, or (older tokens such as
// MKR) a bytes32 padded with zeros. VALIDATION_ERROR for anything else.
Result<std::string> DecodeTokenText(const Bytes& data);

}  // namespace trainyard::chain
