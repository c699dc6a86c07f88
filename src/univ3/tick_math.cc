#include "univ3/tick_math.h"

#include <cmath>

namespace trainyard::univ3 {
namespace {

// Q128.128 values of 1/sqrt(1.0001)^(2^i), from TickMath.sol.
constexpr u128 Hex128(const char* s) { return U256::FromHex(s).Low128(); }
constexpr u128 kRatioFactors[20] = {
    Hex128("fffcb933bd6fad37aa2d162d1a594001"),
    Hex128("fff97272373d413259a46990580e213a"),
    Hex128("fff2e50f5f656932ef12357cf3c7fdcc"),
    Hex128("ffe5caca7e10e4e61c3624eaa0941cd0"),
    Hex128("ffcb9843d60f6159c9db58835c926644"),
    Hex128("ff973b41fa98c081472e6896dfb254c0"),
    Hex128("ff2ea16466c96a3843ec78b326b52861"),
    Hex128("fe5dee046a99a2a811c461f1969c3053"),
    Hex128("fcbe86c7900a88aedcffc83b479aa3a4"),
    Hex128("f987a7253ac413176f2b074cf7815e54"),
    Hex128("f3392b0822b70005940c7a398e4b70f3"),
    Hex128("e7159475a2c29b7443b29c7fa6e889d9"),
    Hex128("d097f3bdfd2022b8845ad8f792aa5825"),
    Hex128("a9f746462d870fdf8a65dc1f90e061e5"),
    Hex128("70d869a156d2a1b890bb3df62baf32f7"),
    Hex128("31be135f97d08fd981231505542fcfa6"),
    Hex128("9aa508b5b7a84e1c677de54f3e99bc9"),
    Hex128("5d6af8dedb81196699c329225ee604"),
    Hex128("2216e584f5fa1ea926041bedfe98"),
    Hex128("48a170391f7dc42444e8fa2"),
};

// High 128 bits of the 256-bit product a*b.
u128 MulHigh128(u128 a, u128 b) {
  const uint64_t a0 = static_cast<uint64_t>(a),
                 a1 = static_cast<uint64_t>(a >> 64);
  const uint64_t b0 = static_cast<uint64_t>(b),
                 b1 = static_cast<uint64_t>(b >> 64);
  const u128 p00 = static_cast<u128>(a0) * b0;
  const u128 p01 = static_cast<u128>(a0) * b1;
  const u128 p10 = static_cast<u128>(a1) * b0;
  const u128 p11 = static_cast<u128>(a1) * b1;
  const u128 mid =
      (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
  return p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

// Full 256-bit product a*b as (high, low).
void Mul128(u128 a, u128 b, u128* hi, u128* lo) {
  *hi = MulHigh128(a, b);
  *lo = a * b;
}

}  // namespace

Revert GetSqrtRatioAtTick(int32_t tick, U256* sqrt_price_x96) {
  const uint32_t abs_tick =
      tick < 0 ? static_cast<uint32_t>(-static_cast<int64_t>(tick))
               : static_cast<uint32_t>(tick);
  if (abs_tick > static_cast<uint32_t>(kMaxTick)) return Revert::kT;

  // ratio starts at 2^128, which needs 129 bits; every product shifted right
  // by 128 then fits 128 bits, so only the "still 2^128" state is special.
  bool ratio_is_one = (abs_tick & 1) == 0;
  u128 ratio = ratio_is_one ? 0 : kRatioFactors[0];
  for (int i = 1; i < 20; ++i) {
    if ((abs_tick & (1u << i)) == 0) continue;
    if (ratio_is_one) {
      ratio = kRatioFactors[i];  // (2^128 * f) >> 128
      ratio_is_one = false;
    } else {
      ratio = MulHigh128(ratio, kRatioFactors[i]);
    }
  }
  U256 full = ratio_is_one ? (U256(1) << 128) : U256::FromU128(ratio);
  if (tick > 0) full = U256::Max() / full;
  // Q128.128 -> Q128.96, rounding up so GetTickAtSqrtRatio stays consistent.
  U256 shifted = full >> 32;
  if ((full.w[0] & 0xffffffffULL) != 0) shifted = shifted + U256(1);
  *sqrt_price_x96 = shifted;
  return Revert::kOk;
}

Revert GetTickAtSqrtRatio(const U256& sqrt_price_x96, int32_t* tick) {
  if (sqrt_price_x96 < kMinSqrtRatio || sqrt_price_x96 >= kMaxSqrtRatio) {
    return Revert::kR;
  }
  const U256 ratio = sqrt_price_x96 << 32;
  const int msb = ratio.BitLength() - 1;
  // Normalise to 128 bits: r in [2^127, 2^128).
  const U256 norm = msb >= 128 ? ratio >> (msb - 127) : ratio << (127 - msb);
  u128 r = norm.Low128();

  // log_2 as a signed Q64.64; |log_2| < 2^72 so it fits an i128.
  i128 log_2 = static_cast<i128>(msb - 128) * (static_cast<i128>(1) << 64);
  for (int bit = 63; bit >= 50; --bit) {
    u128 hi, lo;
    Mul128(r, r, &hi, &lo);
    // (r*r) >> 127 has 129 bits at most; f is its top bit.
    const u128 f = hi >> 127;
    log_2 |= static_cast<i128>(f) << bit;
    r = f != 0 ? hi : ((hi << 1) | (lo >> 127));
  }

  // log_sqrt10001 = log_2 * 255738958999603826347141 needs ~150 bits: do it
  // in two's-complement 256-bit arithmetic, as the EVM does.
  static constexpr U256 kLogSqrt10001Factor =
      U256::FromHex("3627a301d71055774c85");
  static constexpr I256 kLowOffset =
      U256::FromHex("28f6481ab7f045a5af012a19d003aaa");
  static constexpr I256 kHighOffset =
      U256::FromHex("db2df09e81959a81455e260799a0632f");
  const I256 log_sqrt10001 = I256FromI128(log_2) * kLogSqrt10001Factor;
  const int32_t tick_low = static_cast<int32_t>(
      static_cast<int64_t>(Sar(log_sqrt10001 - kLowOffset, 128).w[0]));
  const int32_t tick_high = static_cast<int32_t>(
      static_cast<int64_t>(Sar(log_sqrt10001 + kHighOffset, 128).w[0]));
  if (tick_low == tick_high) {
    *tick = tick_low;
    return Revert::kOk;
  }
  U256 at_high;
  const Revert err = GetSqrtRatioAtTick(tick_high, &at_high);
  if (err != Revert::kOk) return err;
  *tick = at_high <= sqrt_price_x96 ? tick_high : tick_low;
  return Revert::kOk;
}

Revert SqrtRatioCache::Fill(int32_t tick, Entry* e, U256* sqrt_price_x96) {
  TY_UNIV3_TRY(GetSqrtRatioAtTick(tick, sqrt_price_x96));
  e->tick = tick;
  e->sqrt_price_x96 = *sqrt_price_x96;
  return Revert::kOk;
}

Revert FastTickAtSqrtRatio(const U256& sqrt_price_x96, int32_t* tick) {
  if (sqrt_price_x96 < kMinSqrtRatio || sqrt_price_x96 >= kMaxSqrtRatio) {
    return Revert::kR;
  }
  // x = log_{sqrt(1.0001)}(price / 2^96); the tick is floor(x).
  static const double kInvLogSqrt10001 = 2.0 / std::log(1.0001);
  // Scaling by an exact power of two gives ldexp's value without the call.
  const double value = static_cast<double>(sqrt_price_x96.w[2]) * 0x1p128 +
                       static_cast<double>(sqrt_price_x96.w[1]) * 0x1p64 +
                       static_cast<double>(sqrt_price_x96.w[0]);
  const double x = (std::log(value) - 96.0 * std::log(2.0)) * kInvLogSqrt10001;
  const double floor_x = std::floor(x);
  const double frac = x - floor_x;
  if (frac > 1e-6 && frac < 1.0 - 1e-6) {
    *tick = static_cast<int32_t>(floor_x);
    return Revert::kOk;
  }
  return GetTickAtSqrtRatio(sqrt_price_x96, tick);
}

}  // namespace trainyard::univ3
