#include "chain/abi.h"

#include <gtest/gtest.h>

namespace trainyard::chain {
namespace {

// The Solidity documentation's example: baz(uint32,bool) with (69, true).
TEST(AbiEncoderTest, SolidityDocsExample) {
  Bytes data = AbiEncoder("baz(uint32,bool)").Uint(69).Bool(true).Finish();
  EXPECT_EQ(HexEncode(data),
            "0xcdcd77c0"
            "0000000000000000000000000000000000000000000000000000000000000045"
            "0000000000000000000000000000000000000000000000000000000000000001");
}

const char kMixed[] =
    "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27618"
    "0000000000000000000000008000000000000000000000000000000000000005"
    "00000000000000000000000000000000000000000000000000000000000000aa"
    "0000000000000000000000000000000000000000000000000000000000000001"
    "00000000000000000000000000000000000000000000000000000000000000c0"
    "0000000000000000000000000000000000000000000000000000000000000100"
    "000000000000000000000000000000000000000000000000000000000000001b"
    "556e697377617020563320506f736974696f6e73204e46542d56310000000000"
    "0000000000000000000000000000000000000000000000000000000000000002"
    "0102000000000000000000000000000000000000000000000000000000000000";

// (int24 -887272, uint160 2^159+5, address 0x..aa, true, string, bytes 0x0102)
// as ethers.js AbiCoder encodes it.
TEST(AbiEncoderTest, StaticAndDynamicArgumentsMatchEthers) {
  Bytes data =
      AbiEncoder()
          .Int(-887272)
          .Uint((U256(1) << 159) + U256(5))
          .Addr(*Address::Parse("0x00000000000000000000000000000000000000aa"))
          .Bool(true)
          .String("Uniswap V3 Positions NFT-V1")
          .DynamicBytes({1, 2})
          .Finish();
  EXPECT_EQ(HexEncode(data), kMixed);
}

TEST(AbiDecoderTest, DecodesWhatEthersEncoded) {
  Bytes data = *HexDecode(kMixed);
  AbiDecoder d(data);
  EXPECT_EQ(*d.Int32(0, 24), -887272);
  EXPECT_EQ(*d.Uint(1, 160), (U256(1) << 159) + U256(5));
  EXPECT_EQ(d.Addr(2)->Hex(), "0x00000000000000000000000000000000000000aa");
  EXPECT_TRUE(*d.Bool(3));
  EXPECT_EQ(*d.String(4), "Uniswap V3 Positions NFT-V1");
  EXPECT_EQ(*d.DynamicBytes(5), (Bytes{1, 2}));
}

TEST(AbiDecoderTest, RejectsValuesOutsideTheirType) {
  Bytes data = *HexDecode(kMixed);
  AbiDecoder d(data);
  EXPECT_FALSE(d.Uint(1, 128).ok());  // 2^159 is not a uint128
  EXPECT_FALSE(d.Int32(1, 24).ok());  // nor an int24
  EXPECT_FALSE(d.Bool(1).ok());
  EXPECT_FALSE(d.Addr(0).ok());  // high bytes set
  EXPECT_EQ(d.Uint(10).status().code(), ErrorCode::kValidation);  // past end
}

TEST(AbiDecoderTest, RejectsADynamicValueRunningPastTheEnd) {
  Bytes data = *HexDecode(kMixed);
  data.resize(data.size() - 64);  // cut the bytes' length word and body
  EXPECT_FALSE(AbiDecoder(data).DynamicBytes(5).ok());
  EXPECT_TRUE(AbiDecoder(data).String(4).ok());
}

TEST(AbiDecoderTest, Int256MinusOneAndInt128) {
  Bytes data(32, 0xff);
  AbiDecoder d(data);
  EXPECT_EQ(univ3::ToSignedDecimal(*d.Int(0)), "-1");
  EXPECT_EQ(*d.Int128(0), -1);
}

// bytes[] ["0x0102", "0x", 33 x 0xab] as ethers.js encodes it.
TEST(AbiEncoderTest, BytesArrayMatchesEthersAndDecodesBack) {
  const std::string expected =
      "0x0000000000000000000000000000000000000000000000000000000000000020"
      "0000000000000000000000000000000000000000000000000000000000000003"
      "0000000000000000000000000000000000000000000000000000000000000060"
      "00000000000000000000000000000000000000000000000000000000000000a0"
      "00000000000000000000000000000000000000000000000000000000000000c0"
      "0000000000000000000000000000000000000000000000000000000000000002"
      "0102000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000021"
      "abababababababababababababababababababababababababababababababab"
      "ab00000000000000000000000000000000000000000000000000000000000000";
  const std::vector<Bytes> items = {{1, 2}, {}, Bytes(33, 0xab)};
  Bytes data = AbiEncoder().BytesArray(items).Finish();
  EXPECT_EQ(HexEncode(data), expected);
  EXPECT_EQ(*AbiDecoder(data).BytesArray(0), items);
}

TEST(AbiTest, TokenTextAcceptsStringsAndBytes32) {
  Bytes str = AbiEncoder().String("USDC").Finish();
  EXPECT_EQ(*DecodeTokenText(str), "USDC");
  Bytes b32(32, 0);
  b32[0] = 'M';
  b32[1] = 'K';
  b32[2] = 'R';
  EXPECT_EQ(*DecodeTokenText(b32), "MKR");
  EXPECT_FALSE(DecodeTokenText(Bytes(5, 1)).ok());
}

TEST(AbiTest, QuantitiesRoundTrip) {
  EXPECT_EQ(Quantity(0), "0x0");
  EXPECT_EQ(Quantity(255), "0xff");
  EXPECT_EQ(Quantity(U256::Max()), "0x" + std::string(64, 'f'));
  EXPECT_EQ(*ParseQuantity64("0x1a"), 26u);
  EXPECT_EQ(*ParseQuantity("0x" + std::string(64, 'f')), U256::Max());
  EXPECT_FALSE(ParseQuantity("12").ok());
  EXPECT_FALSE(ParseQuantity("0x").ok());
  EXPECT_FALSE(ParseQuantity("0x1g").ok());
  EXPECT_FALSE(ParseQuantity("0x1" + std::string(64, '0')).ok());
  EXPECT_FALSE(ParseQuantity64("0x10000000000000000").ok());
}

TEST(AbiTest, AddressesParseStrictly) {
  EXPECT_TRUE(
      Address::Parse("0x1F98431c8aD98523631AE4a59f267346ea31F984").ok());
  EXPECT_FALSE(Address::Parse("1F98431c8aD98523631AE4a59f267346ea31F984").ok());
  EXPECT_FALSE(
      Address::Parse("0x1F98431c8aD98523631AE4a59f267346ea31F98").ok());
  EXPECT_FALSE(
      Address::Parse("0x1F98431c8aD98523631AE4a59f267346ea31F98z").ok());
}

}  // namespace
}  // namespace trainyard::chain
