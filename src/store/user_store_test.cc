#include <gtest/gtest.h>

#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::store {
namespace {

class UserStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto s = db_.OpenStore();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    users_ = store_->users();
    ASSERT_TRUE(
        users_->CreateUser({"u1", "alice", Tier::kPro, Role::kUser, 10.0, 1})
            .ok());
  }
  testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<MetadataStore> store_;
  UserStore* users_ = nullptr;
};

TEST_P(UserStoreTest, DuplicateUserNameIsAConflict) {
  EXPECT_EQ(users_->CreateUser({"u2", "alice", Tier::kFree, Role::kUser, 0, 2})
                .code(),
            ErrorCode::kConflict);
}

TEST_P(UserStoreTest, ActiveTokenIsFoundByHashWithItsUser) {
  ASSERT_TRUE(
      users_->CreateToken({"t1", "u1", "ty_abcd", "laptop", 5, {}, {}}, "hash1")
          .ok());
  auto found = users_->FindActiveToken("hash1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->first.id, "t1");
  EXPECT_EQ(found->second.name, "alice");
  EXPECT_EQ(found->second.tier, Tier::kPro);
}

TEST_P(UserStoreTest, RevokedTokenIsNotFound) {
  ASSERT_TRUE(
      users_->CreateToken({"t1", "u1", "ty_abcd", "", 5, {}, {}}, "hash1")
          .ok());
  auto revoked = users_->RevokeToken("ty_abcd", 9);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_at, 9);
  EXPECT_EQ(users_->FindActiveToken("hash1").status().code(),
            ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, AmbiguousPrefixIsRefused) {
  ASSERT_TRUE(
      users_->CreateToken({"t1", "u1", "ty_same", "", 5, {}, {}}, "h1").ok());
  ASSERT_TRUE(
      users_->CreateToken({"t2", "u1", "ty_same", "", 6, {}, {}}, "h2").ok());
  EXPECT_EQ(users_->RevokeToken("ty_same", 9).status().code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(users_->RevokeToken("t2", 9).ok());
}

TEST_P(UserStoreTest, CreditsNeverGoNegative) {
  EXPECT_DOUBLE_EQ(*users_->AdjustCredits("u1", -4.0), 6.0);
  auto r = users_->AdjustCredits("u1", -7.0);
  EXPECT_EQ(r.status().code(), ErrorCode::kPaymentRequired);
  EXPECT_DOUBLE_EQ(users_->GetUser("u1")->credits, 6.0);
}

TEST_P(UserStoreTest, FailingCreditJournalRollsTheBalanceBack) {
  double journalled = 0;
  auto r = users_->AdjustCredits("u1", -4.0, [&](double balance) {
    journalled = balance;
    return IoError("disk full");
  });
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_DOUBLE_EQ(journalled, 6.0);
  EXPECT_DOUBLE_EQ(users_->GetUser("u1")->credits, 10.0);
}

INSTANTIATE_TEST_SUITE_P(Backends, UserStoreTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store
