#include "chain/abi.h"

#include <cstring>

namespace trainyard::chain {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view StripPrefix(std::string_view hex, bool* had_prefix) {
  *had_prefix =
      hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X');
  if (*had_prefix) hex.remove_prefix(2);
  return hex;
}

Status Malformed(const std::string& what) {
  return ValidationError("malformed ABI data: " + what);
}

Bytes PaddedTail(const uint8_t* data, size_t size) {
  Bytes tail(32 + (size + 31) / 32 * 32, 0);
  Hash32 len = WordFromU256(U256(size));
  std::memcpy(tail.data(), len.data(), 32);
  if (size > 0) std::memcpy(tail.data() + 32, data, size);
  return tail;
}

}  // namespace

Result<Address> Address::Parse(std::string_view text) {
  bool prefixed = false;
  std::string_view hex = StripPrefix(text, &prefixed);
  if (!prefixed || hex.size() != 40) {
    return ValidationError("an address is 0x followed by 40 hex digits");
  }
  Address a;
  for (size_t i = 0; i < 20; ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return ValidationError("an address is 0x followed by 40 hex digits");
    }
    a.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return a;
}

std::string Address::Hex() const { return HexEncode(bytes.data(), 20); }

bool Address::IsZero() const {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string HexEncode(const uint8_t* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + 2 * size);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view text) {
  bool prefixed = false;
  std::string_view hex = StripPrefix(text, &prefixed);
  if (hex.size() % 2 != 0) return ValidationError("odd-length hex string");
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return ValidationError("non-hex character in hex string");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

Result<Hash32> ParseHash32(std::string_view hex) {
  TY_ASSIGN_OR_RETURN(Bytes b, HexDecode(hex));
  if (b.size() != 32) return ValidationError("expected a 32-byte hex value");
  Hash32 h;
  std::memcpy(h.data(), b.data(), 32);
  return h;
}

std::string Quantity(uint64_t v) { return Quantity(U256(v)); }

std::string Quantity(const U256& v) {
  if (v.IsZero()) return "0x0";
  static const char kDigits[] = "0123456789abcdef";
  std::string digits;
  for (int nibble = (v.BitLength() + 3) / 4 - 1; nibble >= 0; --nibble) {
    digits.push_back(kDigits[(v.w[nibble / 16] >> (4 * (nibble % 16))) & 15]);
  }
  return "0x" + digits;
}

Result<U256> ParseQuantity(std::string_view text) {
  bool prefixed = false;
  std::string_view hex = StripPrefix(text, &prefixed);
  if (!prefixed || hex.empty()) {
    return ValidationError("expected a 0x-prefixed hex quantity, got '" +
                           std::string(text.substr(0, 80)) + "'");
  }
  while (hex.size() > 1 && hex[0] == '0') hex.remove_prefix(1);
  if (hex.size() > 64) return ValidationError("hex quantity above 256 bits");
  U256 r;
  for (char c : hex) {
    int d = HexDigit(c);
    if (d < 0) return ValidationError("non-hex character in quantity");
    r = (r << 4) | U256(static_cast<uint64_t>(d));
  }
  return r;
}

Result<uint64_t> ParseQuantity64(std::string_view hex) {
  TY_ASSIGN_OR_RETURN(U256 v, ParseQuantity(hex));
  if (!v.FitsU64()) return ValidationError("quantity above 64 bits");
  return v.w[0];
}

Hash32 WordFromU256(const U256& v) {
  Hash32 out;
  for (int i = 0; i < 32; ++i) {
    out[31 - i] = static_cast<uint8_t>(v.w[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

U256 U256FromWord(const uint8_t* word) {
  U256 v;
  for (int i = 0; i < 32; ++i) {
    v.w[i / 8] |= static_cast<uint64_t>(word[31 - i]) << (8 * (i % 8));
  }
  return v;
}

// ---- AbiEncoder ----

AbiEncoder::AbiEncoder(std::string_view signature) {
  auto sel = Selector(signature);
  selector_.assign(sel.begin(), sel.end());
}

AbiEncoder& AbiEncoder::Uint(const U256& v) {
  args_.push_back({WordFromU256(v), false, {}});
  return *this;
}

AbiEncoder& AbiEncoder::Int(const I256& v) { return Uint(v); }

AbiEncoder& AbiEncoder::Addr(const Address& a) {
  Arg arg;
  std::memcpy(arg.head.data() + 12, a.bytes.data(), 20);
  args_.push_back(std::move(arg));
  return *this;
}

AbiEncoder& AbiEncoder::Bool(bool b) { return Uint(U256(b ? 1 : 0)); }

AbiEncoder& AbiEncoder::Bytes32(const Hash32& h) {
  args_.push_back({h, false, {}});
  return *this;
}

AbiEncoder& AbiEncoder::DynamicBytes(const Bytes& b) {
  args_.push_back({{}, true, PaddedTail(b.data(), b.size())});
  return *this;
}

AbiEncoder& AbiEncoder::String(std::string_view s) {
  args_.push_back(
      {{},
       true,
       PaddedTail(reinterpret_cast<const uint8_t*>(s.data()), s.size())});
  return *this;
}

AbiEncoder& AbiEncoder::BytesArray(const std::vector<Bytes>& items) {
  // Length, then one offset per item (from the start of the offsets), then
  // the items' own length-prefixed tails.
  Arg arg;
  arg.dynamic = true;
  Hash32 n = WordFromU256(U256(items.size()));
  arg.tail.insert(arg.tail.end(), n.begin(), n.end());
  std::vector<Bytes> tails;
  size_t offset = 32 * items.size();
  for (const Bytes& b : items) {
    Hash32 o = WordFromU256(U256(offset));
    arg.tail.insert(arg.tail.end(), o.begin(), o.end());
    tails.push_back(PaddedTail(b.data(), b.size()));
    offset += tails.back().size();
  }
  for (const Bytes& t : tails)
    arg.tail.insert(arg.tail.end(), t.begin(), t.end());
  args_.push_back(std::move(arg));
  return *this;
}

Bytes AbiEncoder::Finish() const {
  Bytes out = selector_;
  size_t offset = 32 * args_.size();
  for (const Arg& a : args_) {
    Hash32 head = a.dynamic ? WordFromU256(U256(offset)) : a.head;
    out.insert(out.end(), head.begin(), head.end());
    offset += a.tail.size();
  }
  for (const Arg& a : args_)
    out.insert(out.end(), a.tail.begin(), a.tail.end());
  return out;
}

// ---- AbiDecoder ----

Result<const uint8_t*> AbiDecoder::Word(size_t index) const {
  if (index >= words()) {
    return Malformed("word " + std::to_string(index) + " past the end (" +
                     std::to_string(size_) + " bytes)");
  }
  return data_ + 32 * index;
}

Result<U256> AbiDecoder::Uint(size_t index, int bits) const {
  TY_ASSIGN_OR_RETURN(const uint8_t* w, Word(index));
  U256 v = U256FromWord(w);
  if (!v.FitsBits(bits)) {
    return Malformed("word " + std::to_string(index) + " is not a uint" +
                     std::to_string(bits));
  }
  return v;
}

Result<univ3::u128> AbiDecoder::Uint128(size_t index) const {
  TY_ASSIGN_OR_RETURN(U256 v, Uint(index, 128));
  return v.Low128();
}

Result<I256> AbiDecoder::Int(size_t index, int bits) const {
  TY_ASSIGN_OR_RETURN(const uint8_t* w, Word(index));
  I256 v = U256FromWord(w);
  // Valid iff sign-extending the low `bits` gives the word back.
  I256 extended = bits >= 256 ? v : univ3::Sar(v << (256 - bits), 256 - bits);
  if (!(extended == v)) {
    return Malformed("word " + std::to_string(index) + " is not an int" +
                     std::to_string(bits));
  }
  return v;
}

Result<univ3::i128> AbiDecoder::Int128(size_t index) const {
  TY_ASSIGN_OR_RETURN(I256 v, Int(index, 128));
  return static_cast<univ3::i128>(v.Low128());
}

Result<int32_t> AbiDecoder::Int32(size_t index, int bits) const {
  TY_ASSIGN_OR_RETURN(I256 v, Int(index, bits > 32 ? 32 : bits));
  return static_cast<int32_t>(static_cast<uint32_t>(v.w[0]));
}

Result<Address> AbiDecoder::Addr(size_t index) const {
  TY_ASSIGN_OR_RETURN(const uint8_t* w, Word(index));
  for (int i = 0; i < 12; ++i) {
    if (w[i] != 0)
      return Malformed("word " + std::to_string(index) + " is not an address");
  }
  Address a;
  std::memcpy(a.bytes.data(), w + 12, 20);
  return a;
}

Result<bool> AbiDecoder::Bool(size_t index) const {
  TY_ASSIGN_OR_RETURN(U256 v, Uint(index, 1));
  return !v.IsZero();
}

Result<Hash32> AbiDecoder::Bytes32(size_t index) const {
  TY_ASSIGN_OR_RETURN(const uint8_t* w, Word(index));
  Hash32 h;
  std::memcpy(h.data(), w, 32);
  return h;
}

Result<Bytes> AbiDecoder::DynamicBytes(size_t index) const {
  TY_ASSIGN_OR_RETURN(U256 offset, Uint(index, 64));
  if (offset.w[0] % 32 != 0 || offset.w[0] + 32 > size_) {
    return Malformed("bad offset of dynamic value");
  }
  U256 len = U256FromWord(data_ + offset.w[0]);
  if (!len.FitsU64() || len.w[0] > size_ - offset.w[0] - 32) {
    return Malformed("dynamic value runs past the end");
  }
  const uint8_t* begin = data_ + offset.w[0] + 32;
  return Bytes(begin, begin + len.w[0]);
}

Result<std::vector<Bytes>> AbiDecoder::BytesArray(size_t index) const {
  TY_ASSIGN_OR_RETURN(U256 offset, Uint(index, 64));
  if (offset.w[0] % 32 != 0 || offset.w[0] + 32 > size_) {
    return Malformed("bad offset of dynamic array");
  }
  // The array's body is itself head/tail encoded: decode it as its own data.
  AbiDecoder body(data_ + offset.w[0] + 32, size_ - offset.w[0] - 32);
  const U256 n = U256FromWord(data_ + offset.w[0]);
  if (!n.FitsU64() || n.w[0] > body.words())
    return Malformed("array runs past the end");
  std::vector<Bytes> out;
  for (uint64_t i = 0; i < n.w[0]; ++i) {
    TY_ASSIGN_OR_RETURN(Bytes b, body.DynamicBytes(i));
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::string> AbiDecoder::String(size_t index) const {
  TY_ASSIGN_OR_RETURN(Bytes b, DynamicBytes(index));
  return std::string(b.begin(), b.end());
}

Result<std::string> DecodeTokenText(const Bytes& data) {
  if (data.size() == 32) {
    size_t n = 0;
    while (n < 32 && data[n] != 0) ++n;
    return std::string(data.begin(), data.begin() + n);
  }
  return AbiDecoder(data).String(0);
}

}  // namespace trainyard::chain
