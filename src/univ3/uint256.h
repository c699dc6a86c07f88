// Fixed-width 256-bit integers for the Uniswap V3 engine: an unsigned U256
// (four 64-bit limbs), a 512-bit product type for FullMath, and helpers that
// treat a U256 as a two's-complement int256. The EVM wraps on overflow; the
// contracts add explicit checks, so these primitives wrap and callers check.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace trainyard::univ3 {

using u128 = unsigned __int128;
using i128 = __int128;

inline constexpr u128 kU128Max = ~static_cast<u128>(0);
inline constexpr i128 kI128Max = static_cast<i128>(kU128Max >> 1);
inline constexpr i128 kI128Min = -kI128Max - 1;

// Unsigned 256-bit integer; w[0] is the least significant limb.
// A plain value type: trivially copyable, thread-compatible.
struct U256 {
  uint64_t w[4] = {0, 0, 0, 0};

  constexpr U256() = default;
  constexpr U256(uint64_t v) : w{v, 0, 0, 0} {}  // NOLINT: implicit by design
  static constexpr U256 FromLimbs(uint64_t w3, uint64_t w2, uint64_t w1,
                                  uint64_t w0) {
    U256 r;
    r.w[0] = w0;
    r.w[1] = w1;
    r.w[2] = w2;
    r.w[3] = w3;
    return r;
  }
  static constexpr U256 FromU128(u128 v) {
    return FromLimbs(0, 0, static_cast<uint64_t>(v >> 64),
                     static_cast<uint64_t>(v));
  }
  // Parses a hexadecimal literal (optional "0x"); for constants. Characters
  // other than hex digits are a programming error and yield garbage.
  static constexpr U256 FromHex(std::string_view hex);
  static constexpr U256 Max() { return FromLimbs(~0ULL, ~0ULL, ~0ULL, ~0ULL); }

  constexpr bool IsZero() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  constexpr bool FitsU64() const { return (w[1] | w[2] | w[3]) == 0; }
  constexpr bool FitsU128() const { return (w[2] | w[3]) == 0; }
  // True if the value is below 2^bits. REQUIRES: 0 <= bits <= 256.
  constexpr bool FitsBits(int bits) const;
  constexpr u128 Low128() const {
    return (static_cast<u128>(w[1]) << 64) | w[0];
  }
  constexpr u128 High128() const {
    return (static_cast<u128>(w[3]) << 64) | w[2];
  }
  // Number of significant bits (0 for zero).
  constexpr int BitLength() const;
  constexpr bool Bit(int i) const { return (w[i >> 6] >> (i & 63)) & 1; }

  friend constexpr bool operator==(const U256& a, const U256& b) {
    return a.w[0] == b.w[0] && a.w[1] == b.w[1] && a.w[2] == b.w[2] &&
           a.w[3] == b.w[3];
  }
  friend constexpr std::strong_ordering operator<=>(const U256& a,
                                                    const U256& b) {
    for (int i = 3; i >= 0; --i) {
      if (a.w[i] != b.w[i]) return a.w[i] <=> b.w[i];
    }
    return std::strong_ordering::equal;
  }
  // The relational operators proper, preferred over the rewritten <=>: one
  // borrow chain instead of a limb loop whose data-dependent branches
  // mispredict on the swap path.
  friend constexpr bool operator<(const U256& a, const U256& b) {
    return Borrows(a, b);
  }
  friend constexpr bool operator>(const U256& a, const U256& b) {
    return Borrows(b, a);
  }
  friend constexpr bool operator<=(const U256& a, const U256& b) {
    return !Borrows(b, a);
  }
  friend constexpr bool operator>=(const U256& a, const U256& b) {
    return !Borrows(a, b);
  }

 private:
  // True if a - b borrows, i.e. a < b.
  static constexpr bool Borrows(const U256& a, const U256& b);
};

// 512-bit product of two U256 values; w[0] least significant.
struct U512 {
  uint64_t w[8] = {0, 0, 0, 0, 0, 0, 0, 0};
};

constexpr int U256::BitLength() const {
  for (int i = 3; i >= 0; --i) {
    if (w[i] != 0) return i * 64 + 64 - __builtin_clzll(w[i]);
  }
  return 0;
}

constexpr bool U256::FitsBits(int bits) const {
  if (bits >= 256) return true;
  return BitLength() <= bits;
}

constexpr U256 U256::FromHex(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
    hex.remove_prefix(2);
  }
  U256 r;
  int bit = 0;
  for (size_t i = hex.size(); i-- > 0; bit += 4) {
    char c = hex[i];
    uint64_t d = (c >= '0' && c <= '9')   ? c - '0'
                 : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                          : c - 'A' + 10;
    r.w[bit >> 6] |= d << (bit & 63);
  }
  return r;
}

// ---- Wrapping arithmetic (EVM semantics: modulo 2^256) ----

