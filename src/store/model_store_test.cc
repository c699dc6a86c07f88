#include <gtest/gtest.h>

#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::store {
namespace {

class ModelStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto s = db_.OpenStore();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    models_ = store_->models();
    ASSERT_TRUE(
        models_->Create({"m1", "u1", "ilp.ppo", "agent", "DRAFT", "{}", 1, 1})
            .ok());
  }
  testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<MetadataStore> store_;
  ModelStore* models_ = nullptr;
};

TEST_P(ModelStoreTest, NamesAreUniquePerOwnerAndKind) {
  EXPECT_EQ(
      models_->Create({"m2", "u1", "ilp.ppo", "agent", "DRAFT", "{}", 2, 2})
          .code(),
      ErrorCode::kConflict);
  EXPECT_TRUE(
      models_->Create({"m3", "u2", "ilp.ppo", "agent", "DRAFT", "{}", 2, 2})
          .ok());
}

TEST_P(ModelStoreTest, VersionsIncreaseFromOne) {
  EXPECT_EQ(models_->AddVersion({"m1", 0, "a/v1", "{}", 5})->version, 1);
  EXPECT_EQ(models_->AddVersion({"m1", 0, "a/v2", "{}", 6})->version, 2);
  EXPECT_EQ(models_->ListVersions("m1")->size(), 2u);
}

TEST_P(ModelStoreTest, VersionOfUnknownModelIsNotFound) {
  EXPECT_EQ(models_->AddVersion({"nope", 0, "a", "{}", 5}).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(ModelStoreTest, VersionKeepsJobAndLogsAndCanBeUpdated) {
  ModelVersion v =
      *models_->AddVersion({"m1", 0, "a/v1", "{}", 5, "job-1", "logs/v1"});
  EXPECT_EQ(models_->GetVersion("m1", 1)->job_id, "job-1");
  EXPECT_EQ(models_->GetVersion("m1", 1)->logs_path, "logs/v1");
  v.metrics = R"({"mean_reward_usd":1})";
  ASSERT_TRUE(models_->UpdateVersion(v).ok());
  EXPECT_EQ(models_->GetVersion("m1", 1)->metrics, v.metrics);
  EXPECT_EQ(models_->GetVersion("m1", 2).status().code(), ErrorCode::kNotFound);
  v.version = 7;
  EXPECT_EQ(models_->UpdateVersion(v).code(), ErrorCode::kNotFound);
}

TEST_P(ModelStoreTest, DeleteRemovesModelAndVersions) {
  ASSERT_TRUE(models_->AddVersion({"m1", 0, "a/v1", "{}", 5}).ok());
  ASSERT_TRUE(models_->Delete("m1").ok());
  EXPECT_EQ(models_->Get("m1").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(models_->ListVersions("m1")->empty());
  EXPECT_EQ(models_->Delete("m1").code(), ErrorCode::kNotFound);
}

TEST_P(ModelStoreTest, RateCountersRoundTrip) {
  auto* rc = store_->rate_counters();
  ASSERT_TRUE(rc->SaveAll({{"t1", 100, 5}, {"t2", 100, 7}}).ok());
  ASSERT_TRUE(rc->SaveAll({{"t1", 200, 1}}).ok());
  auto all = rc->LoadAll();
  ASSERT_EQ(all->size(), 2u);
  for (const auto& w : *all) {
    if (w.key == "t1") {
      EXPECT_EQ(w.window_start, 200);
      EXPECT_EQ(w.count, 1);
    }
  }
}

TEST_P(ModelStoreTest, AuditLogListsNewestFirst) {
  auto* audit = store_->audit();
  ASSERT_TRUE(audit->Append({0, "u1", "token.create", "t1", "{}", 1}).ok());
  ASSERT_TRUE(audit->Append({0, "u1", "token.revoke", "t1", "{}", 2}).ok());
  auto recent = audit->Recent(10);
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].action, "token.revoke");
}

INSTANTIATE_TEST_SUITE_P(Backends, ModelStoreTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store
