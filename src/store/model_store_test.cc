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

TEST_P(ModelStoreTest, DisplayNameIsTheNameUnlessGiven) {
  EXPECT_EQ(models_->Get("m1")->display_name, "agent");
  ModelRecord named{"m2", "u1", "studio", "m2", "DRAFT", "{}", 2, 2};
  named.display_name = "My momentum model";
  ASSERT_TRUE(models_->Create(named).ok());
  EXPECT_EQ(models_->Get("m2")->display_name, "My momentum model");
}

TEST_P(ModelStoreTest, ProductFilterTakesEveryKindOfOneProduct) {
  ASSERT_TRUE(
      models_->Create({"m2", "u1", "ilp.ddpg", "b", "DRAFT", "{}", 2, 2}).ok());
  ASSERT_TRUE(
      models_->Create({"m3", "u1", "studio", "m3", "DRAFT", "{}", 3, 3}).ok());
  ASSERT_TRUE(
      models_->Create({"m4", "u1", "gym.dqn", "m4", "trained", "{}", 4, 4})
          .ok());
  // A kind that only starts like a product's name is not that product's.
  ASSERT_TRUE(
      models_->Create({"m5", "u1", "ilpx.ppo", "c", "DRAFT", "{}", 5, 5}).ok());
  ModelFilter ilp;
  ilp.product = "ilp";
  auto rows = models_->List(ilp);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, "m2");  // newest first
  EXPECT_EQ((*rows)[1].id, "m1");
  EXPECT_EQ(*models_->Count(ilp), 2);
  ModelFilter studio;
  studio.product = "studio";
  EXPECT_EQ(*models_->Count(studio), 1);
  EXPECT_EQ(ProductOfKind("gym.dqn"), "gym");
  EXPECT_EQ(ProductOfKind("studio"), "studio");
}

TEST_P(ModelStoreTest, RateCountsAddUpInAnOpenWindow) {
  auto* rc = store_->rate_counters();
  ASSERT_TRUE(rc->Merge({{"t1", 100, 5}, {"t2", 100, 7}}, 150, 1000).ok());
  auto totals = rc->Merge({{"t1", 120, 1}}, 160, 1000);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ((*totals)[0].window_start, 100);
  EXPECT_EQ((*totals)[0].count, 6);
  EXPECT_EQ(rc->LoadAll()->size(), 2u);
}

TEST_P(ModelStoreTest, RateCountsStartAgainAfterTheWindowCloses) {
  auto* rc = store_->rate_counters();
  ASSERT_TRUE(rc->Merge({{"t1", 100, 5}}, 150, 1000).ok());
  auto totals = rc->Merge({{"t1", 1200, 2}}, 1200, 1000);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ((*totals)[0].window_start, 1200);
  EXPECT_EQ((*totals)[0].count, 2);
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
