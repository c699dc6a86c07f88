#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/test_support.h"
#include "notify/fake_resolver_test_support.h"
#include "notify/tls_test_support.h"
#include "notify/webhook_deliverer.h"
#include "notify/webhook_receiver_test_support.h"
#include "notify/webhook_store.h"
#include "store/metadata_store.h"

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

TEST(DeliveryOptionsTest, ComeFromTheConfiguration) {
  Config config;
  config.webhook_allow_cidrs = "127.0.0.0/8,::1";
  config.webhook_retry_base_ms = 7;
  config.webhook_max_delay_ms = 70;
  config.webhook_max_attempts = 3;
  Result<DeliveryOptions> o = DeliveryOptionsFromConfig(config);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->base_delay_ms, 7);
  EXPECT_EQ(o->max_delay_ms, 70);
  EXPECT_EQ(o->max_attempts, 3);
  EXPECT_EQ(o->policy.allowed().size(), 2u);
  EXPECT_TRUE(o->ca_file.empty());
  EXPECT_TRUE(DeliveryOptionsFromConfig(Config())->policy.allowed().empty());
}

TEST(DeliveryOptionsTest, ABadRangeOrAMissingCaFileIsNamed) {
  Config config;
  config.webhook_allow_cidrs = "127.0.0.0/8,localhost";
  Result<DeliveryOptions> o = DeliveryOptionsFromConfig(config);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().details()[0].field, "TRAINYARD_WEBHOOK_ALLOW_CIDRS");
  config = Config();
  config.webhook_ca_file = "/nonexistent/ca.pem";
  o = DeliveryOptionsFromConfig(config);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().details()[0].field, "TRAINYARD_WEBHOOK_CA_FILE");
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenSqliteStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    metadata_ = std::move(*s);
    store_ = metadata_->webhooks();
  }
  void AddEndpoint(const std::string& url) {
    WebhookEndpoint e{
        NewUuidV4(), "u1", url, "s3cret", {"training_job.completed"}, 1};
    endpoint_id_ = e.id;
    ASSERT_TRUE(store_->CreateEndpoint(e).ok());
  }
  // Delivery to the local receivers these tests run: loopback allowed, as
  // an administrator would allow it with TRAINYARD_WEBHOOK_ALLOW_CIDRS.
  static DeliveryOptions LoopbackAllowed() {
    DeliveryOptions o;
    o.policy = *AddressPolicy::WithAllowList("127.0.0.0/8,::1", "test");
    return o;
  }
  // The endpoint's only delivery (fails the test if there is not exactly
  // one).
  Delivery OnlyDelivery() {
    auto log = store_->Deliveries(endpoint_id_, 10);
    EXPECT_TRUE(log.ok());
    EXPECT_EQ(log->size(), 1u);
    return log->empty() ? Delivery() : (*log)[0];
  }
  std::unique_ptr<store::MetadataStore> metadata_;
  WebhookStore* store_ = nullptr;
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
  WebhookDeliverer deliverer(store_, SystemClock::Default(), LoopbackAllowed());
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
  DeliveryOptions options = LoopbackAllowed();
  options.base_delay_ms = 1;
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
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
  DeliveryOptions options = LoopbackAllowed();
  options.base_delay_ms = 1;
  options.max_attempts = 2;
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ((*store_->Deliveries(endpoint_id_, 10))[0].status, kFailed);
  EXPECT_EQ(*deliverer.DeliverDue(), 0);
}