// On x86-64 the carry chains compile to add/adc and sub/sbb sequences; the
// portable loops below remain for constant evaluation and other targets.
#if defined(__x86_64__) && defined(__GNUC__)
#define TRAINYARD_UNIV3_CARRY_BUILTINS 1
#endif

constexpr bool U256::Borrows(const U256& a, const U256& b) {
#ifdef TRAINYARD_UNIV3_CARRY_BUILTINS
  if (!std::is_constant_evaluated()) {
    unsigned long long unused;
    unsigned char c = __builtin_ia32_sbb_u64(0, a.w[0], b.w[0], &unused);
    c = __builtin_ia32_sbb_u64(c, a.w[1], b.w[1], &unused);
    c = __builtin_ia32_sbb_u64(c, a.w[2], b.w[2], &unused);
    c = __builtin_ia32_sbb_u64(c, a.w[3], b.w[3], &unused);
    return c != 0;
  }
#endif
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  }
  return false;
}

constexpr U256 operator+(const U256& a, const U256& b) {
#ifdef TRAINYARD_UNIV3_CARRY_BUILTINS
  if (!std::is_constant_evaluated()) {
    unsigned long long r0, r1, r2, r3;
    unsigned char c = __builtin_ia32_addcarryx_u64(0, a.w[0], b.w[0], &r0);
    c = __builtin_ia32_addcarryx_u64(c, a.w[1], b.w[1], &r1);
    c = __builtin_ia32_addcarryx_u64(c, a.w[2], b.w[2], &r2);
    __builtin_ia32_addcarryx_u64(c, a.w[3], b.w[3], &r3);
    return U256::FromLimbs(r3, r2, r1, r0);
  }
#endif
  U256 r;
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    carry += static_cast<u128>(a.w[i]) + b.w[i];
    r.w[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  return r;
}

constexpr U256 operator-(const U256& a, const U256& b) {
#ifdef TRAINYARD_UNIV3_CARRY_BUILTINS
  if (!std::is_constant_evaluated()) {
    unsigned long long r0, r1, r2, r3;
    unsigned char c = __builtin_ia32_sbb_u64(0, a.w[0], b.w[0], &r0);
    c = __builtin_ia32_sbb_u64(c, a.w[1], b.w[1], &r1);
    c = __builtin_ia32_sbb_u64(c, a.w[2], b.w[2], &r2);
    __builtin_ia32_sbb_u64(c, a.w[3], b.w[3], &r3);
    return U256::FromLimbs(r3, r2, r1, r0);
  }
#endif
  U256 r;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 d = static_cast<u128>(a.w[i]) - b.w[i] - borrow;
    r.w[i] = static_cast<uint64_t>(d);
    borrow = static_cast<uint64_t>(d >> 64) & 1;
  }
  return r;
}

// Low 256 bits of the product.
constexpr U256 operator*(const U256& a, const U256& b) {
  U256 r;
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; i + j < 4; ++j) {
      carry += static_cast<u128>(a.w[i]) * b.w[j] + r.w[i + j];
      r.w[i + j] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
  }
  return r;
}

constexpr U256 operator&(const U256& a, const U256& b) {
  return U256::FromLimbs(a.w[3] & b.w[3], a.w[2] & b.w[2], a.w[1] & b.w[1],
                         a.w[0] & b.w[0]);
}
constexpr U256 operator|(const U256& a, const U256& b) {
  return U256::FromLimbs(a.w[3] | b.w[3], a.w[2] | b.w[2], a.w[1] | b.w[1],
                         a.w[0] | b.w[0]);
}
constexpr U256 operator^(const U256& a, const U256& b) {
  return U256::FromLimbs(a.w[3] ^ b.w[3], a.w[2] ^ b.w[2], a.w[1] ^ b.w[1],
                         a.w[0] ^ b.w[0]);
}
constexpr U256 operator~(const U256& a) {
  return U256::FromLimbs(~a.w[3], ~a.w[2], ~a.w[1], ~a.w[0]);
}

// Shifts by 0..255 bits; larger shifts give zero (as in the EVM).
constexpr U256 operator<<(const U256& a, int s) {
  if (s >= 256) return U256();
  U256 r;
  int limbs = s >> 6, bits = s & 63;
  for (int i = 3; i >= limbs; --i) {
    uint64_t v = a.w[i - limbs] << bits;
    if (bits != 0 && i - limbs - 1 >= 0) v |= a.w[i - limbs - 1] >> (64 - bits);
    r.w[i] = v;
  }
  return r;
}
constexpr U256 operator>>(const U256& a, int s) {
  if (s >= 256) return U256();
  U256 r;
  int limbs = s >> 6, bits = s & 63;
  for (int i = 0; i + limbs < 4; ++i) {
    uint64_t v = a.w[i + limbs] >> bits;
    if (bits != 0 && i + limbs + 1 < 4) v |= a.w[i + limbs + 1] << (64 - bits);
    r.w[i] = v;
  }
  return r;
}

