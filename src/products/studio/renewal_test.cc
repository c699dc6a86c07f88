// Auto-renewal of marketplace subscriptions by the periodic sweep, on a
// manual clock: who is charged and paid, what the ledger records, the
// subscription's renewal status, and the webhook events.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.h"
#include "core/test_support.h"
#include "products/studio/renewal_scheduler.h"
#include "products/studio/studio_context.h"
#include "products/studio/subscriptions.h"
#include "store/metadata_store.h"

namespace trainyard::studio {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 86'400'000;

class RenewalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenSqliteStore(tmp_.Sub("t.db")));
    clock_.SetMillis(*ml::ParseDate("2025-01-15") * kDayMs + 3'600'000);
    ctx_ = std::move(*StudioContext::Open(Deps(), nullptr));
    AddUser("seller", 0);
    AddUser("buyer", 10000);
    StudioModel model;
    model.id = "model-1";
    model.owner_id = "seller";
    model.name = "Momentum";
    model.model_type = "CLASSIFICATION";
    model.algorithm = "RANDOM_FOREST";
    model.status = kCompleted;
    ASSERT_TRUE(ctx_->models->Create(model).ok());
    Listing listing;
    listing.id = "listing-1";
    listing.model_id = "model-1";
    listing.seller_id = "seller";
    listing.title = "Momentum";
    listing.category = "MOMENTUM";
    listing.pricing_model = "FIXED";
    listing.monthly_price_cents = 299900;
    listing.status = kApproved;
    ASSERT_TRUE(ctx_->marketplace->CreateListing(listing).ok());
    listing_ = listing;
  }
  void AddUser(const std::string& id, double credits) {
    store::User u;
    u.id = id;
    u.name = id;
    u.tier = store::Tier::kPro;
    u.credits = credits;
    ASSERT_TRUE(store_->users()->CreateUser(u).ok());
  }
  double Credits(const std::string& id) {
    return store_->users()->GetUser(id)->credits;
  }
  ml::DayNumber Today() const { return clock_.NowMillis() / kDayMs; }
  Subscription Subscribe(bool auto_renew) {
    auto s = StartSubscription(*ctx_, listing_, "buyer", "MONTHLY", auto_renew,
                               Today());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }
  Subscription Reload(const std::string& id) {
    auto subs = ctx_->marketplace->ListSubscriptions(std::nullopt, "buyer",
                                                     std::nullopt);
    for (const auto& s : *subs) {
      if (s.id == id) return s;
    }
    ADD_FAILURE() << "no subscription " << id;
    return {};
  }
  void GoTo(const std::string& date) {
    clock_.SetMillis(*ml::ParseDate(date) * kDayMs + 3'600'000);
  }
  std::string Endpoint(const std::string& owner) {
    notify::WebhookEndpoint e;
    e.id = "hook-" + owner;
    e.owner_id = owner;
    e.url = "http://127.0.0.1:9/hook";
    e.secret = "0123456789abcdef0123";
    e.events = {"model.subscribed", "subscription.renewal_failed"};
    e.created_at = clock_.NowMillis();
    EXPECT_TRUE(ctx_->webhooks->CreateEndpoint(e).ok());
    return e.id;
  }
  // Bodies of the endpoint's deliveries, oldest first.
  std::vector<json> Events(const std::string& endpoint) {
    std::vector<json> out;
    auto deliveries = ctx_->webhooks->Deliveries(endpoint, 100);
    EXPECT_TRUE(deliveries.ok());
    for (const auto& d : *deliveries) {
      out.insert(out.begin(), json::parse(d.body));
    }
    return out;
  }

  // Makes the next renewal or sale stop at `point` as if the process died
  // there (StudioContext::fault_hook).
  void CrashAt(const std::string& point) {
    ctx_->fault_hook = [point](std::string_view at) {
      return at == point ? InternalError("simulated crash at " + point)
                         : Status::Ok();
    };
  }
  // A new StudioContext on the same database, as after a restart.
  void Restart() {
    ctx_.reset();
    ctx_ = std::move(*StudioContext::Open(Deps(), nullptr));
  }
  // What the context is opened with: the store, the clock, defaults.
  products::ProductDeps Deps() {
    products::ProductDeps deps;
    deps.config = &config_;
    deps.store = store_.get();
    deps.clock = &clock_;
    return deps;
  }
  // The buyer paid `months` months and the seller got their share of each.
  void ExpectMonthsPaid(int months) {
    EXPECT_NEAR(Credits("buyer"), 10000 - months * 2999.00, 1e-9);
    EXPECT_NEAR(Credits("seller"), months * 2699.10, 1e-9);
  }
  // The subscription that renewed `id` (which must be RENEWED).
  Subscription Successor(const std::string& id) {
    const Subscription old = Reload(id);
    EXPECT_EQ(old.renewal_status, kRenewed);
    if (!old.renewed_by) {
      ADD_FAILURE() << id << " was not renewed";
      return {};
    }
    return Reload(*old.renewed_by);
  }
  std::vector<LedgerEntry> Ledger(const std::string& user, const char* kind) {
    return *ctx_->ledger->Entries(user, std::string(kind), 0, INT64_MAX);
  }

  testing::TempDir tmp_;
  ManualClock clock_;
  Config config_;
  std::unique_ptr<store::MetadataStore> store_;
  std::shared_ptr<StudioContext> ctx_;
  Listing listing_;
};

