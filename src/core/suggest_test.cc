#include "core/suggest.h"

#include <gtest/gtest.h>

namespace trainyard {
namespace {

TEST(SuggestTest, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("fee", "fee"), 0u);
  EXPECT_EQ(EditDistance("fe", "fee"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(SuggestTest, AShortTypoGetsTheNearestName) {
  EXPECT_EQ(ClosestName("fe", {"fee", "tick_spacing", "actions"}), "fee");
}

TEST(SuggestTest, ALongerNameToleratesTwoEdits) {
  EXPECT_EQ(ClosestName("tick_spcing", {"fee", "tick_spacing"}),
            "tick_spacing");
  EXPECT_EQ(ClosestName("learning_rat", {"learning_rate"}), "learning_rate");
}

TEST(SuggestTest, NothingCloseSuggestsNothing) {
  EXPECT_FALSE(ClosestName("xyz", {"fee", "actions"}).has_value());
  EXPECT_FALSE(ClosestName("colour", {"fee", "tick_spacing"}).has_value());
}

}  // namespace
}  // namespace trainyard
