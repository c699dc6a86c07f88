#include "core/utf8.h"

#include <gtest/gtest.h>

namespace trainyard {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Zürich €5 \xF0\x9F\x9A\x82"));  // 2, 3, 4 bytes
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
}

TEST(Utf8Test, RefusesIllFormedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xFF\xFE"));          // never valid
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xC3"));           // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

TEST(Utf8Test, ReplacesEachBadByteWithTheReplacementCharacter) {
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("Zürich"), "Zürich");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xC0\xAF\xF4\x90\x80\x80")));
}

TEST(Utf8Test, TruncatesAtACharacterBoundary) {
  EXPECT_EQ(TruncateUtf8("short", 10), "short");
  EXPECT_EQ(TruncateUtf8("abcdef", 3), "abc\xE2\x80\xA6");
  // "ü" is two bytes; cutting after its first byte drops the whole letter.
  EXPECT_EQ(TruncateUtf8("a\xC3\xBC"
                         "b",
                         2),
            "a\xE2\x80\xA6");
  EXPECT_TRUE(IsValidUtf8(TruncateUtf8("\xFF\xFF\xFF\xFF", 2)));
}

}  // namespace
}  // namespace trainyard
