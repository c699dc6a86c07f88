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
