#include "store/tables/gym_store.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/schema.h"
#include "store/sql_repositories.h"
#include "store/test_backends.h"

namespace trainyard::store::gym {
namespace {

class GymStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!test_db_.available()) GTEST_SKIP() << test_db_.skip_reason();
    // The core schema holds the registry the gym's models are listed in.
    auto db = test_db_.OpenDatabase(SchemaMigrations());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto s = GymStore::Open(db_.get());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  ModelRow Model(const std::string& id, const std::string& owner, int64_t t) {
    ModelRow m;
    m.model_id = id;
    m.owner_id = owner;
    m.name = "n-" + id;
    m.type = "ppo";
    m.created_at = m.updated_at = t;
    return m;
  }
  testdb::TestDatabase test_db_{GetParam()};
  std::unique_ptr<Database> db_;
  std::unique_ptr<GymStore> store_;
};

TEST_P(GymStoreTest, MigratingTwiceIsHarmless) {
  EXPECT_TRUE(GymStore::Open(db_.get()).ok());
}

TEST_P(GymStoreTest, GroupsArePerOwnerAndUnique) {
  ASSERT_TRUE(store_->CreateGroup({"u1", "g", "{\"users\":1}", 1}).ok());
  EXPECT_EQ(store_->CreateGroup({"u1", "g", "{}", 2}).code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(store_->CreateGroup({"u2", "g", "{}", 2}).ok());
  EXPECT_EQ(store_->GetGroup("u1", "g")->definition, "{\"users\":1}");
  EXPECT_EQ(store_->GetGroup("u3", "g").status().code(), ErrorCode::kNotFound);
}

TEST_P(GymStoreTest, ListGroupsReturnsOnlyTheOwnersGroupsById) {
  ASSERT_TRUE(store_->CreateGroup({"u1", "b", "{}", 1}).ok());
  ASSERT_TRUE(store_->CreateGroup({"u1", "a", "{\"users\":2}", 2}).ok());
  ASSERT_TRUE(store_->CreateGroup({"u2", "c", "{}", 3}).ok());
  Result<std::vector<GroupRow>> groups = store_->ListGroups("u1");
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].group_id, "a");
  EXPECT_EQ((*groups)[0].definition, "{\"users\":2}");
  EXPECT_EQ((*groups)[1].group_id, "b");
  EXPECT_TRUE(store_->ListGroups("u3")->empty());
}

TEST_P(GymStoreTest, ModelsListNewestFirstFilteredByOwnerAndStatus) {
  ASSERT_TRUE(store_->PutModel(Model("a", "u1", 1)).ok());
  ASSERT_TRUE(store_->PutModel(Model("b", "u1", 2)).ok());
  ASSERT_TRUE(store_->PutModel(Model("c", "u2", 3)).ok());
  ASSERT_TRUE(
      store_->UpdateDeployment("a", "deployed", "{\"replicas\":3}", 4).ok());
  ModelQuery q;
  q.owner_id = "u1";
  auto rows = store_->ListModels(q);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].model_id, "b");
  q.status = "deployed";
  EXPECT_EQ(*store_->CountModels(q), 1);
  EXPECT_EQ(store_->GetModel("a")->deployment, "{\"replicas\":3}");
  EXPECT_EQ(store_->UpdateDeployment("zz", "deployed", "{}", 5).code(),
            ErrorCode::kNotFound);
}

TEST_P(GymStoreTest, PutModelReplacesARetriedTasksRow) {
  ModelRow m = Model("a", "u1", 1);
  ASSERT_TRUE(store_->PutModel(m).ok());
  m.metrics = "{\"avg_reward\":-1}";
  ASSERT_TRUE(store_->PutModel(m).ok());
  EXPECT_EQ(*store_->CountModels({}), 1);
  EXPECT_EQ(store_->GetModel("a")->metrics, "{\"avg_reward\":-1}");
}

TEST_P(GymStoreTest, AStoredModelIsInTheRegistryWithItsWeightsAsVersionOne) {
  ModelRow m = Model("task1", "u1", 5);
  m.weights_path = "runs/gym/ppo/task1/policy.pt";
  m.metrics = R"({"avg_reward":1.5})";
  ASSERT_TRUE(store_->PutModel(m).ok());
  SqlModelStore registry(db_.get());
  auto row = registry.Get("task1");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->kind, "gym.ppo");
  EXPECT_EQ(row->owner_id, "u1");
  EXPECT_EQ(row->display_name, "n-task1");
  EXPECT_EQ(row->status, "trained");
  auto versions = registry.ListVersions("task1");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].artifact_path, "runs/gym/ppo/task1/policy.pt");
  EXPECT_EQ((*versions)[0].metrics, R"({"avg_reward":1.5})");
  EXPECT_EQ((*versions)[0].job_id, "task1");
}

TEST_P(GymStoreTest, ARetriedTaskKeepsOneRegistryRowAndVersion) {
  ASSERT_TRUE(store_->PutModel(Model("task1", "u1", 5)).ok());
  ModelRow again = Model("task1", "u1", 9);
  again.weights_path = "runs/gym/ppo/task1/policy.pt";
  ASSERT_TRUE(store_->PutModel(again).ok());
  SqlModelStore registry(db_.get());
  EXPECT_EQ(*registry.Count({}), 1);
  auto versions = registry.ListVersions("task1");
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].artifact_path, "runs/gym/ppo/task1/policy.pt");
}

TEST_P(GymStoreTest, DeployingAModelUpdatesItsRegistryStatus) {
  ASSERT_TRUE(store_->PutModel(Model("task1", "u1", 5)).ok());
  ASSERT_TRUE(store_->UpdateDeployment("task1", "deployed", "{}", 7).ok());
  SqlModelStore registry(db_.get());
  EXPECT_EQ(registry.Get("task1")->status, "deployed");
  EXPECT_EQ(registry.Get("task1")->updated_at, 7);
}

TEST_P(GymStoreTest, UpgradingRegistersModelsTrainedBefore) {
  {
    // A model row as a release before the registry wrote it, and the gym's
    // last migration (the registration) not yet applied.
    auto lock = db_->Lock();
    ASSERT_TRUE(db_->Exec("INSERT INTO gym_models(model_id, owner_id, name, "
                          "type, status, metrics, weights_path, deployment, "
                          "created_at, updated_at) VALUES('old', 'u1', "
                          "'legacy', 'dqn', 'deployed', '{}', 'runs/w.pt', "
                          "'{}', 3, 4)")
                    .ok());
    ASSERT_TRUE(db_->Exec("UPDATE component_versions SET version = version - "
                          "1 WHERE component = 'gym'")
                    .ok());
  }
  ASSERT_TRUE(GymStore::Open(db_.get()).ok());
  SqlModelStore registry(db_.get());
  auto row = registry.Get("old");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->kind, "gym.dqn");
  EXPECT_EQ(row->display_name, "legacy");
  EXPECT_EQ(row->status, "deployed");
  EXPECT_EQ(registry.ListVersions("old")->at(0).artifact_path, "runs/w.pt");
}

INSTANTIATE_TEST_SUITE_P(Backends, GymStoreTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store::gym
