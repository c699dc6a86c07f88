// The studio's and the webhook outbox's tables on each backend: every
// repository's statements run and mean the same on SQLite and PostgreSQL.
#include "store/tables/studio_tables.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "core/test_support.h"
#include "store/metadata_store.h"
#include "store/schema.h"
#include "store/sql_repositories.h"
#include "store/tables/webhook_store.h"
#include "store/test_backends.h"

namespace trainyard::store::studio {
namespace {

class StudioTablesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto s = db_.OpenStore();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    tables_ = store_->studio();
    ASSERT_TRUE(store_->users()
                    ->CreateUser({"u1", "alice", Tier::kPro, Role::kUser, 5, 1})
                    .ok());
  }
  static StudioModel Model(const std::string& id, int64_t t) {
    StudioModel m;
    m.id = id;
    m.owner_id = "u1";
    m.name = "m-" + id;
    m.model_type = "CLASSIFICATION";
    m.algorithm = "RANDOM_FOREST";
    m.config = {{"features", {"rsi"}}};
    m.created_at = m.updated_at = t;
    return m;
  }
  static Subscription Sub(const std::string& id, bool auto_renew) {
    Subscription x;
    x.id = id;
    x.listing_id = "l1";
    x.model_id = "m1";
    x.subscriber_id = "u2";
    x.seller_id = "u1";
    x.subscription_type = "MONTHLY";
    x.auto_renew = auto_renew;
    x.start_day = 100;
    x.end_day = 130;
    x.amount_cents = 999;
    x.created_at = 5;
    return x;
  }
  // u1's endpoint "e1" for model.subscribed events.
  static webhooks::WebhookEndpoint Endpoint() {
    return {"e1", "u1", "https://example.net/h", "s", {"model.subscribed"}, 1};
  }
  testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<MetadataStore> store_;
  StudioTables* tables_ = nullptr;
};

TEST_P(StudioTablesTest, ModelsListNewestFirstAndMoveByCompareAndSet) {
  ModelRepository* models = tables_->models();
  ASSERT_TRUE(models->Create(Model("a", 1)).ok());
  ASSERT_TRUE(models->Create(Model("b", 1)).ok());  // same time: insertion
  ASSERT_TRUE(models->Create(Model("c", 2)).ok());
  auto list = models->List({"u1", std::nullopt, std::nullopt, 10, 0});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "c");
  EXPECT_EQ((*list)[1].id, "b");
  EXPECT_EQ((*list)[2].config["features"][0], "rsi");
  EXPECT_EQ(*models->Transition("a", {kDraft}, kTraining, 3), kDraft);
  EXPECT_EQ(models->Transition("a", {kDraft}, kTraining, 3).status().code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(models->AddSale("b", 250, 4).ok());
  EXPECT_EQ(models->Get("b")->total_earnings_cents, 250);
  EXPECT_EQ(models->Delete("b", kTraining).code(), ErrorCode::kConflict);
  EXPECT_TRUE(models->Delete("b", kDraft).ok());
  EXPECT_EQ(*models->Count({"u1", kTraining, std::nullopt, 10, 0}), 1);
}

TEST_P(StudioTablesTest, TrainingJobsSettleOnceAndSumComputeSeconds) {
  TrainingJobRepository* jobs = tables_->training_jobs();
  TrainingJobRow row;
  row.id = "j1";
  row.model_id = "a";
  row.owner_id = "u1";
  row.job_name = "run";
  row.priority = "NORMAL";
  row.estimated_seconds = 1.5;
  row.hold_cents = 100;
  row.created_at = 1;
  ASSERT_TRUE(jobs->Insert(row).ok());
  EXPECT_TRUE(*jobs->Settle("j1", 2.25, 80, 20, "COMPLETED", 10));
  EXPECT_FALSE(*jobs->Settle("j1", 9, 0, 0, "FAILED", 11));
  EXPECT_DOUBLE_EQ(*jobs->ComputeSeconds("u1", 0, 100), 2.25);
  TrainingJobQuery q;
  q.owner_id = "u1";
  q.settled_from = 5;
  auto list = jobs->List(q);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].settled);
  EXPECT_EQ((*list)[0].settled_at, 10);
}

TEST_P(StudioTablesTest, LedgerRowsCommitWithTheBalanceChange) {
  LedgerRepository* ledger = tables_->ledger();
  auto balance = store_->users()->AdjustCredits("u1", -2.0, [&](double b) {
    return ledger->AppendLocked({0, "u1", -200, b, "training_hold", "j1", 7});
  });
  ASSERT_TRUE(balance.ok()) << balance.status().ToString();
  EXPECT_DOUBLE_EQ(*balance, 3.0);
  EXPECT_EQ(*ledger->Sum("u1", "training_hold", 0, 10), -200);
  auto entries = ledger->Entries("u1", std::nullopt, 0, 10);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_DOUBLE_EQ((*entries)[0].balance_after, 3.0);
}

