#include "products/studio/studio_errors.h"

#include <gtest/gtest.h>

#include "api/error_response.h"

namespace trainyard::studio {
namespace {

// The wire codes and HTTP statuses spec/studio-api.md gives them.
TEST(StudioErrorsTest, EachAnswersItsDocumentedCodeAndStatus) {
  const struct {
    Status status;
    const char* code;
    int http;
  } cases[] = {
      {InsufficientCreditsError("m"), "INSUFFICIENT_CREDITS", 402},
      {SubscriptionRequiredError("m"), "SUBSCRIPTION_REQUIRED", 402},
      {ModelTrainingError("m", {{"f", "x"}}), "MODEL_TRAINING_ERROR", 422},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.WireCode(), c.code);
    EXPECT_EQ(api::HttpStatusFor(c.status.code()), c.http) << c.code;
  }
}

TEST(StudioErrorsTest, OnlyInsufficientCreditsIsInsufficientCredits) {
  EXPECT_TRUE(IsInsufficientCredits(InsufficientCreditsError("m")));
  EXPECT_FALSE(IsInsufficientCredits(SubscriptionRequiredError("m")));
  EXPECT_FALSE(IsInsufficientCredits(Status(ErrorCode::kPaymentRequired, "m")));
}

}  // namespace
}  // namespace trainyard::studio
