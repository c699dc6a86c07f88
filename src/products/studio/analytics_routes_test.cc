// analytics/ and compute/ through HTTP: every figure traced back to the rows
// the test created (trainings, charges, a subscription).
#include <cmath>

#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

using AnalyticsRoutesTest = StudioServerTest;

int64_t Cents(const json& money) {
  return std::llround(std::stod(money.get<std::string>()) * 100);
}

const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Alice trains two models, one is sold to Carol at 100.00.
class SoldModelTest : public AnalyticsRoutesTest {
 protected:
  void SetUp() override {
    AnalyticsRoutesTest::SetUp();
    model_ = TrainedModel(alice_);
    TrainedModel(alice_, TinyModelBody("second"));
    CreateModel(alice_, TinyModelBody("draft"));
    json publish = {{"title", "Tiny"},
                    {"description", "d"},
                    {"category", "MOMENTUM"},
                    {"asset_classes", {"INDEX"}},
                    {"monthly_price", "100.00"}};
    auto r = Post(alice_, "models/" + model_ + "/publish/", publish);
    ASSERT_EQ(r->status, 201) << r->body;
    listing_ = Body(r)["listing_id"];
    ASSERT_EQ(Post(admin_, "admin/listings/" + listing_ + "/approve/")->status,
              200);
    ASSERT_EQ(Post(carol_, "marketplace/" + listing_ + "/subscribe/")->status,
              201);
  }
  std::string model_, listing_;
};

TEST_F(SoldModelTest, DashboardSummarisesTheUsersRows) {
  auto r = Get(alice_, "analytics/dashboard/");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  const json& s = body["summary"];
  EXPECT_EQ(s["total_models"], 3);
  EXPECT_EQ(s["active_models"], 2);  // COMPLETED + PUBLISHED
  EXPECT_EQ(s["published_models"], 1);
  EXPECT_EQ(s["training_jobs_this_month"], 2);
  EXPECT_EQ(s["total_earnings"], "90.00");  // 100.00 minus 10 % commission
  double hours = 0;
  const json jobs = Body(Get(alice_, "training-jobs/"));
  for (const auto& j : jobs["results"]) {
    hours += j["compute_hours"].get<double>();
  }
  EXPECT_NEAR(s["compute_hours_used"].get<double>(), hours, 2e-4);
  EXPECT_EQ(s["compute_hours_remaining"], 0.0);  // no included hours here
  bool trained = false, subscribed = false;
  for (const auto& a : body["recent_activity"]) {
    trained |= a["type"] == "MODEL_TRAINED";
    subscribed |= a["type"] == "MODEL_SUBSCRIBED";
  }
  EXPECT_TRUE(trained);
  EXPECT_TRUE(subscribed);
  const json& chart = body["performance_chart"];
  ASSERT_FALSE(chart["labels"].empty());
  EXPECT_EQ(chart["labels"].size(), chart["datasets"][0]["data"].size());
  EXPECT_EQ(chart["datasets"][0]["label"], "Portfolio Value");
  EXPECT_EQ(chart["data_source"], "synthetic");
}

TEST_F(SoldModelTest, LeasingReportsRevenueSubscribersAndChurn) {
  auto r = Get(alice_, "analytics/leasing/");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["total_revenue"], "90.00");
  EXPECT_EQ(body["active_subscriptions"], 1);
  ASSERT_EQ(body["revenue_by_model"].size(), 1u);
  const json& m = body["revenue_by_model"][0];
  EXPECT_EQ(m["model_name"], "tiny");
  EXPECT_EQ(m["monthly_revenue"], "90.00");
  EXPECT_EQ(m["subscribers"], 1);
  EXPECT_EQ(m["churn_rate"], 0.0);
  ASSERT_EQ(body["revenue_trend"]["labels"].size(), 6u);
  EXPECT_EQ(body["revenue_trend"]["data"][5], 90.0);
  EXPECT_EQ(body["revenue_trend"]["data"][4], 0.0);
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  EXPECT_EQ(body["revenue_trend"]["labels"][5], kMonths[utc.tm_mon]);
  // The buyer sells nothing.
  EXPECT_EQ(Body(Get(carol_, "analytics/leasing/"))["total_revenue"], "0.00");
}

TEST_F(SoldModelTest, UsageListsEveryRunWithItsChargeByJobAndDay) {
  auto r = Get(alice_, "compute/usage/");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  const json& period = body["current_period"];
  EXPECT_EQ(period["hours_limit"], 0.0);
  EXPECT_TRUE(period["percentage_used"].is_null());
  ASSERT_EQ(body["usage_by_job"].size(), 2u);
  int64_t cost = 0;
  for (const auto& j : body["usage_by_job"]) {
    cost += Cents(j["cost"]);
    EXPECT_EQ(j["resource_type"], "CPU");
  }
  EXPECT_EQ(Cents(period["cost"]), cost);
  ASSERT_EQ(body["daily_usage"].size(), 1u);
  EXPECT_EQ(Cents(body["daily_usage"][0]["cost"]), cost);
  // What was charged is exactly what the credits went down by (Alice also
  // earned 90.00 from the subscription).
  EXPECT_NEAR(Credits(alice_id_), 100.0 - cost / 100.0 + 90.0, 1e-6);
}