// Every way of writing a loopback receiver, with no allow-list: the
// receiver, really listening on 127.0.0.1, must get nothing, and each
// delivery fails at once with the reason in its log.
TEST_F(WebhookTest, LoopbackReceiversGetNothingWithoutAnAllowList) {
  WebhookReceiver receiver;
  ASSERT_GT(receiver.port(), 0);
  const std::vector<std::string> urls = {
      receiver.url(),
      receiver.UrlWithHost("localhost"),
      receiver.UrlWithHost("::ffff:127.0.0.1"),
      receiver.UrlWithHost("::ffff:7f00:1"),
      receiver.UrlWithHost("::127.0.0.1"),
      receiver.UrlWithHost("0.0.0.0"),
      receiver.UrlWithHost("127.1"),
      receiver.UrlWithHost("2130706433"),
      receiver.UrlWithHost("::1")};
  std::vector<std::string> endpoints;
  for (const auto& url : urls) {
    AddEndpoint(url);
    endpoints.push_back(endpoint_id_);
  }
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0),
            static_cast<int>(urls.size()));
  WebhookDeliverer deliverer(store_, SystemClock::Default(), {});
  ASSERT_EQ(*deliverer.DeliverDue(), static_cast<int>(urls.size()));
  EXPECT_EQ(receiver.requests().size(), 0u);
  for (size_t i = 0; i < urls.size(); ++i) {
    auto log = *store_->Deliveries(endpoints[i], 10);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].status, kFailed) << urls[i];
    EXPECT_EQ(log[0].attempts, 1) << urls[i];
    EXPECT_FALSE(log[0].last_status_code.has_value()) << urls[i];
    EXPECT_EQ(log[0].last_error.rfind("refused: ", 0), 0u)
        << urls[i] << ": " << log[0].last_error;
  }
  EXPECT_EQ(*deliverer.DeliverDue(), 0);  // refused deliveries are not retried
}

TEST_F(WebhookTest, MetadataPrivateAndOtherInternalAddressesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://169.254.169.254/latest/meta-data/",
       "169.254.169.254 is a link-local address"},
      {"http://[::ffff:169.254.169.254]/latest/meta-data/",
       "::ffff:169.254.169.254 is a link-local address"},
      {"http://[fd00:ec2::254]/latest/meta-data/",
       "fd00:ec2::254 is a private address"},
      {"http://10.0.0.1/", "10.0.0.1 is a private address"},
      {"https://172.16.0.1/", "172.16.0.1 is a private address"},
      {"http://192.168.1.1:8080/hook", "192.168.1.1 is a private address"},
      {"http://100.64.0.1/", "100.64.0.1 is a shared (CGNAT) address"},
      {"http://[fe80::1]/", "fe80::1 is a link-local address"},
      {"http://[fc00::1]/", "fc00::1 is a private address"},
      {"http://224.0.0.1/", "224.0.0.1 is a multicast address"},
      {"http://[ff02::1]/", "ff02::1 is a multicast address"},
      {"http://255.255.255.255/", "255.255.255.255 is a broadcast address"},
      {"http://[::]/", ":: is an unspecified address"},
  };
  std::vector<std::string> endpoints;
  for (const auto& c : cases) {
    AddEndpoint(c.first);
    endpoints.push_back(endpoint_id_);
  }
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0),
            static_cast<int>(cases.size()));
  WebhookDeliverer deliverer(store_, SystemClock::Default(), {});
  ASSERT_EQ(*deliverer.DeliverDue(), static_cast<int>(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    auto log = *store_->Deliveries(endpoints[i], 10);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].status, kFailed);
    EXPECT_EQ(log[0].last_error.rfind("refused: " + cases[i].second, 0), 0u)
        << log[0].last_error;
    EXPECT_NE(log[0].last_error.find("TRAINYARD_WEBHOOK_ALLOW_CIDRS"),
              std::string::npos);
  }
}

TEST_F(WebhookTest, ANamePublicAtRegistrationIsRefusedWhenItNowPointsInward) {
  WebhookReceiver receiver;
  FakeHostResolver dns;
  dns.Set("hooks.test", {"93.184.216.34"});
  DeliveryOptions options;
  options.resolver = &dns;
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  const std::string url = receiver.UrlWithHost("hooks.test");
  ASSERT_TRUE(deliverer.CheckUrl(url, "url").ok());  // registration
  AddEndpoint(url);
  dns.Set("hooks.test", {"127.0.0.1"});  // DNS rebinding
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(receiver.requests().size(), 0u);
  const Delivery d = OnlyDelivery();
  EXPECT_EQ(d.status, kFailed);
  EXPECT_EQ(d.last_error.rfind("refused: hooks.test resolves only to refused "
                               "addresses (127.0.0.1 is a loopback address)",
                               0),
            0u)
      << d.last_error;
}

