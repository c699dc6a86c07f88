#include "chain/keccak.h"

#include <gtest/gtest.h>

#include <string>

#include "chain/abi.h"

namespace trainyard::chain {
namespace {

std::string HexOf(std::string_view s) { return HexEncode(Keccak256(s)); }

TEST(KeccakTest, EmptyInputMatchesTheKnownDigest) {
  EXPECT_EQ(
      HexOf(""),
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(KeccakTest, ShortInputsMatchKnownDigests) {
  EXPECT_EQ(
      HexOf("abc"),
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(
      HexOf("The quick brown fox jumps over the lazy dog"),
      "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
}

// Digests from ethers.js: one byte short of the 136-byte rate, exactly one
// block (the padding then needs a block of its own), and several blocks.
TEST(KeccakTest, InputsAroundAndAboveTheRateMatchEthers) {
  EXPECT_EQ(
      HexOf(std::string(135, 'c')),
      "0xc05b1ba4c8f046ae743faa70cbe7d4f3f75081d584c7f1bf675dd6e7cc1fc7e8");
  EXPECT_EQ(
      HexOf(std::string(136, 'b')),
      "0x121b76d0b19f3c2c7632310b92c54cddd59d16a6b5aafe84696426f10e5733bf");
  EXPECT_EQ(
      HexOf(std::string(300, 'a')),
      "0x5b7e0e47a96f32a88b4f14ca177982790807c40e1a105742ba0fc1babe1ef826");
}

TEST(KeccakTest, SelectorsOfThePoolGetters) {
  auto hex = [](std::string_view sig) {
    auto s = Selector(sig);
    return HexEncode(s.data(), s.size());
  };
  EXPECT_EQ(hex("slot0()"), "0x3850c7bd");
  EXPECT_EQ(hex("ticks(int24)"), "0xf30dba93");
  EXPECT_EQ(hex("tickBitmap(int16)"), "0x5339c296");
  EXPECT_EQ(hex("positions(bytes32)"), "0x514ea4bf");
  EXPECT_EQ(hex("transfer(address,uint256)"), "0xa9059cbb");
}

TEST(KeccakTest, SwapEventTopic) {
  EXPECT_EQ(
      HexEncode(EventTopic(
          "Swap(address,address,int256,int256,uint160,uint128,int24)")),
      "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67");
}

}  // namespace
}  // namespace trainyard::chain