TEST_F(AnalyticsRoutesTest, UsageAcceptsTheDocumentsDateRange) {
  auto r =
      Get(alice_, "compute/usage/?start_date=2025-01-01&end_date=2025-01-31");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Body(r)["usage_by_job"].empty());
  ExpectError(
      Get(alice_, "compute/usage/?start_date=2025-02-01&end_date=2025-01-01"),
      400, "VALIDATION_ERROR");
  ExpectError(Get(alice_, "compute/usage/?start_date=Jan"), 400,
              "VALIDATION_ERROR");
}

TEST_F(AnalyticsRoutesTest, DocumentPurchaseBodyRecordsTheCredits) {
  auto r = client_->Post(Api("compute/purchase-credits/"), Auth(bob_), R"({
  "hours": 50,
  "payment_method": "credit_card"
})",
                         "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["hours_purchased"], 50);
  EXPECT_EQ(body["amount"], "250.00");
  EXPECT_EQ(body["new_balance"], 50.0);  // hours: 250.00 at 5.00 per hour
  // Units in the names; money as decimal strings like the document's.
  EXPECT_EQ(body["new_balance_hours"], 50.0);
  EXPECT_EQ(body["amount_usd"], "250.00");
  EXPECT_EQ(body["credits_balance"], "250.00");
  EXPECT_EQ(body["credits_balance_usd"], "250.00");
  EXPECT_EQ(body["transaction_id"].get<std::string>().rfind("txn_", 0), 0u);
  EXPECT_NEAR(Credits(bob_id_), 250.0, 1e-9);
  ExpectError(Post(bob_, "compute/purchase-credits/",
                   {{"hours", 0}, {"payment_method", "credit_card"}}),
              400, "VALIDATION_ERROR");
  ExpectError(Post(bob_, "compute/purchase-credits/",
                   {{"hours", 5}, {"payment_method", "iou"}}),
              400, "VALIDATION_ERROR");
}

TEST_F(AnalyticsRoutesTest, LedgerListsEveryCreditMovementNewestFirst) {
  ASSERT_EQ(Post(bob_, "compute/purchase-credits/",
                 {{"hours", 2}, {"payment_method", "upi"}})
                ->status,
            201);
  ASSERT_EQ(Post(bob_, "compute/purchase-credits/",
                 {{"hours", 1}, {"payment_method", "upi"}})
                ->status,
            201);
  auto r = Get(bob_, "compute/ledger/");
  ASSERT_EQ(r->status, 200) << r->body;
  json ledger = Body(r);
  ASSERT_EQ(ledger["count"], 2);
  EXPECT_EQ(ledger["credits_balance_usd"], "15.00");
  const json& newest = ledger["results"][0];
  EXPECT_EQ(newest["kind"], "credit_purchase");
  EXPECT_EQ(newest["amount_usd"], "5.00");
  EXPECT_EQ(newest["balance_after_usd"], "15.00");
  EXPECT_EQ(ledger["results"][1]["balance_after_usd"], "10.00");
  EXPECT_TRUE(newest["reference"].get<std::string>().rfind("txn_", 0) == 0);
  // Filters and paging; other users' movements never appear.
  EXPECT_EQ(Body(Get(bob_, "compute/ledger/?kind=training_hold"))["count"], 0);
  EXPECT_EQ(Body(Get(bob_, "compute/ledger/?page_size=1"))["results"].size(),
            1u);
  EXPECT_EQ(Body(Get(alice_, "compute/ledger/"))["count"], 0);
  ExpectError(Get(bob_, "compute/ledger/?kind=gift"), 400, "VALIDATION_ERROR");
  // The dashboard and usage show the same balance the same way.
  EXPECT_EQ(
      Body(Get(bob_, "analytics/dashboard/"))["summary"]["credits_balance"],
      "15.00");
  EXPECT_EQ(Body(Get(bob_, "compute/usage/"))["credits_balance_usd"], "15.00");
}

TEST_F(AnalyticsRoutesTest, EmptyAccountHasZeroesNotSamples) {
  json s = Body(Get(bob_, "analytics/dashboard/"))["summary"];
  EXPECT_EQ(s["total_models"], 0);
  EXPECT_EQ(s["total_earnings"], "0.00");
  EXPECT_EQ(s["compute_hours_used"], 0.0);
  json leasing = Body(Get(bob_, "analytics/leasing/"));
  EXPECT_EQ(leasing["active_subscriptions"], 0);
  EXPECT_TRUE(leasing["revenue_by_model"].empty());
}

}  // namespace
}  // namespace trainyard::studio
