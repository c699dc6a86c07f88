#include "univ3/price.h"

#include <cmath>

#include "univ3/tick_math.h"

namespace trainyard::univ3 {

double ToDouble(const U256& v) {
  return std::ldexp(static_cast<double>(v.w[3]), 192) +
         std::ldexp(static_cast<double>(v.w[2]), 128) +
         std::ldexp(static_cast<double>(v.w[1]), 64) +
         static_cast<double>(v.w[0]);
}

U256 FromDouble(double v) {
  if (!(v >= 1.0)) return U256();
  int exponent;
  const double mantissa = std::frexp(v, &exponent);  // v = m * 2^e, m in [0.5,1)
  const uint64_t bits = static_cast<uint64_t>(std::ldexp(mantissa, 64));
  if (exponent >= 64) return U256(bits) << (exponent - 64);
  return U256(bits >> (64 - exponent));
}

double SqrtPriceX96ToRawPrice(const U256& sqrt_price_x96) {
  const double s = std::ldexp(ToDouble(sqrt_price_x96), -96);
  return s * s;
}

double SqrtPriceX96ToPrice(const U256& sqrt_price_x96, int decimals0,
                           int decimals1) {
  return SqrtPriceX96ToRawPrice(sqrt_price_x96) *
         std::pow(10.0, decimals0 - decimals1);
}

Result<U256> PriceToSqrtPriceX96(double price, int decimals0, int decimals1) {
  if (!(price > 0.0) || !std::isfinite(price)) {
    return ValidationError("price must be a positive number",
                           {{"price", "must be positive"}});
  }
  const double raw = price * std::pow(10.0, decimals1 - decimals0);
  const U256 sqrt = FromDouble(std::ldexp(std::sqrt(raw), 96));
  if (sqrt < kMinSqrtRatio || sqrt >= kMaxSqrtRatio) {
    return ValidationError("price is outside the range a pool can represent",
                           {{"price", "out of range"}});
  }
  return sqrt;
}

double TickToPrice(int32_t tick, int decimals0, int decimals1) {
  return std::pow(1.0001, tick) * std::pow(10.0, decimals0 - decimals1);
}

Result<int32_t> PriceToTick(double price, int decimals0, int decimals1) {
  TY_ASSIGN_OR_RETURN(U256 sqrt, PriceToSqrtPriceX96(price, decimals0, decimals1));
  int32_t tick;
  if (GetTickAtSqrtRatio(sqrt, &tick) != Revert::kOk) {
    return ValidationError("price out of range", {{"price", "out of range"}});
  }
  return tick;
}

int32_t NearestUsableTick(int32_t tick, int32_t tick_spacing) {
  const double q = static_cast<double>(tick) / tick_spacing;
  int32_t rounded = static_cast<int32_t>(std::lround(q)) * tick_spacing;
  if (rounded < kMinTick) rounded += tick_spacing;
  if (rounded > kMaxTick) rounded -= tick_spacing;
  return rounded;
}

}  // namespace trainyard::univ3