TEST_F(RenewalTest, NothingIsDueBeforeTheMonthEnds) {
  Subscription s = Subscribe(true);
  GoTo("2025-02-14");  // last day of access (end_date 2025-02-15 exclusive)
  auto r = RenewDueSubscriptions(*ctx_, Today());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->renewed, 0);
  EXPECT_EQ(Reload(s.id).renewal_status, kRenewalPending);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
}

TEST_F(RenewalTest, ADueSubscriptionIsRenewedChargedAndThePeriodContinues) {
  const std::string seller_hook = Endpoint("seller");
  Subscription first = Subscribe(true);
  EXPECT_EQ(ml::FormatDate(first.end_day), "2025-02-15");
  GoTo("2025-02-15");
  auto r = RenewDueSubscriptions(*ctx_, Today());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->renewed, 1);
  EXPECT_EQ(r->expired, 0);
  // Two payments of 2999.00; the seller gets 2999.00 - 10 % = 2699.10 each.
  ExpectMonthsPaid(2);
  const Subscription next = Successor(first.id);
  EXPECT_EQ(ml::FormatDate(next.start_day), "2025-02-15");  // no gap
  EXPECT_EQ(ml::FormatDate(next.end_day), "2025-03-15");
  EXPECT_TRUE(next.auto_renew);
  EXPECT_EQ(next.renewal_status, kRenewalPending);
  EXPECT_EQ(next.amount_cents, 299900);
  EXPECT_EQ(next.commission_cents, 29990);
  // Ledger: the renewal's payment and income reference the new subscription.
  auto paid = ctx_->ledger->Entries("buyer", std::string(kSubscriptionPayment),
                                    0, INT64_MAX);
  ASSERT_EQ(paid->size(), 2u);
  EXPECT_EQ((*paid)[0].reference, next.id);
  EXPECT_EQ((*paid)[0].amount_cents, -299900);
  auto income = ctx_->ledger->Entries(
      "seller", std::string(kSubscriptionIncome), 0, INT64_MAX);
  ASSERT_EQ(income->size(), 2u);
  EXPECT_EQ((*income)[0].amount_cents, 269910);
  EXPECT_EQ(ctx_->models->Get("model-1")->total_downloads, 2);
  // The seller hears of both sales; the second says what it renews.
  std::vector<json> events = Events(seller_hook);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["event"], "model.subscribed");
  EXPECT_EQ(events[1]["data"]["subscription_id"], next.id);
  EXPECT_EQ(events[1]["data"]["renewal_of"], first.id);
  EXPECT_EQ(events[1]["data"]["amount"], "2999.00");
}