TEST_P(StudioTablesTest, ListingsSearchIgnoresCase) {
  MarketplaceRepository* market = tables_->marketplace();
  Listing l;
  l.id = "l1";
  l.model_id = "m1";
  l.seller_id = "u1";
  l.title = "Momentum NIFTY";
  l.description = "trend";
  l.category = "EQUITY";
  l.asset_classes = {"EQUITY"};
  l.created_at = l.updated_at = 1;
  ASSERT_TRUE(market->CreateListing(l).ok());
  ListingQuery q;
  q.search = "nifty";
  EXPECT_EQ(market->ListListings(q)->size(), 1u);
  q.search = "bond";
  EXPECT_EQ(market->ListListings(q)->size(), 0u);
  EXPECT_TRUE(
      market->Review("l1", kPendingReview, kApproved, "", true, 2).ok());
  EXPECT_EQ(market->Review("l1", kPendingReview, kApproved, "", true, 2).code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(market->GetListing("l1")->is_featured);
}

TEST_P(StudioTablesTest, RenewalsAreClaimedOnceAndSalesSettleInOrder) {
  MarketplaceRepository* market = tables_->marketplace();
  ASSERT_TRUE(market->CreateSubscription(Sub("s1", true)).ok());
  EXPECT_EQ(market->ActiveSubscription("u2", "m1", 110)->value().id, "s1");
  EXPECT_FALSE(market->ActiveSubscription("u2", "m1", 130)->has_value());
  auto due = market->DueRenewals(130);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_TRUE(*market->ClaimRenewal("s1"));
  EXPECT_FALSE(*market->ClaimRenewal("s1"));
  EXPECT_TRUE(*market->ReleaseRenewal("s1"));
  Subscription renewal = Sub("s2", true);
  renewal.renewal_of = "s1";
  renewal.settlement = kSettlementCharged;
  ASSERT_TRUE(market->CreateSubscription(renewal).ok());
  Subscription again = Sub("s3", true);
  again.renewal_of = "s1";
  EXPECT_EQ(market->CreateSubscription(again).code(), ErrorCode::kConflict);
  EXPECT_EQ(market->UnsettledSales()->size(), 1u);
  EXPECT_FALSE(*market->MarkSettled("s2"));  // not paid yet
  EXPECT_TRUE(market->Cancel("s2", 9, 110).ok());
  EXPECT_EQ(market->GetSubscription("s2")->cancelled_at, 9);
  EXPECT_EQ(market->SetAutoRenew("s2", true, 110).code(), ErrorCode::kConflict);
}

TEST_P(StudioTablesTest, DatasetsAreReplacedBySymbol) {
  DatasetRepository* data = tables_->datasets();
  ASSERT_TRUE(data->Put({"NIFTY", "u1", "datasets/NIFTY.csv", 10, "2020-01-01",
                         "2020-01-14", true, 1})
                  .ok());
  ASSERT_TRUE(data->Put({"NIFTY", "u2", "datasets/NIFTY.csv", 20, "2020-01-01",
                         "2020-01-28", false, 2})
                  .ok());
  auto row = data->Find("NIFTY");
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->owner_id, "u2");
  EXPECT_FALSE((*row)->has_volume);
  EXPECT_EQ(data->List()->size(), 1u);
  EXPECT_FALSE(data->Find("BANK")->has_value());
}

// Every API server runs a deliverer: a claimed delivery is nobody else's
// until its lease ends, and then it is retried.
TEST_P(StudioTablesTest, AClaimedDeliveryIsClaimedOnceUntilItsLeaseEnds) {
  webhooks::WebhookStore* hooks = store_->webhooks();
  ASSERT_TRUE(hooks->CreateEndpoint(Endpoint()).ok());
  ASSERT_EQ(*hooks->Enqueue("u1", "model.subscribed", "{}", "t", 5), 1);
  auto first = hooks->ClaimDue(10, 100, 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(hooks->ClaimDue(50, 150, 10)->empty());  // held by the first
  auto again = hooks->ClaimDue(100, 200, 10);  // its claimer went silent
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].first.id, (*first)[0].first.id);
}

