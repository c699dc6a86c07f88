// The subscriber's subscription endpoints through HTTP: the paginated list
// and detail with their fields, switching auto-renewal off and on, cancel,
// validation, another user's id (404) and ended or cancelled
// subscriptions (409).
#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

class SubscriptionRoutesTest : public StudioServerTest {
 protected:
  // Alice sells a model; Carol subscribes with auto-renewal.
  void SetUp() override {
    StudioServerTest::SetUp();
    model_ = TrainedModel(alice_);
    listing_ = ApprovedListing(alice_, model_);
    auto r = Post(carol_, "marketplace/" + listing_ + "/subscribe/",
                  {{"subscription_type", "MONTHLY"}, {"auto_renew", true}});
    ASSERT_EQ(r->status, 201) << r->body;
    sub_ = Body(r)["subscription_id"];
  }
  std::string Path() const { return "subscriptions/" + sub_ + "/"; }
  std::string model_, listing_, sub_;
};

TEST_F(SubscriptionRoutesTest, TheListHasTheCallersSubscriptionsOnly) {
  json page = Body(Get(carol_, "subscriptions/"));
  ASSERT_EQ(page["count"], 1) << page.dump();
  EXPECT_TRUE(page["next"].is_null());
  EXPECT_TRUE(page["previous"].is_null());
  const json& s = page["results"][0];
  EXPECT_EQ(s["subscription_id"], sub_);
  EXPECT_EQ(s["listing_id"], listing_);
  EXPECT_EQ(s["model_id"], model_);
  EXPECT_EQ(s["subscription_type"], "MONTHLY");
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["auto_renew"], true);
  EXPECT_EQ(s["price_paid"], "2999.00");
  EXPECT_EQ(s["renewal_status"], "PENDING");
  EXPECT_EQ(s["next_billing_date"], s["end_date"]);
  EXPECT_EQ(s["started_at"], s["start_date"].get<std::string>() + "T00:00:00Z");
  EXPECT_EQ(s["expires_at"], s["end_date"].get<std::string>() + "T00:00:00Z");
  EXPECT_TRUE(s["cancelled_at"].is_null());
  // The earlier path answers the same list.
  EXPECT_EQ(Body(Get(carol_, "marketplace/subscriptions/")), page);
  EXPECT_EQ(Body(Get(bob_, "subscriptions/"))["count"], 0);
  EXPECT_EQ(Body(Get(alice_, "subscriptions/"))["count"], 0);  // the seller
}

TEST_F(SubscriptionRoutesTest, TheListIsPaginated) {
  AddExpiredSubscription(listing_, model_, carol_id_, alice_id_, false);
  json first = Body(Get(carol_, "subscriptions/?page_size=1"));
  EXPECT_EQ(first["count"], 2);
  ASSERT_EQ(first["results"].size(), 1u);
  EXPECT_EQ(first["results"][0]["subscription_id"], sub_);  // newest first
  EXPECT_TRUE(first["previous"].is_null());
  ASSERT_TRUE(first["next"].is_string());
  json second = Body(Get(carol_, "subscriptions/?page_size=1&page=2"));
  ASSERT_EQ(second["results"].size(), 1u);
  EXPECT_EQ(second["results"][0]["status"], "EXPIRED");
  EXPECT_TRUE(second["next"].is_null());
  ExpectError(Get(carol_, "subscriptions/?page_size=0"), 400,
              "VALIDATION_ERROR");
}

TEST_F(SubscriptionRoutesTest, DetailShowsOneSubscription) {
  auto r = Get(carol_, Path());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r), Body(Get(carol_, "subscriptions/"))["results"][0]);
}

