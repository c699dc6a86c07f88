// Marketplace through HTTP: publish with the document's body, admin review,
// browsing filters, subscribing with the document's body (money moves and
// the commission), and the subscriber's limited access.
#include <cmath>

#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

const char* kDocPublishBody = R"({
  "title": "High-Performance NIFTY Momentum Strategy",
  "description": "Proven momentum strategy with 78% accuracy and 1.45 Sharpe ratio",
  "category": "MOMENTUM",
  "asset_classes": ["EQUITY", "INDEX"],
  "pricing_model": "FIXED",
  "monthly_price": "2999.00",
  "performance_fee_rate": "0.00",
  "sample_signals": [
    {
      "symbol": "NIFTY50",
      "signal": "BUY",
      "confidence": 0.87,
      "date": "2025-01-15"
    }
  ],
  "terms_and_conditions": "Standard licensing terms apply."
})";

class MarketplaceRoutesTest : public StudioServerTest {
 protected:
  // Alice trains, publishes (document body) and the admin approves.
  void SetUp() override {
    StudioServerTest::SetUp();
    model_ = TrainedModel(alice_);
    auto r = client_->Post(Api("models/" + model_ + "/publish/"), Auth(alice_),
                           kDocPublishBody, "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    json body = Body(r);
    EXPECT_EQ(body["status"], "PENDING_REVIEW");
    EXPECT_EQ(body["message"], "Model submitted for marketplace review");
    EXPECT_EQ(body["estimated_review_time"], "2-3 business days");
    listing_ = body["listing_id"];
  }
  void Approve(const std::string& listing) {
    auto r = Post(admin_, "admin/listings/" + listing + "/approve/");
    ASSERT_EQ(r->status, 200) << r->body;
  }
  std::string model_, listing_;
};

TEST_F(MarketplaceRoutesTest,
       ListingAppearsOnlyAfterApprovalAndPublishesTheModel) {
  EXPECT_EQ(Body(Get(carol_, "marketplace/"))["count"], 0);
  EXPECT_EQ(Body(Get(alice_, "models/" + model_ + "/"))["status"], "COMPLETED");
  Approve(listing_);
  json page = Body(Get(carol_, "marketplace/"));
  ASSERT_EQ(page["count"], 1);
  json item = page["results"][0];
  EXPECT_EQ(item["id"], listing_);
  EXPECT_EQ(item["title"], "High-Performance NIFTY Momentum Strategy");
  EXPECT_EQ(item["monthly_price"], "2999.00");
  EXPECT_EQ(item["seller"]["id"], alice_id_);
  EXPECT_EQ(item["seller"]["username"], "alice");
  EXPECT_EQ(item["seller"]["total_models"], 1);
  EXPECT_EQ(item["sample_signals_count"], 1);
  EXPECT_EQ(item["total_subscribers"], 0);
  json model = Body(Get(alice_, "models/" + model_ + "/"));
  EXPECT_EQ(model["status"], "PUBLISHED");
  EXPECT_EQ(model["is_published"], true);
  EXPECT_EQ(item["performance_metrics"]["sharpe_ratio"],
            model["performance_metrics"]["sharpe_ratio"]);
}

TEST_F(MarketplaceRoutesTest, ReviewIsAdminOnlyAndRejectionKeepsItUnlisted) {
  ExpectError(Post(alice_, "admin/listings/" + listing_ + "/approve/"), 403,
              "PERMISSION_DENIED");
  auto r = Post(admin_, "admin/listings/" + listing_ + "/reject/",
                {{"reason", "needs real data"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["status"], "REJECTED");
  EXPECT_EQ(Body(Get(carol_, "marketplace/"))["count"], 0);
  ExpectError(Post(admin_, "admin/listings/" + listing_ + "/approve/"), 409,
              "CONFLICT");
  // A rejected listing does not block a new submission.
  EXPECT_EQ(client_
                ->Post(Api("models/" + model_ + "/publish/"), Auth(alice_),
                       kDocPublishBody, "application/json")
                ->status,
            201);
}

TEST_F(MarketplaceRoutesTest, PublishingTwiceOrAnUntrainedModelIs409) {
  auto again = client_->Post(Api("models/" + model_ + "/publish/"),
                             Auth(alice_), kDocPublishBody, "application/json");
  ExpectError(again, 409, "CONFLICT");
  const std::string draft = CreateModel(alice_, TinyModelBody("draft"));
  ExpectError(client_->Post(Api("models/" + draft + "/publish/"), Auth(alice_),
                            kDocPublishBody, "application/json"),
              409, "CONFLICT");
}

TEST_F(MarketplaceRoutesTest, DocumentSubscribeBodyMovesMoneyWithCommission) {
  Approve(listing_);
  const double carol_before = Credits(carol_id_);
  const double alice_before = Credits(alice_id_);
  auto r = client_->Post(Api("marketplace/" + listing_ + "/subscribe/"),
                         Auth(carol_), R"({
  "subscription_type": "MONTHLY",
  "auto_renew": true
})",
                         "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  json sub = Body(r);
  EXPECT_EQ(sub["status"], "ACTIVE");
  EXPECT_EQ(sub["total_amount"], "2999.00");
  EXPECT_EQ(sub["message"], "Successfully subscribed to model");
  EXPECT_EQ(sub["next_billing_date"], sub["end_date"]);
  // 2999.00 from the subscriber; 90 % (2699.10) to the seller.
  EXPECT_NEAR(Credits(carol_id_), carol_before - 2999.00, 1e-6);
  EXPECT_NEAR(Credits(alice_id_), alice_before + 2699.10, 1e-6);
  json model = Body(Get(alice_, "models/" + model_ + "/"));
  EXPECT_EQ(model["total_earnings"], "2699.10");
  EXPECT_EQ(model["total_downloads"], 1);
  EXPECT_EQ(
      Body(Get(carol_, "marketplace/"))["results"][0]["total_subscribers"], 1);
}

TEST_F(MarketplaceRoutesTest, SubscriptionEndsOneCalendarMonthLater) {
  Approve(listing_);
  json sub = Body(Post(carol_, "marketplace/" + listing_ + "/subscribe/",
                       {{"subscription_type", "MONTHLY"}}));
  const std::string start = sub["start_date"], end = sub["end_date"];
  int y = std::stoi(start.substr(0, 4)), m = std::stoi(start.substr(5, 2));
  if (++m == 13) m = 1, ++y;
  EXPECT_EQ(std::stoi(end.substr(0, 4)), y);
  EXPECT_EQ(std::stoi(end.substr(5, 2)), m);
  EXPECT_TRUE(sub["next_billing_date"].is_null());  // auto_renew defaults off
}

TEST_F(MarketplaceRoutesTest, TwiceOwnModelAndNoFundsGiveTheirErrors) {
  Approve(listing_);
  ASSERT_EQ(Post(carol_, "marketplace/" + listing_ + "/subscribe/")->status,
            201);
  ExpectError(Post(carol_, "marketplace/" + listing_ + "/subscribe/"), 409,
              "CONFLICT");
  ExpectError(Post(alice_, "marketplace/" + listing_ + "/subscribe/"), 403,
              "PERMISSION_DENIED");
  ExpectError(Post(bob_, "marketplace/" + listing_ + "/subscribe/"), 402,
              "INSUFFICIENT_CREDITS");
  EXPECT_EQ(Credits(bob_id_), 0.0);
  ExpectError(Post(carol_, "marketplace/" + listing_ + "/subscribe/",
                   {{"subscription_type", "YEARLY"}}),
              400, "VALIDATION_ERROR");
}

TEST_F(MarketplaceRoutesTest, SubscribersMayPredictAndExplainButNothingElse) {
  Approve(listing_);
  const json predict = {{"symbols", {"NIFTY50"}}};
  const std::string explain = "models/" + model_ +
                              "/explain/?symbols=NIFTY50&start_date=2025-01-13"
                              "&end_date=2025-01-14";
  ExpectError(Post(carol_, "models/" + model_ + "/predict/", predict), 402,
              "SUBSCRIPTION_REQUIRED");
  ExpectError(Get(carol_, explain), 402, "SUBSCRIPTION_REQUIRED");
  ASSERT_EQ(Post(carol_, "marketplace/" + listing_ + "/subscribe/")->status,
            201);
  EXPECT_EQ(Post(carol_, "models/" + model_ + "/predict/", predict)->status,
            200);
  EXPECT_EQ(Get(carol_, explain)->status, 200);
  ExpectError(Post(carol_, "models/" + model_ + "/train/"), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Post(carol_, "models/" + model_ + "/publish/"), 404,
              "RESOURCE_NOT_FOUND");
  // Bob, without a subscription, still cannot.
  ExpectError(Post(bob_, "models/" + model_ + "/predict/", predict), 402,
              "SUBSCRIPTION_REQUIRED");
}

TEST_F(MarketplaceRoutesTest, SubscribersSeeThePublicPartOfTheModelDetail) {
  Approve(listing_);
  ExpectError(Get(carol_, "models/" + model_ + "/"), 404, "RESOURCE_NOT_FOUND");
  ASSERT_EQ(Post(carol_, "marketplace/" + listing_ + "/subscribe/")->status,
            201);
  auto r = Get(carol_, "models/" + model_ + "/");
  ASSERT_EQ(r->status, 200) << r->body;
  json detail = Body(r);
  EXPECT_EQ(detail["access"], "subscriber");
  EXPECT_EQ(detail["id"], model_);
  EXPECT_TRUE(detail["performance_metrics"].contains("accuracy"));
  EXPECT_TRUE(detail["backtest_results"].is_object());
  EXPECT_TRUE(detail["comparison"]["verdict"].is_string());
  EXPECT_TRUE(detail["features"].is_array());
  // The owner's configuration and earnings stay private.
  for (const char* key : {"hyperparameters", "training_config",
                          "total_earnings", "training_summary"}) {
    EXPECT_FALSE(detail.contains(key)) << key;
  }
  // The owner still gets everything.
  json own = Body(Get(alice_, "models/" + model_ + "/"));
  EXPECT_FALSE(own.contains("access"));
  EXPECT_TRUE(own.contains("hyperparameters"));
}

TEST_F(MarketplaceRoutesTest, ListingsShowTheBenchmarkBesideTheirFigures) {
  Approve(listing_);
  json listing = Body(Get(carol_, "marketplace/"))["results"][0];
  ASSERT_TRUE(listing["benchmark"].is_object()) << listing.dump();
  const json& b = listing["benchmark"];
  EXPECT_TRUE(b["buy_and_hold_return"].is_number());
  EXPECT_TRUE(b["momentum_return"].is_number());
  EXPECT_TRUE(b["majority_class_accuracy"].is_number());
  EXPECT_TRUE(b["beats_all_baselines"].is_boolean());
  EXPECT_TRUE(b["verdict"].is_string());
  // The same figures as the model's own comparison.
  json model = Body(Get(alice_, "models/" + model_ + "/"));
  EXPECT_EQ(b["buy_and_hold_return"],
            model["baselines"]["buy_and_hold"]["total_return"]);
  EXPECT_EQ(b["verdict"], model["comparison"]["verdict"]);
}

// The test model loses to buy-and-hold on its test period (its verdict
// says so); approving it must tell the admin, and featuring it too.
TEST_F(MarketplaceRoutesTest, ApprovingAModelThatLosesToItsBaselinesWarns) {
  auto r = Post(admin_, "admin/listings/" + listing_ + "/approve/",
                {{"is_featured", true}});
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  ASSERT_EQ(body["benchmark"]["beats_all_baselines"], false) << body.dump();
  ASSERT_EQ(body["warnings"].size(), 1u) << body.dump();
  const std::string warning = body["warnings"][0];
  EXPECT_NE(warning.find("does not beat its naive baselines, yet it is now "
                         "listed and featured"),
            std::string::npos)
      << warning;
  EXPECT_NE(warning.find(body["benchmark"]["verdict"].get<std::string>()),
            std::string::npos)
      << warning;
}

TEST_F(MarketplaceRoutesTest,
       AnExpiredAutoRenewingSubscriptionRenewsOnNextUse) {
  Approve(listing_);
  AddExpiredSubscription(listing_, model_, carol_id_, alice_id_, true);
  const double carol_before = Credits(carol_id_);
  const double alice_before = Credits(alice_id_);
  auto r = Post(carol_, "models/" + model_ + "/predict/",
                {{"symbols", {"NIFTY50"}}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NEAR(Credits(carol_id_), carol_before - 2999.00, 1e-6);
  EXPECT_NEAR(Credits(alice_id_), alice_before + 2699.10, 1e-6);
  json subs = Body(Get(carol_, "marketplace/subscriptions/"));
  ASSERT_EQ(subs["count"], 2);
  EXPECT_EQ(subs["results"][0]["status"], "ACTIVE");
  EXPECT_EQ(subs["results"][0]["auto_renew"], true);
  EXPECT_EQ(subs["results"][1]["status"], "EXPIRED");
  EXPECT_EQ(subs["results"][1]["renewal_status"], "RENEWED");
  EXPECT_EQ(subs["results"][1]["renewed_by"],
            subs["results"][0]["subscription_id"]);
  EXPECT_EQ(subs["results"][0]["renewal_status"], "PENDING");
  EXPECT_EQ(subs["results"][0]["next_billing_date"],
            subs["results"][0]["end_date"]);
  // Used again the same month: no second charge.
  ASSERT_EQ(
      Post(carol_, "models/" + model_ + "/predict/", {{"symbols", {"NIFTY50"}}})
          ->status,
      200);
  EXPECT_NEAR(Credits(carol_id_), carol_before - 2999.00, 1e-6);
}

TEST_F(MarketplaceRoutesTest, AnExpiredSubscriptionWithoutAutoRenewEndsAccess) {
  Approve(listing_);
  AddExpiredSubscription(listing_, model_, carol_id_, alice_id_, false);
  const double before = Credits(carol_id_);
  ExpectError(Post(carol_, "models/" + model_ + "/predict/",
                   {{"symbols", {"NIFTY50"}}}),
              402, "SUBSCRIPTION_REQUIRED");
  EXPECT_NEAR(Credits(carol_id_), before, 1e-9);
}

TEST_F(MarketplaceRoutesTest, ARenewalThatCannotBePaidEndsAccess) {
  Approve(listing_);
  AddExpiredSubscription(listing_, model_, bob_id_, alice_id_, true);
  ExpectError(
      Post(bob_, "models/" + model_ + "/predict/", {{"symbols", {"NIFTY50"}}}),
      402, "SUBSCRIPTION_REQUIRED");
  EXPECT_EQ(Credits(bob_id_), 0.0);
  json subs = Body(Get(bob_, "marketplace/subscriptions/"));
  ASSERT_EQ(subs["count"], 1);
  EXPECT_EQ(subs["results"][0]["status"], "EXPIRED");
  EXPECT_EQ(subs["results"][0]["renewal_status"], "INSUFFICIENT_CREDITS");
  EXPECT_TRUE(subs["results"][0]["next_billing_date"].is_null());
}

TEST_F(MarketplaceRoutesTest, BrowseFiltersByEveryDocumentedParameter) {
  Approve(listing_);
  // Carol lists a cheaper FOREX mean-reversion model.
  const std::string carol_model = TrainedModel(carol_, TinyModelBody("fx"));
  json body = json::parse(kDocPublishBody);
  body["title"] = "Carry reversal";
  body["description"] = "Mean reversion on currency pairs";
  body["category"] = "MEAN_REVERSION";
  body["asset_classes"] = {"FOREX"};
  body["monthly_price"] = "500.00";
  auto r = Post(carol_, "models/" + carol_model + "/publish/", body);
  ASSERT_EQ(r->status, 201) << r->body;
  Approve(Body(r)["listing_id"]);

  auto count = [&](const std::string& query) {
    return Body(Get(bob_, "marketplace/" + query))["count"].get<int>();
  };
  EXPECT_EQ(count(""), 2);
  EXPECT_EQ(count("?category=MOMENTUM"), 1);
  EXPECT_EQ(count("?max_price=1000"), 1);
  EXPECT_EQ(count("?max_price=2999.00"), 2);
  EXPECT_EQ(count("?asset_classes=FOREX"), 1);
  EXPECT_EQ(count("?asset_classes=INDEX,FOREX"), 2);
  EXPECT_EQ(count("?search=currency"), 1);
  EXPECT_EQ(count("?search=NIFTY"), 1);
  EXPECT_EQ(count("?page_size=1"), 2);
  EXPECT_EQ(Body(Get(bob_, "marketplace/?page_size=1"))["results"].size(), 1u);
  // min_sharpe_ratio keeps listings whose model's Sharpe ratio is at least it.
  json all = Body(Get(bob_, "marketplace/"))["results"];
  double lo = all[0]["performance_metrics"]["sharpe_ratio"];
  double hi = all[1]["performance_metrics"]["sharpe_ratio"];
  if (lo > hi) std::swap(lo, hi);
  char query[64];
  std::snprintf(query, sizeof query, "?min_sharpe_ratio=%.6f", lo - 1e-4);
  EXPECT_EQ(count(query), 2);
  std::snprintf(query, sizeof query, "?min_sharpe_ratio=%.6f", hi + 1e-4);
  EXPECT_EQ(count(query), 0);
  ExpectError(Get(bob_, "marketplace/?category=NOPE"), 400, "VALIDATION_ERROR");
  ExpectError(Get(bob_, "marketplace/?max_price=abc"), 400, "VALIDATION_ERROR");
}

TEST_F(MarketplaceRoutesTest, SellingNeedsAPaidTier) {
  // Bob (FREE) buys credits, trains and tries to sell.
  ASSERT_EQ(Post(bob_, "compute/purchase-credits/",
                 {{"hours", 10}, {"payment_method", "credit_card"}})
                ->status,
            201);
  const std::string bobs = TrainedModel(bob_);
  ExpectError(client_->Post(Api("models/" + bobs + "/publish/"), Auth(bob_),
                            kDocPublishBody, "application/json"),
              402, "SUBSCRIPTION_REQUIRED");
}

}  // namespace
}  // namespace trainyard::studio