TEST_P(StudioTablesTest, ConcurrentClaimsOnOneDatabaseNeverShareADelivery) {
  // Four servers' connections to one database (a file for SQLite).
  trainyard::testing::TempDir tmp;
  const std::string path = tmp.Sub("outbox.db");
  std::vector<std::unique_ptr<MetadataStore>> servers;
  for (int i = 0; i < 4; ++i) {
    auto server = db_.OpenStore(path);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    servers.push_back(std::move(*server));
  }
  webhooks::WebhookStore* hooks = servers[0]->webhooks();
  // On PostgreSQL SetUp's store made alice in the same database already.
  (void)servers[0]->users()->CreateUser(
      {"u1", "alice", Tier::kPro, Role::kUser, 5, 1});
  ASSERT_TRUE(hooks->CreateEndpoint(Endpoint()).ok());
  for (int i = 0; i < 40; ++i)
    ASSERT_EQ(*hooks->Enqueue("u1", "model.subscribed", "{}", "t", 5), 1);
  std::mutex mu;
  std::multiset<std::string> seen;
  std::vector<std::thread> threads;
  for (auto& server : servers) {
    threads.emplace_back([&mu, &seen, claims = server->webhooks()] {
      for (int round = 0; round < 20; ++round) {
        auto claimed = claims->ClaimDue(10, 1000, 3);
        if (!claimed.ok()) continue;  // a busy SQLite file: try again
        std::lock_guard lock(mu);
        for (const auto& [d, e] : *claimed) seen.insert(d.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::set<std::string> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), seen.size());  // no delivery claimed twice
  EXPECT_EQ(seen.size(), 40u);
}

TEST_P(StudioTablesTest, WebhookOutboxQueuesAndRecordsAttempts) {
  webhooks::WebhookStore* hooks = store_->webhooks();
  ASSERT_TRUE(hooks->CreateEndpoint(Endpoint()).ok());
  EXPECT_EQ(*hooks->Enqueue("u1", "model.subscribed", "{\"a\":1}", "t", 5), 1);
  auto due = hooks->ClaimDue(5, 60, 10);
  ASSERT_EQ(due->size(), 1u);
  const std::string id = (*due)[0].first.id;
  ASSERT_TRUE(
      hooks->RecordAttempt(id, {1, 200, "", 12, 6}, webhooks::kDelivered, 6)
          .ok());
  EXPECT_TRUE(hooks->ClaimDue(100, 160, 10)->empty());
  EXPECT_EQ(hooks->Deliveries("e1", 10)->at(0).delivered_at, 6);
  EXPECT_EQ(hooks->Attempts(id)->at(0).status_code, 200);
  EXPECT_TRUE(hooks->DeleteEndpoint("u1", "e1").ok());
  EXPECT_EQ(hooks->DeleteEndpoint("u1", "e1").code(), ErrorCode::kNotFound);
}

TEST_P(StudioTablesTest, WebhookTotalsCountDeliveriesAndFailedAttempts) {
  webhooks::WebhookStore* hooks = store_->webhooks();
  ASSERT_TRUE(hooks->CreateEndpoint(Endpoint()).ok());
  EXPECT_EQ(*hooks->Enqueue("u1", "model.subscribed", "{}", "t", 5), 1);
  EXPECT_EQ(*hooks->Enqueue("u1", "model.subscribed", "{}", "t", 5), 1);
  auto due = hooks->ClaimDue(5, 6, 10);
  ASSERT_EQ(due->size(), 2u);
  const std::string id = (*due)[0].first.id;
  ASSERT_TRUE(hooks
                  ->RecordAttempt(id, {1, std::nullopt, "refused", 3, 6},
                                  webhooks::kPending, 7)
                  .ok());
  ASSERT_TRUE(
      hooks->RecordAttempt(id, {2, 204, "", 3, 8}, webhooks::kDelivered, 8)
          .ok());
  auto totals = hooks->Totals();
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(totals->by_status[webhooks::kDelivered], 1);
  EXPECT_EQ(totals->by_status[webhooks::kPending], 1);
  EXPECT_EQ(totals->attempts, 2);
  EXPECT_EQ(totals->failed_attempts, 1);
}

TEST_P(StudioTablesTest, ACreatedModelIsInTheRegistryUnderItsId) {
  ASSERT_TRUE(tables_->models()->Create(Model("a", 1)).ok());
  auto row = store_->models()->Get("a");
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->kind, "studio");
  EXPECT_EQ(row->name, "a");
  EXPECT_EQ(row->display_name, "m-a");
  EXPECT_EQ(row->owner_id, "u1");
  EXPECT_EQ(row->status, kDraft);
  EXPECT_EQ(row->metadata,
            R"({"algorithm":"RANDOM_FOREST","model_type":"CLASSIFICATION"})");
  EXPECT_TRUE(store_->models()->ListVersions("a")->empty());
}

TEST_P(StudioTablesTest, TwoModelsWithOneNameAreBothInTheRegistry) {
  StudioModel b = Model("b", 1);
  b.name = "m-a";
  ASSERT_TRUE(tables_->models()->Create(Model("a", 1)).ok());
  ASSERT_TRUE(tables_->models()->Create(b).ok());
  EXPECT_EQ(*store_->models()->Count({}), 2);
}

TEST_P(StudioTablesTest, EachCompletedTrainingAddsARegistryVersion) {
  ModelRepository* models = tables_->models();
  StudioModel m = Model("a", 1);
  ASSERT_TRUE(models->Create(m).ok());
  for (int version : {1, 2}) {
    ASSERT_TRUE(
        models->Transition("a", {kDraft, kCompleted}, kTraining, 2).ok());
    m.status = kCompleted;
    m.version = version;
    m.artifact_path =
        "model_storage/studio/a/v" + std::to_string(version) + ".json";
    m.result = {
        {"performance_metrics", {{"accuracy", 0.5 + version / 10.0}}},
        {"training_summary", {{"job_id", "run" + std::to_string(version)}}}};
    m.updated_at = 10 * version;
    ASSERT_TRUE(models->Update(m, kTraining).ok());
  }
  auto versions = store_->models()->ListVersions("a");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].artifact_path, "model_storage/studio/a/v1.json");
  EXPECT_EQ((*versions)[0].job_id, "run1");
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].metrics, R"({"accuracy":0.7})");
  EXPECT_EQ(store_->models()->Get("a")->status, kCompleted);
}

