// webhooks/ through HTTP with a local receiver: registration, signed
// deliveries of training_job.completed / .failed and model.subscribed, and
// a receiver that was down getting the event on a retry.

#include <mutex>

#include "core/crypto.h"
#include "core/test_support.h"
#include "notify/webhook_receiver_test_support.h"
#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

// Receivers here answer 200: the delivery log tests expect that status.
using notify::WebhookReceiver;

class WebhookRoutesTest : public StudioServerTest {
 protected:
  std::string Register(const std::string& token, const std::string& url,
                       const json& extra = json::object()) {
    json body = {{"url", url}, {"secret", "0123456789abcdef-secret"}};
    body.update(extra);
    auto r = Post(token, "webhooks/", body);
    EXPECT_EQ(r->status, 201) << r->body;
    return Body(r)["id"];
  }
};

TEST_F(WebhookRoutesTest,
       CompletedTrainingIsDeliveredSignedWithTheDocumentedPayload) {
  WebhookReceiver receiver(0, 200);
  Register(alice_, receiver.url());
  const std::string model = TrainedModel(alice_);
  auto got = receiver.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  const httplib::Request& req = got[0];
  EXPECT_EQ(req.get_header_value("X-Sharewise-Event"),
            "training_job.completed");
  EXPECT_EQ(req.get_header_value("X-Sharewise-Signature"),
            HmacSha256Hex("0123456789abcdef-secret", req.body));
  json body = json::parse(req.body);
  EXPECT_EQ(body["event"], "training_job.completed");
  EXPECT_EQ(body["data"]["model_id"], model);
  EXPECT_EQ(body["data"]["status"], "COMPLETED");
  const json detail = Body(Get(alice_, "models/" + model + "/"));
  EXPECT_EQ(body["data"]["performance_metrics"]["accuracy"],
            detail["performance_metrics"]["accuracy"]);
  EXPECT_EQ(body["data"]["performance_metrics"]["sharpe_ratio"],
            detail["performance_metrics"]["sharpe_ratio"]);
  EXPECT_EQ(body["delivery_id"], req.get_header_value("X-Sharewise-Delivery"));
  EXPECT_TRUE(body["timestamp"].is_string());
}

TEST_F(WebhookRoutesTest, FailedTrainingAndSubscriptionEventsReachTheirOwners) {
  WebhookReceiver alice_hooks(0, 200);
  Register(alice_, alice_hooks.url());
  json body = TinyModelBody("short");
  body["training_config"]["start_date"] = "2023-01-02";
  body["training_config"]["end_date"] = "2023-01-20";
  const std::string failing = CreateModel(alice_, body);
  json job = WaitForJob(
      alice_, Body(Post(alice_, "models/" + failing + "/train/"))["job_id"]);
  ASSERT_EQ(job["status"], "FAILED");
  auto got = alice_hooks.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].get_header_value("X-Sharewise-Event"),
            "training_job.failed");
  EXPECT_EQ(json::parse(got[0].body)["data"]["status"], "FAILED");

  // A subscription notifies the seller with the document's fields.
  const std::string model = TrainedModel(alice_);
  auto pub = Post(alice_, "models/" + model + "/publish/",
                  {{"title", "t"},
                   {"description", "d"},
                   {"category", "OTHER"},
                   {"asset_classes", {"INDEX"}},
                   {"monthly_price", "10.00"}});
  const std::string listing = Body(pub)["listing_id"];
  Post(admin_, "admin/listings/" + listing + "/approve/");
  json sub = Body(Post(carol_, "marketplace/" + listing + "/subscribe/"));
  got = alice_hooks.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  json event = json::parse(got[2].body);
  EXPECT_EQ(event["event"], "model.subscribed");
  EXPECT_EQ(event["data"]["listing_id"], listing);
  EXPECT_EQ(event["data"]["subscriber_id"], carol_id_);
  EXPECT_EQ(event["data"]["subscription_id"], sub["subscription_id"]);
  EXPECT_EQ(event["data"]["amount"], "10.00");
}

