#include "univ3/uint256.h"

#include <algorithm>

namespace trainyard::univ3 {
namespace {

// (hi:lo) / d and the remainder. REQUIRES: hi < d, so the quotient fits 64
// bits; then one hardware divide does it (the generic u128 / u64 path calls
// a slow library routine).
inline uint64_t Div128By64(uint64_t hi, uint64_t lo, uint64_t d,
                           uint64_t* rem) {
#if defined(__x86_64__)
  uint64_t q, r;
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
  *rem = r;
  return q;
#else
  const u128 n = (static_cast<u128>(hi) << 64) | lo;
  *rem = static_cast<uint64_t>(n % d);
  return static_cast<uint64_t>(n / d);
#endif
}

int SignificantLimbs(const uint64_t* v, int size) {
  while (size > 0 && v[size - 1] == 0) --size;
  return size;
}

// ---- Schoolbook division with a precomputed reciprocal ----
// Möller and Granlund, "Improved division by invariant integers" (IEEE TC
// 2011), the algorithm of GMP's mpn_sbpi1_div_qr: one hardware divide per
// division computes a reciprocal of the divisor's top two limbs; every
// quotient limb then costs two multiplications instead of a divide, and is
// exact for a two-limb divisor (at most one add-back for wider ones).

// floor((2^192 - 1) / (d1:d0)) - 2^64. REQUIRES: d1 >= 2^63 (normalized).
inline uint64_t Reciprocal3By2(uint64_t d1, uint64_t d0) {
  uint64_t unused;
  uint64_t v = Div128By64(~d1, ~0ULL, d1, &unused);  // floor((2^128-1)/d1)-2^64
  uint64_t p = d1 * v + d0;
  if (p < d0) {
    --v;
    const uint64_t mask = p >= d1 ? ~0ULL : 0;
    p -= d1;
    v += mask;
    p -= mask & d1;
  }
  const u128 t = static_cast<u128>(d0) * v;
  const uint64_t t1 = static_cast<uint64_t>(t >> 64);
  const uint64_t t0 = static_cast<uint64_t>(t);
  p += t1;
  if (p < t1) {
    --v;
    if (p >= d1 && (p > d1 || t0 >= d0)) --v;
  }
  return v;
}

// Quotient of (n2:n1:n0) by d = (d1:d0); *r receives the remainder.
// REQUIRES: d1 >= 2^63, (n2:n1) < d, dinv = Reciprocal3By2(d1, d0).
inline uint64_t Div3By2(uint64_t n2, uint64_t n1, uint64_t n0, uint64_t d1,
                        uint64_t d0, uint64_t dinv, u128* r) {
  const u128 d = (static_cast<u128>(d1) << 64) | d0;
  const u128 qq = static_cast<u128>(n2) * dinv +
                  ((static_cast<u128>(n2) << 64) | n1);  // wraps mod 2^128
  uint64_t q = static_cast<uint64_t>(qq >> 64);
  const uint64_t q0 = static_cast<uint64_t>(qq);
  const uint64_t r1 = n1 - d1 * q;
  u128 rem = ((static_cast<u128>(r1) << 64) | n0) - d;
  rem -= static_cast<u128>(d0) * q;
  ++q;
  if (static_cast<uint64_t>(rem >> 64) >= q0) {
    --q;
    rem += d;
  }
  if (rem >= d) [[unlikely]] {
    ++q;
    rem -= d;
  }
  *r = rem;
  return q;
}

// un[0..len) -= q * v[0..len); returns the borrow limb (the high part of
// the product plus the subtraction borrow).
inline uint64_t SubMul(uint64_t* un, const uint64_t* v, int len, uint64_t q) {
  uint64_t carry = 0;
  for (int i = 0; i < len; ++i) {
    const u128 p = static_cast<u128>(q) * v[i] + carry;
    const uint64_t lo = static_cast<uint64_t>(p);
    carry = static_cast<uint64_t>(p >> 64) + (un[i] < lo);
    un[i] -= lo;
  }
  return carry;
}

// u has m limbs, v has n limbs with v[n-1] != 0 and m >= n >= 2: writes
// m-n+1 quotient limbs to q and n remainder limbs to r. Specialized per
// divisor width so that the partial remainder stays in registers.
//
// Two-limb divisors, the most common width (sqrt prices
// below 2^128, liquidity): the partial remainder stays in registers and the
// numerator is normalized limb by limb as the division consumes it.
void DivModLimbs2(const uint64_t* u, int m, const uint64_t* v, uint64_t* q,
                  uint64_t* r) {
  const int s = __builtin_clzll(v[1]);
  // x >> (64 - s) that is 0 for s == 0 (a shift by 64 is undefined).
  auto spill = [s](uint64_t x) { return (x >> 1) >> (63 - s); };
  const uint64_t d1 = (v[1] << s) | spill(v[0]);
  const uint64_t d0 = v[0] << s;
  const uint64_t dinv = Reciprocal3By2(d1, d0);
  // Top two limbs of the normalized numerator (the first is the spill).
  u128 rem = (static_cast<u128>(spill(u[m - 1])) << 64) | (u[m - 1] << s) |
             spill(u[m - 2]);
  for (int j = m - 2; j > 0; --j) {
    q[j] = Div3By2(static_cast<uint64_t>(rem >> 64), static_cast<uint64_t>(rem),
                   (u[j] << s) | spill(u[j - 1]), d1, d0, dinv, &rem);
  }
  q[0] = Div3By2(static_cast<uint64_t>(rem >> 64), static_cast<uint64_t>(rem),
                 u[0] << s, d1, d0, dinv, &rem);
  rem >>= s;
  r[0] = static_cast<uint64_t>(rem);
  r[1] = static_cast<uint64_t>(rem >> 64);
}

// The same for three-limb divisors (sqrt prices of 2^128 and above, the
// 160-224-bit denominators of SqrtPriceMath): the three-limb partial
// remainder stays in registers.
void DivModLimbs3(const uint64_t* u, int m, const uint64_t* v, uint64_t* q,
                  uint64_t* r) {
  const int s = __builtin_clzll(v[2]);
  auto spill = [s](uint64_t x) { return (x >> 1) >> (63 - s); };
  const uint64_t vn[3] = {v[0] << s, (v[1] << s) | spill(v[0]),
                          (v[2] << s) | spill(v[1])};
  const uint64_t d2 = vn[2], d1 = vn[1], d0 = vn[0];
  const uint64_t dinv = Reciprocal3By2(d2, d1);
  const u128 d21 = (static_cast<u128>(d2) << 64) | d1;
  // Partial remainder (r2:r1:r0): the top three normalized numerator limbs.
  uint64_t r2 = spill(u[m - 1]);
  uint64_t r1 = (u[m - 1] << s) | spill(u[m - 2]);
  uint64_t r0 = (u[m - 2] << s) | spill(u[m - 3]);
  for (int j = m - 3; j >= 0; --j) {
    const uint64_t next = (u[j] << s) | (j > 0 ? spill(u[j - 1]) : 0);
    uint64_t qd;
    if (r2 == d2 && r1 == d1) [[unlikely]] {
      // Top limbs equal the divisor's: the quotient limb is exactly 2^64-1.
      uint64_t w[4] = {next, r0, r1, r2};
      qd = ~0ULL;
      w[3] -= SubMul(w, vn, 3, qd);
      r2 = w[2];
      r1 = w[1];
      r0 = w[0];
    } else {
      u128 rem;
      qd = Div3By2(r2, r1, r0, d2, d1, dinv, &rem);
      // Subtract qd * d0 from (rem : next).
      const u128 p = static_cast<u128>(qd) * d0;
      const uint64_t lo = static_cast<uint64_t>(p);
      const u128 hi = (p >> 64) + (next < lo);
      uint64_t low = next - lo;
      const bool negative = rem < hi;
      rem -= hi;
      if (negative) [[unlikely]] {  // One divisor too many: add it back.
        --qd;
        const uint64_t sum = low + d0;
        rem += d21 + (sum < low);
        low = sum;
      }
      r2 = static_cast<uint64_t>(rem >> 64);
      r1 = static_cast<uint64_t>(rem);
      r0 = low;
    }
    q[j] = qd;
  }
  r[0] = (r0 >> s) | (r1 << 1 << (63 - s));
  r[1] = (r1 >> s) | (r2 << 1 << (63 - s));
  r[2] = r2 >> s;
}

// The same for four-limb divisors (products of two sqrt prices, the single
// division of SqrtPriceMath's amount0 delta): the four-limb partial
// remainder stays in registers.
void DivModLimbs4(const uint64_t* u, int m, const uint64_t* v, uint64_t* q,
                  uint64_t* r) {
  const int s = __builtin_clzll(v[3]);
  auto spill = [s](uint64_t x) { return (x >> 1) >> (63 - s); };
  const uint64_t vn[4] = {v[0] << s, (v[1] << s) | spill(v[0]),
                          (v[2] << s) | spill(v[1]), (v[3] << s) | spill(v[2])};
  const uint64_t d3 = vn[3], d2 = vn[2];
  const u128 d10 = (static_cast<u128>(vn[1]) << 64) | vn[0];
  const u128 d32 = (static_cast<u128>(d3) << 64) | d2;
  const uint64_t dinv = Reciprocal3By2(d3, d2);
  // Partial remainder (r3:r2:r1:r0): the top four normalized numerator limbs.
  uint64_t r3 = spill(u[m - 1]);
  uint64_t r2 = (u[m - 1] << s) | spill(u[m - 2]);
  uint64_t r1 = (u[m - 2] << s) | spill(u[m - 3]);
  uint64_t r0 = (u[m - 3] << s) | spill(u[m - 4]);
  for (int j = m - 4; j >= 0; --j) {
    const uint64_t next = (u[j] << s) | (j > 0 ? spill(u[j - 1]) : 0);
    uint64_t qd;
    if (r3 == d3 && r2 == d2) [[unlikely]] {
      // Top limbs equal the divisor's: the quotient limb is exactly 2^64-1.
      uint64_t w[5] = {next, r0, r1, r2, r3};
      qd = ~0ULL;
      w[4] -= SubMul(w, vn, 4, qd);
      r3 = w[3];
      r2 = w[2];
      r1 = w[1];
      r0 = w[0];
    } else {
      u128 rem;  // (r3:r2:r1) - qd * (d3:d2)
      qd = Div3By2(r3, r2, r1, d3, d2, dinv, &rem);
      // Subtract qd * (d1:d0), three limbs, from (rem : r0 : next).
      const u128 p0 = static_cast<u128>(qd) * vn[0];
      const u128 p1 = static_cast<u128>(qd) * vn[1] + (p0 >> 64);
      const u128 low_product =
          (p1 << 64) | static_cast<uint64_t>(p0);  // low two limbs
      const u128 low = (static_cast<u128>(r0) << 64) | next;
      const u128 high_product = (p1 >> 64) + (low < low_product ? 1 : 0);
      u128 new_low = low - low_product;
      const bool negative = rem < high_product;
      rem -= high_product;
      if (negative) [[unlikely]] {  // One divisor too many: add it back.
        --qd;
        const u128 sum = new_low + d10;
        rem += d32 + (sum < new_low ? 1 : 0);
        new_low = sum;
      }
      r3 = static_cast<uint64_t>(rem >> 64);
      r2 = static_cast<uint64_t>(rem);
      r1 = static_cast<uint64_t>(new_low >> 64);
      r0 = static_cast<uint64_t>(new_low);
    }
    q[j] = qd;
  }
  r[0] = (r0 >> s) | (r1 << 1 << (63 - s));
  r[1] = (r1 >> s) | (r2 << 1 << (63 - s));
  r[2] = (r2 >> s) | (r3 << 1 << (63 - s));
  r[3] = r3 >> s;
}

void DivModLimbs(const uint64_t* u, int m, const uint64_t* v, int n,
                 uint64_t* q, uint64_t* r) {
  switch (n) {
    case 1: {
      uint64_t rem = 0;
      for (int j = m - 1; j >= 0; --j) q[j] = Div128By64(rem, u[j], v[0], &rem);
      r[0] = rem;
      return;
    }
    case 2:
      return DivModLimbs2(u, m, v, q, r);
    case 3:
      return DivModLimbs3(u, m, v, q, r);
    default:
      return DivModLimbs4(u, m, v, q, r);
  }
}

}  // namespace

bool DivMod512(const U512& n, const U256& d, U256* quotient, U256* remainder) {
  const int m = SignificantLimbs(n.w, 8);
  const int dn = SignificantLimbs(d.w, 4);
  uint64_t q[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint64_t r[4] = {0, 0, 0, 0};
  if (m < dn) {
    std::copy(n.w, n.w + 4, r);
  } else {
    DivModLimbs(n.w, m, d.w, dn, q, r);
  }
  if (quotient != nullptr) *quotient = U256::FromLimbs(q[3], q[2], q[1], q[0]);
  if (remainder != nullptr) {
    *remainder = U256::FromLimbs(r[3], r[2], r[1], r[0]);
  }
  return (q[4] | q[5] | q[6] | q[7]) == 0;
}

void DivMod(const U256& n, const U256& d, U256* quotient, U256* remainder) {
  if (n.FitsU128() && d.FitsU128()) {
    u128 q, r;
    if (d.FitsU64()) {
      // At most two hardware divides instead of libgcc's __udivmodti4.
      uint64_t rem = 0;
      const uint64_t q1 =
          n.w[1] < d.w[0] ? 0 : Div128By64(0, n.w[1], d.w[0], &rem);
      if (n.w[1] < d.w[0]) rem = n.w[1];
      const uint64_t q0 = Div128By64(rem, n.w[0], d.w[0], &rem);
      q = (static_cast<u128>(q1) << 64) | q0;
      r = rem;
    } else {
      const u128 a = n.Low128(), b = d.Low128();
      q = a / b;
      r = a - q * b;
    }
    if (quotient != nullptr) *quotient = U256::FromU128(q);
    if (remainder != nullptr) *remainder = U256::FromU128(r);
    return;
  }
  const int m = SignificantLimbs(n.w, 4);
  const int dn = SignificantLimbs(d.w, 4);
  uint64_t q[4] = {0, 0, 0, 0};
  uint64_t r[4] = {0, 0, 0, 0};
  if (m < dn) {
    std::copy(n.w, n.w + 4, r);
  } else {
    DivModLimbs(n.w, m, d.w, dn, q, r);
  }
  if (quotient != nullptr) *quotient = U256::FromLimbs(q[3], q[2], q[1], q[0]);
  if (remainder != nullptr) {
    *remainder = U256::FromLimbs(r[3], r[2], r[1], r[0]);
  }
}

std::string ToDecimal(const U256& v) {
  if (v.IsZero()) return "0";
  constexpr uint64_t kChunk = 10000000000000000000ULL;  // 10^19
  std::string out;
  U256 cur = v;
  while (!cur.IsZero()) {
    uint64_t q[4];
    uint64_t r;
    const int m = SignificantLimbs(cur.w, 4);
    DivModLimbs(cur.w, m, &kChunk, 1, q, &r);
    for (int i = m; i < 4; ++i) q[i] = 0;
    cur = U256::FromLimbs(q[3], q[2], q[1], q[0]);
    for (int i = 0; i < 19; ++i) {
      out.push_back(static_cast<char>('0' + r % 10));
      r /= 10;
      if (cur.IsZero() && r == 0) break;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<U256> ParseU256(std::string_view s) {
  if (s.empty() || s.size() > 78) return std::nullopt;
  U256 v;
  const U256 kTen(10);
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    U512 wide = MulWide(v, kTen);
    if ((wide.w[4] | wide.w[5] | wide.w[6] | wide.w[7]) != 0) {
      return std::nullopt;
    }
    U256 next = U256::FromLimbs(wide.w[3], wide.w[2], wide.w[1], wide.w[0]);
    if (!CheckedAdd(next, U256(static_cast<uint64_t>(c - '0')), &v)) {
      return std::nullopt;
    }
  }
  return v;
}

std::string ToSignedDecimal(const I256& v) {
  if (IsNegative(v)) return "-" + ToDecimal(Negate(v));
  return ToDecimal(v);
}

std::optional<I256> ParseI256(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  std::optional<U256> magnitude = ParseU256(s);
  if (!magnitude) return std::nullopt;
  const U256 kMinMagnitude = U256(1) << 255;
  if (negative) {
    if (*magnitude > kMinMagnitude) return std::nullopt;
    return Negate(*magnitude);
  }
  if (*magnitude >= kMinMagnitude) return std::nullopt;
  return *magnitude;
}

}  // namespace trainyard::univ3
