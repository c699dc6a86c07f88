#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace trainyard {
namespace {

TEST(IdsTest, UuidV4HasVersionAndVariantBits) {
  std::string id = NewUuidV4();
  ASSERT_TRUE(IsUuid(id)) << id;
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
}

TEST(IdsTest, HexId24IsTwentyFourHexCharacters) {
  std::string id = NewHexId24();
  EXPECT_TRUE(IsHexId24(id)) << id;
  EXPECT_FALSE(IsHexId24("xyz"));
  EXPECT_FALSE(IsHexId24("65f2a1b3c4d5e6f7a8b9c0dZ"));
}

TEST(IdsTest, IdsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(NewUuidV4()).second);
}

}  // namespace
}  // namespace trainyard