TEST_F(WebhookRoutesTest, AReceiverThatWasDownGetsTheEventOnARetry) {
  const int port = testing::ClosedLoopbackPort();
  const std::string hook =
      Register(alice_, "http://127.0.0.1:" + std::to_string(port) + "/hook",
               {{"events", {"training_job.completed"}}});
  TrainedModel(alice_);
  json log;
  for (int i = 0; i < 500; ++i) {
    log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
    if (log["count"] == 1 && log["results"][0]["attempts"] >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(log["count"], 1);
  EXPECT_EQ(log["results"][0]["status"], "PENDING");
  EXPECT_TRUE(log["results"][0]["log"][0]["error"].is_string());

  WebhookReceiver receiver(port, 200);
  ASSERT_EQ(receiver.port(), port);
  ASSERT_EQ(receiver.WaitFor(1).size(), 1u);
  for (int i = 0; i < 500; ++i) {
    log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
    if (log["results"][0]["status"] == "DELIVERED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log["results"][0]["status"], "DELIVERED");
  const json& attempts = log["results"][0]["log"];
  ASSERT_GE(attempts.size(), 2u);
  EXPECT_EQ(attempts.back()["status_code"], 200);
}

TEST_F(WebhookRoutesTest, PendingDeliveriesSurviveARestart) {
  const int port = testing::ClosedLoopbackPort();
  const std::string hook =
      Register(alice_, "http://127.0.0.1:" + std::to_string(port) + "/hook",
               {{"events", {"training_job.completed"}}});
  TrainedModel(alice_);
  app_->Stop();
  app_.reset();

  // The same data directory, a new server, and now the receiver is up.
  WebhookReceiver receiver(port, 200);
  ASSERT_EQ(receiver.port(), port);
  Config config;
  config.home = tmp_.Sub("home");
  config.port = 0;
  config.workers = 1;
  auto app = app::ServerApp::Create(config);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  app_ = std::move(*app);
  ASSERT_TRUE(app_->Start().ok());
  client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
  auto got = receiver.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].get_header_value("X-Sharewise-Event"),
            "training_job.completed");
  json log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
  for (int i = 0; i < 200 && log["results"][0]["status"] != "DELIVERED"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
  }
  EXPECT_EQ(log["results"][0]["status"], "DELIVERED");
}

TEST_F(WebhookRoutesTest, RegisterListDeleteAndValidation) {
  auto r = Post(alice_, "webhooks/", {{"url", "http://127.0.0.1:9/hook"}});
  ASSERT_EQ(r->status, 201) << r->body;
  json created = Body(r);
  EXPECT_EQ(created["events"].size(), 4u);
  EXPECT_GE(created["secret"].get<std::string>().size(), 32u);  // generated
  json list = Body(Get(alice_, "webhooks/"));
  EXPECT_EQ(list["count"], 1);
  EXPECT_FALSE(list["results"][0].contains("secret"));
  EXPECT_EQ(Body(Get(bob_, "webhooks/"))["count"], 0);
  const std::string id = created["id"];
  ExpectError(Delete(bob_, "webhooks/" + id + "/"), 404, "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Delete(alice_, "webhooks/" + id + "/")->status, 204);
  EXPECT_EQ(Body(Get(alice_, "webhooks/"))["count"], 0);
  ExpectError(Post(alice_, "webhooks/", {{"url", "ftp://x"}}), 400,
              "VALIDATION_ERROR");
  ExpectError(Post(alice_, "webhooks/",
                   {{"url", "http://x/"}, {"events", {"model.deleted"}}}),
              400, "VALIDATION_ERROR");
  ExpectError(
      Post(alice_, "webhooks/", {{"url", "http://x/"}, {"secret", "short"}}),
      400, "VALIDATION_ERROR");
}

}  // namespace
}  // namespace trainyard::studio
