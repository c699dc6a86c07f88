#include "univ3/uint256.h"

#include <algorithm>

namespace trainyard::univ3 {
namespace {

// (hi:lo) / d and the remainder. REQUIRES: hi < d, so the quotient fits 64
// bits; then one hardware divide does it (the generic u128 / u64 path calls
// a slow library routine).
inline uint64_t Div128By64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t* rem) {
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

// Knuth's algorithm D (after Hacker's Delight divmnu64) on 64-bit digits.
// u has m limbs, v has n limbs with v[n-1] != 0 and m >= n >= 1. Writes
// m-n+1 quotient limbs to q and n remainder limbs to r.
// Knuth D for a divisor of exactly N >= 2 limbs; a template so the
// per-digit loops over the divisor unroll.
template <int n>
void DivModLimbsN(const uint64_t* u, int m, const uint64_t* v, uint64_t* q,
                  uint64_t* r) {
  const int s = __builtin_clzll(v[n - 1]);
  uint64_t vn[8];
  uint64_t un[9];
  for (int i = n - 1; i > 0; --i) {
    vn[i] = (v[i] << s) | (s == 0 ? 0 : v[i - 1] >> (64 - s));
  }
  vn[0] = v[0] << s;
  un[m] = s == 0 ? 0 : u[m - 1] >> (64 - s);
  for (int i = m - 1; i > 0; --i) {
    un[i] = (u[i] << s) | (s == 0 ? 0 : u[i - 1] >> (64 - s));
  }
  un[0] = u[0] << s;

  constexpr u128 kBase = static_cast<u128>(1) << 64;
  for (int j = m - n; j >= 0; --j) {
    // Estimate qhat from the top two digits. un[j+n] <= vn[n-1] always; when
    // equal the estimate is capped at 2^64 - 1 (Knuth step D3).
    u128 qhat, rhat;
    if (un[j + n] < vn[n - 1]) {
      uint64_t r64;
      qhat = Div128By64(un[j + n], un[j + n - 1], vn[n - 1], &r64);
      rhat = r64;
    } else {
      qhat = ~0ULL;
      rhat = static_cast<u128>(un[j + n - 1]) + vn[n - 1];  // num - qhat*v
    }
    while (qhat >= kBase ||
           (rhat < kBase && qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2]))) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= kBase) break;
    }
    // Multiply and subtract qhat * vn from un[j .. j+n].
    i128 k = 0;
    i128 t = 0;
    for (int i = 0; i < n; ++i) {
      u128 p = qhat * vn[i];
      t = static_cast<i128>(un[i + j]) - k -
          static_cast<i128>(static_cast<uint64_t>(p));
      un[i + j] = static_cast<uint64_t>(t);
      k = static_cast<i128>(p >> 64) - (t >> 64);
    }
    t = static_cast<i128>(un[j + n]) - k;
    un[j + n] = static_cast<uint64_t>(t);
    q[j] = static_cast<uint64_t>(qhat);
    if (t < 0) {  // Subtracted too much: add one divisor back.
      q[j] -= 1;
      u128 c = 0;
      for (int i = 0; i < n; ++i) {
        c += static_cast<u128>(un[i + j]) + vn[i];
        un[i + j] = static_cast<uint64_t>(c);
        c >>= 64;
      }
      un[j + n] += static_cast<uint64_t>(c);
    }
  }
  for (int i = 0; i < n - 1; ++i) {
    r[i] = (un[i] >> s) | (s == 0 ? 0 : un[i + 1] << (64 - s));
  }
  r[n - 1] = un[n - 1] >> s;
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
    case 2: return DivModLimbsN<2>(u, m, v, q, r);
    case 3: return DivModLimbsN<3>(u, m, v, q, r);
    default: return DivModLimbsN<4>(u, m, v, q, r);
  }
}

}  // namespace

bool DivMod512(const U512& n, const U256& d, U256* quotient,
               U256* remainder) {
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
    u128 a = n.Low128(), b = d.Low128();
    if (quotient != nullptr) *quotient = U256::FromU128(a / b);
    if (remainder != nullptr) *remainder = U256::FromU128(a % b);
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