TEST_F(WebhookTest, EachAttemptResolvesAgainAndConnectsToTheAddressItChecked) {
  ReceiverOptions on_allowed;
  on_allowed.host = "127.0.0.2";
  WebhookReceiver allowed(on_allowed);
  ASSERT_GT(allowed.port(), 0);
  // The same port on a refused address: it hears only from a deliverer that
  // connects somewhere other than where it checked.
  WebhookReceiver refused(allowed.port());
  ASSERT_EQ(refused.port(), allowed.port());
  FakeHostResolver dns;
  dns.Set("hooks.test", {"127.0.0.1", "127.0.0.2"});
  DeliveryOptions options;
  options.resolver = &dns;
  options.policy = *AddressPolicy::WithAllowList("127.0.0.2/32", "test");
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  AddEndpoint(allowed.UrlWithHost("hooks.test"));

  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  ASSERT_EQ(allowed.requests().size(), 1u);
  EXPECT_EQ(allowed.requests()[0].get_header_value("Host"),
            "hooks.test:" + std::to_string(allowed.port()));
  EXPECT_EQ(refused.requests().size(), 0u);
  EXPECT_EQ(dns.lookups(), 1);

  dns.Set("hooks.test", {"127.0.0.1"});
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 1), 1);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(dns.lookups(), 2);
  EXPECT_EQ(allowed.requests().size(), 1u);
  EXPECT_EQ(refused.requests().size(), 0u);
  auto log = *store_->Deliveries(endpoint_id_, 10);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, kFailed);  // newest first
  EXPECT_EQ(log[0].last_error.rfind("refused: ", 0), 0u) << log[0].last_error;
  EXPECT_EQ(log[1].status, kDelivered);
}

TEST_F(WebhookTest, RedirectsAreNotFollowed) {
  WebhookReceiver target;
  ReceiverOptions redirecting;
  redirecting.status = 307;
  redirecting.location = target.url();
  WebhookReceiver redirector(redirecting);
  AddEndpoint(redirector.url());
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  DeliveryOptions options = LoopbackAllowed();
  options.max_attempts = 1;
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(redirector.requests().size(), 1u);
  EXPECT_EQ(target.requests().size(), 0u);
  const Delivery d = OnlyDelivery();
  EXPECT_EQ(d.status, kFailed);
  ASSERT_TRUE(d.last_status_code.has_value());
  EXPECT_EQ(*d.last_status_code, 307);
  EXPECT_NE(d.last_error.find("redirects are not followed"), std::string::npos)
      << d.last_error;
}

// HTTPS receivers with certificates from CAs made for the test.
class WebhookTlsTest : public WebhookTest {
 protected:
  void SetUp() override {
    WebhookTest::SetUp();
    ASSERT_TRUE(trusted_.ok());
    ASSERT_TRUE(untrusted_.ok());
  }
  // An HTTPS receiver on 127.0.0.1 whose certificate `ca` issued for
  // localhost, hooks.test and 127.0.0.1.
  static std::unique_ptr<WebhookReceiver> HttpsReceiver(TestCa& ca) {
    TestCertificate cert = ca.Issue(
        "receiver", {"DNS:localhost", "DNS:hooks.test", "IP:127.0.0.1"});
    EXPECT_FALSE(cert.cert_file.empty());
    ReceiverOptions o;
    o.cert_file = cert.cert_file;
    o.key_file = cert.key_file;
    auto receiver = std::make_unique<WebhookReceiver>(o);
    EXPECT_GT(receiver->port(), 0);
    return receiver;
  }
  // Loopback allowed, `ca_file` trusted, one attempt.
  static DeliveryOptions Trusting(const std::string& ca_file) {
    DeliveryOptions o = LoopbackAllowed();
    o.ca_file = ca_file;
    o.max_attempts = 1;
    return o;
  }
  testing::TempDir tmp_;
  TestCa trusted_{tmp_.path(), "trusted"};
  TestCa untrusted_{tmp_.path(), "untrusted"};
};