TEST_F(RenewalTest, ASecondSweepDoesNotChargeAgain) {
  Subscribe(true);
  GoTo("2025-02-16");
  ASSERT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 1);
  const double after = Credits("buyer");
  auto again = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(again->renewed, 0);
  EXPECT_NEAR(Credits("buyer"), after, 1e-9);
  // A renewal found late still follows the old period without a gap.
  auto subs =
      ctx_->marketplace->ListSubscriptions(std::nullopt, "buyer", std::nullopt);
  EXPECT_EQ(ml::FormatDate((*subs)[0].start_day), "2025-02-15");
}

TEST_F(RenewalTest, WithoutFundsTheSubscriptionExpiresWithTheReason) {
  const std::string buyer_hook = Endpoint("buyer");
  Subscription s = Subscribe(true);
  ASSERT_TRUE(ctx_->ledger
                  ->Apply("buyer", -(10000 - 2999 - 100) * 100, kCreditPurchase,
                          "spent", clock_.NowMillis())
                  .ok());  // 100.00 left
  GoTo("2025-02-15");
  auto r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->renewed, 0);
  EXPECT_EQ(r->expired, 1);
  EXPECT_NEAR(Credits("buyer"), 100.00, 1e-9);
  EXPECT_NEAR(Credits("seller"), 2699.10, 1e-9);  // the first month only
  const Subscription after = Reload(s.id);
  EXPECT_EQ(after.renewal_status, kRenewalInsufficientCredits);
  EXPECT_FALSE(after.renewed_by.has_value());
  EXPECT_FALSE(
      ctx_->marketplace->ActiveSubscription("buyer", "model-1", Today())
          ->has_value());
  std::vector<json> events = Events(buyer_hook);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"], "subscription.renewal_failed");
  EXPECT_EQ(events[0]["data"]["subscription_id"], s.id);
  EXPECT_EQ(events[0]["data"]["status"], "EXPIRED");
  EXPECT_EQ(events[0]["data"]["reason"], "INSUFFICIENT_CREDITS");
  // It is not retried by later sweeps.
  ASSERT_TRUE(
      ctx_->ledger
          ->Apply("buyer", 500000, kCreditPurchase, "topup", clock_.NowMillis())
          .ok());
  GoTo("2025-02-16");
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
}

TEST_F(RenewalTest, AWithdrawnListingIsNotRenewed) {
  Subscription s = Subscribe(true);
  ASSERT_TRUE(ctx_->marketplace
                  ->Review("listing-1", kApproved, kRejected, "withdrawn",
                           false, clock_.NowMillis())
                  .ok());
  GoTo("2025-02-15");
  auto r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->expired, 1);
  EXPECT_EQ(Reload(s.id).renewal_status, kRenewalListingUnavailable);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
}

TEST_F(RenewalTest, SubscriptionsWithoutAutoRenewJustEnd) {
  Subscription s = Subscribe(false);
  GoTo("2025-03-01");
  auto r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->renewed + r->expired, 0);
  EXPECT_EQ(Reload(s.id).renewal_status, "");
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
}

TEST_F(RenewalTest, ARenewalMoreThanAMonthLateStartsToday) {
  Subscribe(true);
  GoTo("2025-04-02");  // no sweep ran for over a month
  ASSERT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 1);
  auto subs =
      ctx_->marketplace->ListSubscriptions(std::nullopt, "buyer", std::nullopt);
  EXPECT_EQ(ml::FormatDate((*subs)[0].start_day), "2025-04-02");
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);  // one month
}

TEST_F(RenewalTest, SubscribingAgainBeforeTheSweepReplacesTheRenewal) {
  Subscription s = Subscribe(true);
  GoTo("2025-02-20");
  Subscription manual = Subscribe(false);
  EXPECT_EQ(Reload(s.id).renewal_status, kRenewed);
  EXPECT_EQ(Reload(s.id).renewed_by, manual.id);
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);
}

TEST_F(RenewalTest, OnUseRenewalAndTheSweepRenewOnce) {
  Subscribe(true);
  GoTo("2025-02-15");
  ASSERT_EQ(*RenewDueSubscription(*ctx_, "buyer", "model-1", Today()), true);
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);
}

