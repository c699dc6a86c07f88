#include "api/content_coding.h"

#include <gtest/gtest.h>

#include <string>

namespace trainyard::api {
namespace {

// gzip.compress(b"Trainyard\n", mtime=0) of Python's gzip module.
constexpr char kPythonGzip[] =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x0b\x29\x4a\xcc\xcc\xab\x4c"
    "\x2c\x4a\xe1\x02\x00\x75\x8b\xd8\x7c\x0a\x00\x00\x00";

std::string Unzipped(const std::string& gz) {
  Result<std::string> plain = Gunzip(gz);
  EXPECT_TRUE(plain.ok()) << plain.status().ToString();
  return plain.ok() ? *plain : "";
}

TEST(ContentCodingTest, BrowsersAndCurlCompressedAcceptGzip) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br, zstd"));  // Chromium
  EXPECT_TRUE(AcceptsGzip("deflate, gzip"));            // curl --compressed
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8"));
}

TEST(ContentCodingTest, NoHeaderOrOtherCodingsMeanIdentity) {
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzipx, deflate"));
}

TEST(ContentCodingTest, AZeroOrUnreadableQualityRefusesGzip) {
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));
  EXPECT_TRUE(AcceptsGzip("gzip;level=1"));  // no q: 1
}

TEST(ContentCodingTest, TextualTypesAreCompressible) {
  EXPECT_TRUE(IsCompressible("application/json"));
  EXPECT_TRUE(IsCompressible("application/json; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/javascript; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/csv"));
  EXPECT_TRUE(IsCompressible("Text/HTML"));
  EXPECT_TRUE(IsCompressible("image/svg+xml"));
}

TEST(ContentCodingTest, BinaryTypesAndEventStreamsAreNot) {
  EXPECT_FALSE(IsCompressible("image/png"));
  EXPECT_FALSE(IsCompressible("application/octet-stream"));
  EXPECT_FALSE(IsCompressible("text/event-stream"));
  EXPECT_FALSE(IsCompressible(""));
}

TEST(ContentCodingTest, GzipRoundTripsThroughZlibsInflate) {
  std::string json = "[";
  for (int i = 0; i < 5000; ++i) json += "{\"step\":" + std::to_string(i) + "},";
  json += "0]";
  auto gz = Gzip(json, kAnswerGzipLevel);
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(static_cast<unsigned char>((*gz)[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>((*gz)[1]), 0x8b);
  EXPECT_LT(gz->size(), json.size() / 4);
  EXPECT_EQ(Unzipped(*gz), json);
}

TEST(ContentCodingTest, GzipOfNothingIsAValidEmptyMember) {
  auto gz = Gzip("", 1);
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(Unzipped(*gz), "");
}

TEST(ContentCodingTest, GunzipReadsAnotherImplementationsMember) {
  EXPECT_EQ(Unzipped(std::string(kPythonGzip, sizeof kPythonGzip - 1)),
            "Trainyard\n");
}

TEST(ContentCodingTest, GunzipRefusesTruncatedOrTrailingBytes) {
  const std::string member(kPythonGzip, sizeof kPythonGzip - 1);
  EXPECT_EQ(Gunzip(member.substr(0, 20)).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(Gunzip(member + "x").status().code(), ErrorCode::kValidation);
  EXPECT_EQ(Gunzip("plain text").status().code(), ErrorCode::kValidation);
}

TEST(ContentCodingTest, GunzipStopsAtItsLimit) {
  auto gz = Gzip(std::string(100000, 'a'), 9);
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(Gunzip(*gz, 1000).status().code(), ErrorCode::kValidation);
  EXPECT_EQ(Gunzip(*gz)->size(), 100000u);
}

}  // namespace
}  // namespace trainyard::api
