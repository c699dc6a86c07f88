// webhooks/ through HTTP with local receivers: registration, signed
// deliveries of training_job.completed / .failed and model.subscribed, a
// receiver that was down getting the event on a retry, HTTPS receivers, and
// no deliveries at all to internal addresses unless an administrator
// allowed them.

#include <mutex>

#include "core/crypto.h"
#include "core/test_support.h"
#include "notify/tls_test_support.h"
#include "notify/webhook_receiver_test_support.h"
#include "notify/webhook_store.h"
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
  auto app = app::ServerApp::Create(ServerConfig());
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
  ExpectError(Post(alice_, "webhooks/", {{"url", "http://u:p@x/"}}), 400,
              "VALIDATION_ERROR");
  ExpectError(Post(alice_, "webhooks/",
                   {{"url", "http://x/"}, {"events", {"model.deleted"}}}),
              400, "VALIDATION_ERROR");
  ExpectError(
      Post(alice_, "webhooks/", {{"url", "http://x/"}, {"secret", "short"}}),
      400, "VALIDATION_ERROR");
}

// The server as shipped: no allow-list, so loopback is as internal as the
// cloud's metadata address.
class WebhookRoutesNoAllowListTest : public WebhookRoutesTest {
 protected:
  Config ServerConfig() override {
    Config config = WebhookRoutesTest::ServerConfig();
    config.webhook_allow_cidrs.clear();
    return config;
  }
  // Polls the endpoint's delivery log until its first delivery has stopped
  // being PENDING; returns that log.
  json SettledLog(const std::string& token, const std::string& hook) {
    json log;
    for (int i = 0; i < 500; ++i) {
      log = Body(Get(token, "webhooks/" + hook + "/deliveries/"));
      if (log["count"] == 1 && log["results"][0]["status"] != "PENDING") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return log;
  }
};

TEST_F(WebhookRoutesNoAllowListTest, RegistrationRefusesInternalUrls) {
  WebhookReceiver receiver(0, 200);
  for (const std::string& url :
       {receiver.url(), receiver.UrlWithHost("localhost"),
        receiver.UrlWithHost("::ffff:127.0.0.1"), receiver.UrlWithHost("::1"),
        std::string("http://169.254.169.254/latest/meta-data/"),
        std::string("http://10.0.0.1/"), std::string("https://192.168.0.1/"),
        std::string("http://[fd00:ec2::254]/"),
        std::string("http://0.0.0.0/")}) {
    auto r = Post(bob_, "webhooks/", {{"url", url}});
    ExpectError(r, 400, "VALIDATION_ERROR");
    const json error = Body(r)["error"];
    ASSERT_TRUE(error["details"]["url"].is_array()) << r->body;
    EXPECT_NE(error["details"]["url"][0].get<std::string>().find(
                  "must point to a public address"),
              std::string::npos)
        << url << ": " << r->body;
  }
  EXPECT_EQ(Body(Get(bob_, "webhooks/"))["count"], 0);
}

// URLs that got into the outbox anyway (registered before this check, or a
// name that pointed elsewhere then): the deliverer refuses each at delivery
// time, and the receiver that really listens on loopback gets nothing.
TEST_F(WebhookRoutesNoAllowListTest, InternalReceiversGetNoDeliveries) {
  std::string dave_id;
  const std::string dave = NewUser("dave", store::Tier::kFree, 100.0, &dave_id);
  WebhookReceiver receiver(0, 200);
  notify::WebhookStore* webhooks = app_->runtime().store->webhooks();
  std::vector<std::string> hooks;
  for (const std::string& url :
       {receiver.url(), receiver.UrlWithHost("localhost"),
        receiver.UrlWithHost("::ffff:127.0.0.1"),
        std::string("http://169.254.169.254/latest/meta-data/"),
        std::string("http://10.0.0.1/")}) {
    notify::WebhookEndpoint e{NewUuidV4(),
                              dave_id,
                              url,
                              "0123456789abcdef",
                              {"training_job.completed"},
                              1};
    ASSERT_TRUE(webhooks->CreateEndpoint(e).ok());
    hooks.push_back(e.id);
  }
  TrainedModel(dave);
  for (const std::string& hook : hooks) {
    const json log = SettledLog(dave, hook);
    ASSERT_EQ(log["count"], 1) << log.dump();
    EXPECT_EQ(log["results"][0]["status"], "FAILED");
    EXPECT_EQ(log["results"][0]["attempts"], 1);
    const std::string error = log["results"][0]["log"][0]["error"];
    EXPECT_EQ(error.rfind("refused: ", 0), 0u) << error;
  }
  EXPECT_EQ(receiver.requests().size(), 0u);
}

// An HTTPS receiver whose certificate a private CA issued, trusted through
// TRAINYARD_WEBHOOK_CA_FILE.
class WebhookRoutesHttpsTest : public WebhookRoutesTest {
 protected:
  Config ServerConfig() override {
    Config config = WebhookRoutesTest::ServerConfig();
    config.webhook_ca_file = ca_.ca_file();
    return config;
  }
  std::unique_ptr<WebhookReceiver> HttpsReceiver(notify::TestCa& ca) {
    notify::TestCertificate cert =
        ca.Issue("receiver", {"DNS:localhost", "IP:127.0.0.1"});
    EXPECT_FALSE(cert.cert_file.empty());
    notify::ReceiverOptions o;
    o.cert_file = cert.cert_file;
    o.key_file = cert.key_file;
    return std::make_unique<WebhookReceiver>(o);
  }
  testing::TempDir pki_;
  notify::TestCa ca_{pki_.path(), "studio"};
  notify::TestCa stranger_{pki_.path(), "stranger"};
};

TEST_F(WebhookRoutesHttpsTest, AnHttpsReceiverGetsTheEventOverVerifiedTls) {
  ASSERT_TRUE(ca_.ok());
  auto receiver = HttpsReceiver(ca_);
  const std::string url = receiver->UrlWithHost("localhost");
  ASSERT_EQ(url.rfind("https://localhost:", 0), 0u);
  const std::string hook =
      Register(alice_, url, {{"events", {"training_job.completed"}}});
  TrainedModel(alice_);
  auto got = receiver->WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].get_header_value("X-Sharewise-Signature"),
            HmacSha256Hex("0123456789abcdef-secret", got[0].body));
  json log;
  for (int i = 0; i < 500; ++i) {
    log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
    if (log["results"][0]["status"] == "DELIVERED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log["results"][0]["status"], "DELIVERED") << log.dump();
  EXPECT_EQ(log["results"][0]["log"].back()["status_code"], 204);
}

TEST_F(WebhookRoutesHttpsTest, AnUntrustedCertificateIsRefusedAndLogged) {
  ASSERT_TRUE(stranger_.ok());
  auto receiver = HttpsReceiver(stranger_);
  const std::string hook = Register(alice_, receiver->url(),
                                    {{"events", {"training_job.completed"}}});
  TrainedModel(alice_);
  json log;
  for (int i = 0; i < 500; ++i) {
    log = Body(Get(alice_, "webhooks/" + hook + "/deliveries/"));
    if (log["count"] == 1 && log["results"][0]["attempts"] >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(log["count"], 1);
  EXPECT_NE(log["results"][0]["status"], "DELIVERED");
  EXPECT_EQ(log["results"][0]["log"][0]["error"],
            "TLS certificate verification failed: unable to get local issuer "
            "certificate");
  EXPECT_TRUE(log["results"][0]["log"][0]["status_code"].is_null());
  EXPECT_EQ(receiver->requests().size(), 0u);
}

}  // namespace
}  // namespace trainyard::studio
