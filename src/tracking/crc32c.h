// CRC-32C (Castagnoli), as used by TFRecord framing in TensorBoard event
// files, and TensorFlow's "masked" form of it.
#pragma once

#include <cstdint>
#include <string_view>

namespace trainyard::tracking {

// CRC-32C of `data` (reflected polynomial 0x82F63B78, init and final xor
// 0xFFFFFFFF). Crc32c("123456789") == 0xE3069283. Pure; thread-safe.
uint32_t Crc32c(std::string_view data);

// TensorFlow's masked CRC: ((crc >> 15) | (crc << 17)) + 0xA282EAD8, which
// keeps CRCs of data that itself contains CRCs well distributed.
uint32_t MaskCrc32c(uint32_t crc);

}  // namespace trainyard::tracking