TEST_P(StudioTablesTest, ARefusedUpdateLeavesTheRegistryAsItWas) {
  ModelRepository* models = tables_->models();
  StudioModel m = Model("a", 1);
  ASSERT_TRUE(models->Create(m).ok());
  m.status = kCompleted;
  m.version = 1;
  m.artifact_path = "model_storage/studio/a/v1.json";
  EXPECT_EQ(models->Update(m, kTraining).code(), ErrorCode::kConflict);
  EXPECT_EQ(store_->models()->Get("a")->status, kDraft);
  EXPECT_TRUE(store_->models()->ListVersions("a")->empty());
}

TEST_P(StudioTablesTest, TransitionsMoveTheRegistryStatus) {
  ASSERT_TRUE(tables_->models()->Create(Model("a", 1)).ok());
  ASSERT_TRUE(tables_->models()->Transition("a", {kDraft}, kTraining, 3).ok());
  EXPECT_EQ(store_->models()->Get("a")->status, kTraining);
  EXPECT_EQ(store_->models()->Get("a")->updated_at, 3);
}

TEST_P(StudioTablesTest, DeletingAModelRemovesItFromTheRegistry) {
  ASSERT_TRUE(tables_->models()->Create(Model("a", 1)).ok());
  ASSERT_TRUE(tables_->models()->Delete("a", kDraft).ok());
  EXPECT_EQ(store_->models()->Get("a").status().code(), ErrorCode::kNotFound);
}

TEST_P(StudioTablesTest, UpgradingRegistersModelsMadeBefore) {
  std::unique_ptr<Database> db;
  {
    auto opened = db_.OpenDatabase(SchemaMigrations());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db = std::move(*opened);
    ASSERT_TRUE(StudioTables::Open(db.get()).ok());
    // Rows as a release before the registry wrote them (a trained model and
    // a draft), and the studio's last migration (the registration) not yet
    // applied.
    auto lock = db->Lock();
    ASSERT_TRUE(
        db->Exec("INSERT INTO studio_models(id, owner_id, name, model_type, "
                 "algorithm, status, config, version, artifact_path, "
                 "created_at, updated_at) VALUES "
                 "('t', 'u1', 'trained', 'REGRESSION', 'GRADIENT_BOOSTING', "
                 "'COMPLETED', '{}', 2, 'model_storage/studio/t/v2.json', 1, "
                 "5), ('d', 'u1', 'draft', 'CLASSIFICATION', 'RANDOM_FOREST', "
                 "'DRAFT', '{}', 0, '', 2, 2)")
            .ok());
    ASSERT_TRUE(db->Exec("UPDATE component_versions SET version = version - "
                         "1 WHERE component = 'studio'")
                    .ok());
  }
  ASSERT_TRUE(StudioTables::Open(db.get()).ok());
  SqlModelStore registry(db.get());
  auto trained = registry.Get("t");
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_EQ(trained->display_name, "trained");
  EXPECT_EQ(trained->metadata,
            R"({"algorithm":"GRADIENT_BOOSTING","model_type":"REGRESSION"})");
  auto versions = registry.ListVersions("t");
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[0].artifact_path, "model_storage/studio/t/v2.json");
  EXPECT_EQ(registry.Get("d")->status, kDraft);
  EXPECT_TRUE(registry.ListVersions("d")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StudioTablesTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store::studio
