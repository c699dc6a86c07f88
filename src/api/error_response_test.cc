#include "api/error_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace trainyard::api {
namespace {

nlohmann::json BodyOf(const Response& r) {
  return nlohmann::json::parse(r.body);
}

// A product's reason is the answer's code; the HTTP status is its code's.
TEST(ErrorResponseTest, AReasonIsAnsweredAsTheCodeWithTheCodesStatus) {
  const Response r = ErrorResponse(
      Status(ErrorCode::kPaymentRequired, "top up").WithReason("NO_MONEY"),
      "rid", 0);
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(BodyOf(r)["error"]["code"], "NO_MONEY");
  EXPECT_EQ(BodyOf(r)["error"]["message"], "top up");
}

TEST(ErrorResponseTest, GenericCodesWithoutAReasonAnswerTheirOwnName) {
  const Response payment =
      ErrorResponse(Status(ErrorCode::kPaymentRequired, "pay"), "rid", 0);
  EXPECT_EQ(payment.status, 402);
  EXPECT_EQ(BodyOf(payment)["error"]["code"], "PAYMENT_REQUIRED");
  const Response unprocessable =
      ErrorResponse(Status(ErrorCode::kUnprocessable, "no fit"), "rid", 0);
  EXPECT_EQ(unprocessable.status, 422);
  EXPECT_EQ(BodyOf(unprocessable)["error"]["code"], "UNPROCESSABLE_ENTITY");
}

}  // namespace
}  // namespace trainyard::api