// Checked variants: return false (and leave *out unspecified) on overflow.
constexpr bool CheckedAdd(const U256& a, const U256& b, U256* out) {
  *out = a + b;
  return *out >= a;
}
constexpr bool CheckedSub(const U256& a, const U256& b, U256* out) {
  *out = a - b;
  return a >= b;
}

// Full 512-bit product.
constexpr U512 MulWide(const U256& a, const U256& b) {
  U512 r;
  // Only the significant limbs of b take part (pool values are mostly
  // 2-3 limbs wide).
  int nb = 4;
  while (nb > 0 && b.w[nb - 1] == 0) --nb;
  for (int i = 0; i < 4; ++i) {
    if (a.w[i] == 0) continue;
    u128 carry = 0;
    for (int j = 0; j < nb; ++j) {
      carry += static_cast<u128>(a.w[i]) * b.w[j] + r.w[i + j];
      r.w[i + j] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
    r.w[i + nb] = static_cast<uint64_t>(carry);
  }
  return r;
}

// Quotient and remainder of a 512-bit numerator by a 256-bit divisor.
// *quotient receives the low 256 bits of the quotient; returns false when
// the quotient does not fit 256 bits. REQUIRES: !d.IsZero().
bool DivMod512(const U512& n, const U256& d, U256* quotient, U256* remainder);
// 256-bit quotient and remainder. REQUIRES: !d.IsZero(). Either output may
// be null.
void DivMod(const U256& n, const U256& d, U256* quotient, U256* remainder);
inline U256 operator/(const U256& n, const U256& d) {
  U256 q;
  DivMod(n, d, &q, nullptr);
  return q;
}
inline U256 operator%(const U256& n, const U256& d) {
  U256 r;
  DivMod(n, d, nullptr, &r);
  return r;
}

// ---- Decimal conversion ----

std::string ToDecimal(const U256& v);
// Parses an unsigned decimal string of at most 78 digits; nullopt if empty,
// not all digits, or >= 2^256.
std::optional<U256> ParseU256(std::string_view s);

// ---- int256 as two's complement in a U256 ----

using I256 = U256;

inline constexpr bool IsNegative(const I256& v) { return (v.w[3] >> 63) != 0; }
inline constexpr I256 Negate(const I256& v) { return ~v + U256(1); }
inline constexpr I256 I256FromInt64(int64_t v) {
  uint64_t fill = v < 0 ? ~0ULL : 0;
  return U256::FromLimbs(fill, fill, fill, static_cast<uint64_t>(v));
}
inline constexpr I256 I256FromI128(i128 v) {
  uint64_t fill = v < 0 ? ~0ULL : 0;
  u128 u = static_cast<u128>(v);
  return U256::FromLimbs(fill, fill, static_cast<uint64_t>(u >> 64),
                         static_cast<uint64_t>(u));
}
// Signed comparison.
inline constexpr bool SignedLess(const I256& a, const I256& b) {
  bool na = IsNegative(a), nb = IsNegative(b);
  if (na != nb) return na;
  return a < b;
}
// |v| as unsigned; |int256.min| = 2^255 is representable.
inline constexpr U256 Abs(const I256& v) {
  return IsNegative(v) ? Negate(v) : v;
}
// Arithmetic shift right by 0..255.
inline constexpr I256 Sar(const I256& v, int s) {
  if (!IsNegative(v)) return v >> s;
  return ~((~v) >> s);
}
// Signed add/sub with the checks of LowGasSafeMath (false on overflow).
inline constexpr bool CheckedSignedAdd(const I256& a, const I256& b,
                                       I256* out) {
  *out = a + b;
  // Overflow iff operands share a sign and the result's sign differs.
  return !(IsNegative(a) == IsNegative(b) && IsNegative(*out) != IsNegative(a));
}
inline constexpr bool CheckedSignedSub(const I256& a, const I256& b,
                                       I256* out) {
  *out = a - b;
  return !(IsNegative(a) != IsNegative(b) && IsNegative(*out) != IsNegative(a));
}
// SafeCast.toInt256: false if v >= 2^255.
inline constexpr bool ToInt256(const U256& v, I256* out) {
  *out = v;
  return !IsNegative(v);
}
// int256 -> int128 (SafeCast.toInt128): false if out of range.
inline constexpr bool ToInt128(const I256& v, i128* out) {
  uint64_t fill = IsNegative(v) ? ~0ULL : 0;
  if (v.w[3] != fill || v.w[2] != fill) return false;
  i128 r = static_cast<i128>(v.Low128());
  if ((r < 0) != IsNegative(v)) return false;
  *out = r;
  return true;
}

std::string ToSignedDecimal(const I256& v);
// Parses an optionally '-'-prefixed decimal int256; nullopt if invalid or out
// of range.
std::optional<I256> ParseI256(std::string_view s);

}  // namespace trainyard::univ3
