#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/test_support.h"
#include "notify/webhook_deliverer.h"
#include "notify/webhook_receiver_test_support.h"
#include "notify/webhook_store.h"

namespace trainyard::notify {
namespace {

using nlohmann::json;

// RFC 4231 test case 2.
TEST(SignBodyTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(RetryDelayTest, DoublesFromTheBaseUpToTheCap) {
  DeliveryOptions o;
  o.base_delay_ms = 100;
  o.max_delay_ms = 1000;
  EXPECT_EQ(RetryDelayMs(o, 1), 100);
  EXPECT_EQ(RetryDelayMs(o, 2), 200);
  EXPECT_EQ(RetryDelayMs(o, 3), 400);
  EXPECT_EQ(RetryDelayMs(o, 5), 1000);
  EXPECT_EQ(RetryDelayMs(o, 40), 1000);
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(":memory:", {});
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    auto s = WebhookStore::Open(db_.get());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void AddEndpoint(const std::string& url) {
    WebhookEndpoint e{
        NewUuidV4(), "u1", url, "s3cret", {"training_job.completed"}, 1};
    endpoint_id_ = e.id;
    ASSERT_TRUE(store_->CreateEndpoint(e).ok());
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<WebhookStore> store_;
  std::string endpoint_id_;
};

TEST_F(WebhookTest, OnlyEndpointsThatWantTheEventGetADelivery) {
  AddEndpoint("http://127.0.0.1:1/hook");
  EXPECT_EQ(*store_->Enqueue("u1", "model.subscribed", "{}", "t", 1), 0);
  EXPECT_EQ(*store_->Enqueue("u2", "training_job.completed", "{}", "t", 1), 0);
  EXPECT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 1), 1);
}

TEST_F(WebhookTest, SignedDeliveryReachesTheReceiver) {
  WebhookReceiver receiver;
  AddEndpoint(receiver.url());
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed",
                             R"({"job_id":"j1"})", "2025-01-15T14:22:00Z", 0),
            1);
  WebhookDeliverer deliverer(store_.get(), SystemClock::Default(), {});
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  const std::vector<httplib::Request> got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  const httplib::Request& req = got[0];
  EXPECT_EQ(req.get_header_value("X-Sharewise-Event"),
            "training_job.completed");
  EXPECT_EQ(req.get_header_value("X-Sharewise-Signature"),
            HmacSha256Hex("s3cret", req.body));
  json body = json::parse(req.body);
  EXPECT_EQ(body["event"], "training_job.completed");
  EXPECT_EQ(body["data"]["job_id"], "j1");
  EXPECT_EQ(body["timestamp"], "2025-01-15T14:22:00Z");
  EXPECT_EQ(body["delivery_id"], req.get_header_value("X-Sharewise-Delivery"));
  auto log = *store_->Deliveries(endpoint_id_, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, kDelivered);
  ASSERT_TRUE(log[0].last_status_code.has_value());
  EXPECT_EQ(*log[0].last_status_code, 204);
}

TEST_F(WebhookTest, ReceiverThatWasDownGetsTheEventOnRetry) {
  // Reserve a free port, then close it so the first attempt is refused.
  const int port = testing::ClosedLoopbackPort();
  AddEndpoint("http://127.0.0.1:" + std::to_string(port) + "/hook");
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  DeliveryOptions options;
  options.base_delay_ms = 1;
  WebhookDeliverer deliverer(store_.get(), SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  auto log = *store_->Deliveries(endpoint_id_, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, kPending);
  EXPECT_EQ(log[0].attempts, 1);
  EXPECT_FALSE(log[0].last_error.empty());

  WebhookReceiver receiver(port);
  ASSERT_EQ(receiver.port(), port);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(receiver.requests().size(), 1u);
  log = *store_->Deliveries(endpoint_id_, 10);
  EXPECT_EQ(log[0].status, kDelivered);
  auto attempts = *store_->Attempts(log[0].id);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_FALSE(attempts[0].status_code.has_value());
  ASSERT_TRUE(attempts[1].status_code.has_value());
  EXPECT_EQ(*attempts[1].status_code, 204);
}

TEST_F(WebhookTest, GivesUpAfterMaxAttempts) {
  AddEndpoint("http://127.0.0.1:1/hook");
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  DeliveryOptions options;
  options.base_delay_ms = 1;
  options.max_attempts = 2;
  WebhookDeliverer deliverer(store_.get(), SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ((*store_->Deliveries(endpoint_id_, 10))[0].status, kFailed);
  EXPECT_EQ(*deliverer.DeliverDue(), 0);
}

}  // namespace
}  // namespace trainyard::notify