TEST_F(RenewalTest, TheSchedulerSweepsInTheBackground) {
  Subscription s = Subscribe(true);
  GoTo("2025-02-15");
  RenewalScheduler scheduler(ctx_.get(), 10);
  scheduler.Start();
  bool renewed = false;
  for (int i = 0; i < 1000 && !renewed; ++i) {
    renewed = Reload(s.id).renewal_status == kRenewed;
    if (!renewed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  scheduler.Stop();
  EXPECT_TRUE(renewed);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);
}

TEST_F(RenewalTest, ACrashBeforeTheChargeIsRenewedOnceOnResume) {
  Subscription s = Subscribe(true);
  GoTo("2025-02-15");
  CrashAt("renewal.claimed");
  EXPECT_FALSE(RenewDueSubscriptions(*ctx_, Today())->renewed);
  EXPECT_EQ(Reload(s.id).renewal_status, kRenewalInProgress);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);  // not charged yet
  Restart();
  RenewalScheduler scheduler(ctx_.get(), 600'000);  // its start-up sweep
  auto r = scheduler.RunOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->released, 1);
  EXPECT_EQ(r->renewed, 1);
  ExpectMonthsPaid(2);
  EXPECT_EQ(Successor(s.id).renewal_of, s.id);
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
  EXPECT_EQ(Ledger("buyer", kSubscriptionPayment).size(), 2u);
}

TEST_F(RenewalTest, ACrashAfterTheChargeIsNotChargedAgainAndThePeriodAdvances) {
  const std::string seller_hook = Endpoint("seller");
  Subscription s = Subscribe(true);
  GoTo("2025-02-15");
  CrashAt("sale.charged");
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
  // The subscriber paid; the seller was not paid and the old period is
  // still being renewed.
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);
  EXPECT_NEAR(Credits("seller"), 2699.10, 1e-9);
  EXPECT_EQ(Reload(s.id).renewal_status, kRenewalInProgress);
  Restart();
  auto r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->resumed, 1);
  EXPECT_EQ(r->renewed + r->released, 0);
  ExpectMonthsPaid(2);
  const Subscription next = Successor(s.id);
  EXPECT_EQ(next.renewal_of, s.id);
  EXPECT_EQ(next.settlement, kSettled);
  EXPECT_EQ(ml::FormatDate(next.start_day), "2025-02-15");
  EXPECT_EQ(ml::FormatDate(next.end_day), "2025-03-15");
  EXPECT_EQ(Ledger("buyer", kSubscriptionPayment).size(), 2u);
  EXPECT_EQ(Ledger("seller", kSubscriptionIncome).size(), 2u);
  EXPECT_EQ(ctx_->models->Get("model-1")->total_downloads, 2);
  EXPECT_EQ(Events(seller_hook).size(), 2u);
  // Nothing is left to resume, and the new period renews normally.
  r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->resumed + r->renewed + r->released, 0);
  GoTo("2025-03-15");
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 1);
  EXPECT_NEAR(Credits("buyer"), 10000 - 3 * 2999.00, 1e-9);
}

TEST_F(RenewalTest, ACrashBeforeTheAnnouncementAnnouncesOnResumeOnly) {
  const std::string seller_hook = Endpoint("seller");
  Subscribe(true);
  GoTo("2025-02-15");
  CrashAt("sale.paid");
  RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(Events(seller_hook).size(), 1u);  // the first month's only
  Restart();
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->resumed, 1);
  std::vector<json> events = Events(seller_hook);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[1]["data"].contains("renewal_of"));
  ExpectMonthsPaid(2);
  EXPECT_EQ(ctx_->models->Get("model-1")->total_downloads, 2);
}

TEST_F(RenewalTest, TheRenewalKeyRollsBackASecondChargeForThePeriod) {
  Subscription s = Subscribe(true);
  GoTo("2025-02-15");
  CrashAt("sale.charged");
  RenewDueSubscriptions(*ctx_, Today());
  // A second charge for the same period (a racing or repeated attempt):
  // the subscription row with the same renewal_of is refused, and the
  // debit in its transaction is rolled back with it.
  Subscription again = s;
  again.id = "second-attempt";
  again.renewal_of = s.id;
  again.settlement = kSettlementCharged;
  auto r = ctx_->ledger->Apply(
      "buyer", -299900, kSubscriptionPayment, again.id, clock_.NowMillis(),
      [&] { return ctx_->marketplace->CreateSubscriptionLocked(again); });
  EXPECT_FALSE(r.ok());
  EXPECT_NEAR(Credits("buyer"), 10000 - 2 * 2999.00, 1e-9);
  EXPECT_EQ(Ledger("buyer", kSubscriptionPayment).size(), 2u);
}

