#include "core/status.h"

#include <gtest/gtest.h>

namespace trainyard {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ToStringNamesCodeMessageAndFields) {
  Status s = ValidationError("bad model", {{"features", "required"}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "VALIDATION_ERROR: bad model [features: required]");
}

TEST(StatusTest, StorageErrorsAreInternalOnTheWire) {
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kIo), "INTERNAL_ERROR");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kNotFound), "RESOURCE_NOT_FOUND");
}

TEST(StatusTest, AReasonIsTheWireCodeAndKeepsTheRest) {
  const Status plain(ErrorCode::kPaymentRequired, "pay first", {{"f", "m"}});
  EXPECT_EQ(plain.WireCode(), "PAYMENT_REQUIRED");
  EXPECT_TRUE(plain.reason().empty());
  const Status s = plain.WithReason("INSUFFICIENT_CREDITS");
  EXPECT_EQ(s.code(), ErrorCode::kPaymentRequired);
  EXPECT_EQ(s.reason(), "INSUFFICIENT_CREDITS");
  EXPECT_EQ(s.WireCode(), "INSUFFICIENT_CREDITS");
  EXPECT_EQ(s.message(), "pay first");
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.ToString(), "INSUFFICIENT_CREDITS: pay first [f: m]");
  // Carried through a Result.
  Result<int> r = Status(ErrorCode::kUnprocessable, "no fit").WithReason("X");
  EXPECT_EQ(r.status().WireCode(), "X");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kUnprocessable),
               "UNPROCESSABLE_ENTITY");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return ValidationError("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TY_ASSIGN_OR_RETURN(int half, Half(x));
  TY_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(ResultTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
}

}  // namespace
}  // namespace trainyard
