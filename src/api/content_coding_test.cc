#include "api/content_coding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace trainyard::api {
namespace {

// zlib's inflate, told to expect a gzip header: an independent reader.
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
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
  EXPECT_EQ(Gunzip(*gz), json);
}

TEST(ContentCodingTest, GzipOfNothingIsAValidEmptyMember) {
  auto gz = Gzip("", 1);
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(Gunzip(*gz), "");
}

}  // namespace
}  // namespace trainyard::api