TEST_F(WebhookTlsTest, DeliversOverHttpsToAReceiverWithATrustedCertificate) {
  auto receiver = HttpsReceiver(trusted_);
  AddEndpoint(receiver->url());
  ASSERT_EQ(receiver->url().rfind("https://127.0.0.1:", 0), 0u);
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed",
                             R"({"job_id":"j1"})", "t", 0),
            1);
  WebhookDeliverer deliverer(store_, SystemClock::Default(),
                             Trusting(trusted_.ca_file()));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  auto got = receiver->requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].get_header_value("X-Sharewise-Signature"),
            HmacSha256Hex("s3cret", got[0].body));
  EXPECT_EQ(json::parse(got[0].body)["data"]["job_id"], "j1");
  const Delivery d = OnlyDelivery();
  EXPECT_EQ(d.status, kDelivered) << d.last_error;
  EXPECT_EQ(d.last_status_code, 204);
}

TEST_F(WebhookTlsTest, VerifiesTheNameWhileConnectingToTheCheckedAddress) {
  auto receiver = HttpsReceiver(trusted_);
  FakeHostResolver dns;  // the system resolver does not know hooks.test
  dns.Set("hooks.test", {"127.0.0.1"});
  DeliveryOptions options = Trusting(trusted_.ca_file());
  options.resolver = &dns;
  AddEndpoint(receiver->UrlWithHost("hooks.test"));
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  auto got = receiver->requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].get_header_value("Host"),
            "hooks.test:" + std::to_string(receiver->port()));
  EXPECT_EQ(OnlyDelivery().status, kDelivered) << OnlyDelivery().last_error;
}

TEST_F(WebhookTlsTest, AReceiverWithAnUntrustedCertificateGetsNothing) {
  auto receiver = HttpsReceiver(untrusted_);
  AddEndpoint(receiver->url());
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  WebhookDeliverer deliverer(store_, SystemClock::Default(),
                             Trusting(trusted_.ca_file()));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(receiver->requests().size(), 0u);
  const Delivery d = OnlyDelivery();
  EXPECT_EQ(d.status, kFailed);
  EXPECT_FALSE(d.last_status_code.has_value());
  EXPECT_EQ(d.last_error,
            "TLS certificate verification failed: unable to get local issuer "
            "certificate");
}

TEST_F(WebhookTlsTest, TheSystemCaBundleDoesNotTrustAThrowawayCa) {
  auto receiver = HttpsReceiver(trusted_);
  AddEndpoint(receiver->url());
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  WebhookDeliverer deliverer(store_, SystemClock::Default(), Trusting(""));
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(receiver->requests().size(), 0u);
  const Delivery d = OnlyDelivery();
  EXPECT_EQ(d.status, kFailed);
  EXPECT_EQ(d.last_error.rfind("TLS certificate verification failed: ", 0), 0u)
      << d.last_error;
}

TEST_F(WebhookTlsTest, ACertificateForAnotherNameIsRefused) {
  auto receiver = HttpsReceiver(trusted_);
  FakeHostResolver dns;
  dns.Set("other.test", {"127.0.0.1"});
  DeliveryOptions options = Trusting(trusted_.ca_file());
  options.resolver = &dns;
  AddEndpoint(receiver->UrlWithHost("other.test"));
  ASSERT_EQ(*store_->Enqueue("u1", "training_job.completed", "{}", "t", 0), 1);
  WebhookDeliverer deliverer(store_, SystemClock::Default(), options);
  ASSERT_EQ(*deliverer.DeliverDue(), 1);
  EXPECT_EQ(receiver->requests().size(), 0u);
  EXPECT_EQ(OnlyDelivery().last_error,
            "TLS certificate verification failed: the certificate is not "
            "valid for other.test");
}

}  // namespace
}  // namespace trainyard::notify
