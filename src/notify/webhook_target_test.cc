#include "notify/webhook_target.h"

#include <gtest/gtest.h>

#include "notify/fake_resolver_test_support.h"

namespace trainyard::notify {
namespace {

WebhookUrl Parsed(const std::string& url) {
  Result<WebhookUrl> u = ParseWebhookUrl(url, "url");
  EXPECT_TRUE(u.ok()) << url << ": " << u.status().ToString();
  return u.ok() ? *u : WebhookUrl();
}

TEST(ParseWebhookUrlTest, SplitsSchemeHostPortAndTarget) {
  WebhookUrl u = Parsed("http://hooks.example.com/trainyard?x=1");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "hooks.example.com");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/trainyard?x=1");
  EXPECT_FALSE(u.host_is_ip);
  EXPECT_EQ(u.HostHeader(), "hooks.example.com");

  u = Parsed("HTTPS://Hooks.Example.COM");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "hooks.example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/");

  u = Parsed("https://127.0.0.1:8443?a=b");
  EXPECT_TRUE(u.host_is_ip);
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/?a=b");
  EXPECT_EQ(u.HostHeader(), "127.0.0.1:8443");

  u = Parsed("http://[::FFFF:127.0.0.1]:9000/hook");
  EXPECT_EQ(u.host, "::ffff:127.0.0.1");
  EXPECT_TRUE(u.host_is_ip);
  EXPECT_EQ(u.port, 9000);
  EXPECT_EQ(u.HostHeader(), "[::ffff:127.0.0.1]:9000");
}

TEST(ParseWebhookUrlTest, RefusesWhatIsNotAPlainHttpUrlNamingTheField) {
  for (const char* url : {"",
                          "ftp://x/",
                          "file:///etc/passwd",
                          "gopher://x/",
                          "http:/x/",
                          "//x/",
                          "http://",
                          "http:///path",
                          "http://user:pw@x/",
                          "http://x@127.0.0.1/",
                          "http://x:0/",
                          "http://x:65536/",
                          "http://x:abc/",
                          "http://x:/",
                          "http://x:+80/",
                          "http://::1/",
                          "http://[::1/",
                          "http://[127.0.0.1]/",
                          "http://[fe80::1%25eth0]/",
                          "http://[::1]x/",
                          "http://x/a b",
                          "http://x/\x01",
                          "http://h\xc3\xb3st/",
                          "http://x/#frag",
                          "http://ho$t/",
                          " http://x/"}) {
    Result<WebhookUrl> u = ParseWebhookUrl(url, "url");
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.status().code(), ErrorCode::kValidation);
    ASSERT_EQ(u.status().details().size(), 1u);
    EXPECT_EQ(u.status().details()[0].field, "url");
  }
}

TEST(ResolveAllowedAddressTest, AnIpLiteralIsCheckedWithoutAnyLookup) {
  FakeHostResolver dns;
  Result<IpAddress> a = ResolveAllowedAddress(
      Parsed("http://169.254.169.254/latest/meta-data/"), dns, AddressPolicy());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(a.status().message(), "169.254.169.254 is a link-local address");
  EXPECT_EQ(dns.lookups(), 0);
  EXPECT_EQ(
      *ResolveAllowedAddress(Parsed("http://8.8.8.8/"), dns, AddressPolicy()),
      *IpAddress::Parse("8.8.8.8"));
}

TEST(ResolveAllowedAddressTest, PicksTheFirstAllowedAnswer) {
  FakeHostResolver dns;
  dns.Set("hooks.test", {"127.0.0.1", "10.0.0.1", "93.184.216.34", "1.1.1.1"});
  Result<IpAddress> a =
      ResolveAllowedAddress(Parsed("http://hooks.test/"), dns, AddressPolicy());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->ToString(), "93.184.216.34");
}

TEST(ResolveAllowedAddressTest, ANameWithOnlyRefusedAnswersNamesEachOne) {
  FakeHostResolver dns;
  dns.Set("internal.test", {"127.0.0.1", "::ffff:10.0.0.1"});
  Result<IpAddress> a = ResolveAllowedAddress(Parsed("http://internal.test/"),
                                              dns, AddressPolicy());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(a.status().message(),
            "internal.test resolves only to refused addresses (127.0.0.1 is "
            "a loopback address; ::ffff:10.0.0.1 is a private address)");
}

TEST(ResolveAllowedAddressTest, AnUnresolvableNameIsUnavailable) {
  FakeHostResolver dns;
  Result<IpAddress> a = ResolveAllowedAddress(Parsed("http://nowhere.test/"),
                                              dns, AddressPolicy());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), ErrorCode::kUnavailable);
}

TEST(CheckWebhookUrlTest, RefusesInternalLiteralsAndNamesWithAValidationError) {
  FakeHostResolver dns;
  dns.Set("localhost", {"127.0.0.1", "::1"});
  for (const char* url :
       {"http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
        "https://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
        "http://localhost:9/"}) {
    Status s = CheckWebhookUrl(url, "url", dns, AddressPolicy());
    ASSERT_EQ(s.code(), ErrorCode::kValidation) << url;
    ASSERT_EQ(s.details().size(), 1u);
    EXPECT_EQ(s.details()[0].field, "url");
    EXPECT_NE(s.details()[0].message.find("must point to a public address"),
              std::string::npos)
        << s.details()[0].message;
  }
}

TEST(CheckWebhookUrlTest, AcceptsPublicUnresolvableAndAllowedUrls) {
  FakeHostResolver dns;
  dns.Set("hooks.test", {"93.184.216.34"});
  dns.Set("localhost", {"127.0.0.1"});
  EXPECT_TRUE(
      CheckWebhookUrl("https://hooks.test/x", "url", dns, AddressPolicy())
          .ok());
  // Delivery checks again; a name that does not resolve yet is no error.
  EXPECT_TRUE(
      CheckWebhookUrl("http://later.test/", "url", dns, AddressPolicy()).ok());
  AddressPolicy loopback = *AddressPolicy::WithAllowList("127.0.0.0/8", "f");
  EXPECT_TRUE(
      CheckWebhookUrl("http://localhost:9/hook", "url", dns, loopback).ok());
  EXPECT_TRUE(
      CheckWebhookUrl("http://127.0.0.1:9/hook", "url", dns, loopback).ok());
}

}  // namespace
}  // namespace trainyard::notify