TEST_F(RenewalTest, TheSellerOfASaleIsPaidOnlyOnce) {
  Subscription s = Subscribe(true);
  ASSERT_EQ(Reload(s.id).settlement, kSettled);
  s.settlement = kSettlementCharged;  // as if a resumed attempt had not seen
  auto r = ctx_->ledger->Apply(
      "seller", 269910, kSubscriptionIncome, s.id, clock_.NowMillis(),
      [&] { return ctx_->marketplace->MarkPaidLocked(s); });
  EXPECT_EQ(r.status().code(), ErrorCode::kConflict);
  ExpectMonthsPaid(1);
  EXPECT_EQ(Ledger("seller", kSubscriptionIncome).size(), 1u);
}

TEST_F(RenewalTest, ANewSubscriptionInterruptedAfterTheChargePaysTheSeller) {
  CrashAt("sale.charged");
  auto s =
      StartSubscription(*ctx_, listing_, "buyer", "MONTHLY", false, Today());
  EXPECT_FALSE(s.ok());
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
  EXPECT_NEAR(Credits("seller"), 0, 1e-9);
  // The subscriber has access for the month paid for.
  EXPECT_TRUE(ctx_->marketplace->ActiveSubscription("buyer", "model-1", Today())
                  ->has_value());
  Restart();
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->resumed, 1);
  ExpectMonthsPaid(1);
  EXPECT_EQ(ctx_->models->Get("model-1")->total_downloads, 1);
}

TEST_F(RenewalTest, TurningAutoRenewOffLetsItExpireAtTheEndWithoutCharge) {
  Subscription s = Subscribe(true);
  ASSERT_TRUE(ctx_->marketplace->SetAutoRenew(s.id, false, Today()).ok());
  GoTo("2025-02-14");  // the last day of access
  EXPECT_TRUE(ctx_->marketplace->ActiveSubscription("buyer", "model-1", Today())
                  ->has_value());
  GoTo("2025-02-15");  // expires_at
  auto r = RenewDueSubscriptions(*ctx_, Today());
  EXPECT_EQ(r->renewed + r->expired, 0);
  EXPECT_FALSE(
      ctx_->marketplace->ActiveSubscription("buyer", "model-1", Today())
          ->has_value());
  EXPECT_FALSE(*RenewDueSubscription(*ctx_, "buyer", "model-1", Today()));
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
  EXPECT_EQ(Ledger("buyer", kSubscriptionPayment).size(), 1u);
}

TEST_F(RenewalTest, ACancelledSubscriptionIsNotRenewed) {
  Subscription s = Subscribe(true);
  ASSERT_TRUE(
      ctx_->marketplace->Cancel(s.id, clock_.NowMillis(), Today()).ok());
  GoTo("2025-02-15");
  EXPECT_EQ(RenewDueSubscriptions(*ctx_, Today())->renewed, 0);
  EXPECT_NEAR(Credits("buyer"), 10000 - 2999.00, 1e-9);
  EXPECT_TRUE(Reload(s.id).cancelled_at.has_value());
}

TEST(RenewalIntervalTest, ComesFromTheConfigurationWithASafeDefault) {
  Config config;
  EXPECT_EQ(RenewalIntervalMs(config), 600'000);
  config.product_settings[kRenewalIntervalSetting] = "2.5";
  EXPECT_EQ(RenewalIntervalMs(config), 2'500);
  config.product_settings[kRenewalIntervalSetting] = "-1";
  EXPECT_EQ(RenewalIntervalMs(config), 600'000);
}

TEST(RenewalIntervalTest, IsNotReadFromTheProcessEnvironment) {
  setenv(kRenewalIntervalSetting, "2.5", 1);
  EXPECT_EQ(RenewalIntervalMs(Config()), 600'000);
  unsetenv(kRenewalIntervalSetting);
}

}  // namespace
}  // namespace trainyard::studio
