#include "tracking/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace trainyard::tracking {
namespace {

TEST(Crc32cTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
}

TEST(Crc32cTest, MatchesRfc3720TestVectors) {
  // RFC 3720 (iSCSI) appendix B.4.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, MaskRotatesRightBy15AndAddsTheConstant) {
  // 0xE3069283: low 15 bits 0x1283 << 17 = 0x25060000; >> 15 = 0x0001C60D;
  // rotated = 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5.
  EXPECT_EQ(MaskCrc32c(0xE3069283u), 0xC78AB0E5u);
  EXPECT_EQ(MaskCrc32c(0u), 0xA282EAD8u);
}

}  // namespace
}  // namespace trainyard::tracking
