#include "core/ascii.h"

#include <gtest/gtest.h>

namespace trainyard {
namespace {

TEST(AsciiTest, TrimRemovesSpacesTabsAndLineEndsAtBothEnds) {
  EXPECT_EQ(TrimAsciiSpace(" \t gzip;q=1 \r\n"), "gzip;q=1");
  EXPECT_EQ(TrimAsciiSpace("a b"), "a b");
  EXPECT_EQ(TrimAsciiSpace("   "), "");
  EXPECT_EQ(TrimAsciiSpace(""), "");
}

TEST(AsciiTest, EqualityIgnoresCaseButNotLengthOrLetters) {
  EXPECT_TRUE(EqualsIgnoringAsciiCase("Respond-Async", "respond-async"));
  EXPECT_TRUE(EqualsIgnoringAsciiCase("", ""));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("gzip", "gzipx"));
  EXPECT_FALSE(EqualsIgnoringAsciiCase("gzip", "gzap"));
}

}  // namespace
}  // namespace trainyard