TEST_F(SubscriptionRoutesTest, AnotherUsersSubscriptionIsNotFound) {
  ExpectError(Get(bob_, Path()), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Get(alice_, Path()), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Patch(bob_, Path(), {{"auto_renew", false}}), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Post(bob_, Path() + "cancel/"), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Get(carol_, "subscriptions/no-such-id/"), 404,
              "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Body(Get(carol_, Path()))["auto_renew"], true);  // unchanged
}

TEST_F(SubscriptionRoutesTest, PatchTurnsAutoRenewOffAndBackOn) {
  auto r = Patch(carol_, Path(), {{"auto_renew", false}});
  ASSERT_EQ(r->status, 200) << r->body;
  json off = Body(r);
  EXPECT_EQ(off["auto_renew"], false);
  EXPECT_EQ(off["status"], "ACTIVE");
  EXPECT_TRUE(off["renewal_status"].is_null());
  EXPECT_TRUE(off["next_billing_date"].is_null());
  r = Patch(carol_, Path(), {{"auto_renew", true}});
  ASSERT_EQ(r->status, 200) << r->body;
  json on = Body(r);
  EXPECT_EQ(on["auto_renew"], true);
  EXPECT_EQ(on["renewal_status"], "PENDING");
  EXPECT_EQ(on["next_billing_date"], on["end_date"]);
  EXPECT_EQ(Body(Get(carol_, Path())), on);
}

TEST_F(SubscriptionRoutesTest, PatchAcceptsOnlyABooleanAutoRenew) {
  auto r = Patch(carol_, Path(), {{"auto_renew", false}, {"status", "X"}});
  ExpectError(r, 400, "VALIDATION_ERROR");
  EXPECT_TRUE(Body(r)["error"]["details"].contains("status")) << r->body;
  ExpectError(Patch(carol_, Path(), json::object()), 400, "VALIDATION_ERROR");
  ExpectError(Patch(carol_, Path(), {{"auto_renew", "no"}}), 400,
              "VALIDATION_ERROR");
  ExpectError(client_->Patch(Api(Path()), Auth(carol_), std::string("{"),
                             "application/json"),
              400, "VALIDATION_ERROR");
  EXPECT_EQ(Body(Get(carol_, Path()))["auto_renew"], true);  // unchanged
}

TEST_F(SubscriptionRoutesTest, CancelStopsRenewalButKeepsAccessUntilExpiry) {
  const double credits = Credits(carol_id_);
  auto r = Post(carol_, Path() + "cancel/");
  ASSERT_EQ(r->status, 200) << r->body;
  json cancelled = Body(r);
  EXPECT_EQ(cancelled["status"], "CANCELLED");
  EXPECT_EQ(cancelled["auto_renew"], false);
  EXPECT_TRUE(cancelled["renewal_status"].is_null());
  EXPECT_TRUE(cancelled["next_billing_date"].is_null());
  EXPECT_TRUE(cancelled["cancelled_at"].is_string());
  EXPECT_EQ(cancelled["expires_at"],
            Body(Get(carol_, "subscriptions/"))["results"][0]["expires_at"]);
  EXPECT_NEAR(Credits(carol_id_), credits, 1e-9);  // no refund
  EXPECT_EQ(
      Post(carol_, "models/" + model_ + "/predict/", {{"symbols", {"NIFTY50"}}})
          ->status,
      200);
  r = Patch(carol_, Path(), {{"auto_renew", true}});
  ExpectError(r, 409, "CONFLICT");
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("cancelled"),
            std::string::npos)
      << r->body;
  ExpectError(Post(carol_, Path() + "cancel/"), 409, "CONFLICT");
}

TEST_F(SubscriptionRoutesTest, AnEndedSubscriptionCannotBeChanged) {
  const std::string ended =
      AddExpiredSubscription(listing_, model_, carol_id_, alice_id_, false);
  auto r =
      Patch(carol_, "subscriptions/" + ended + "/", {{"auto_renew", true}});
  ExpectError(r, 409, "CONFLICT");
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("expired on"),
            std::string::npos)
      << r->body;
  ExpectError(Post(carol_, "subscriptions/" + ended + "/cancel/"), 409,
              "CONFLICT");
  EXPECT_EQ(Body(Get(carol_, "subscriptions/" + ended + "/"))["status"],
            "EXPIRED");
}

}  // namespace
}  // namespace trainyard::studio
