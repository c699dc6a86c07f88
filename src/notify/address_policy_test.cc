#include "notify/address_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace trainyard::notify {
namespace {

IpAddress Ip(const std::string& text) {
  std::optional<IpAddress> a = IpAddress::Parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress());
}

TEST(IpAddressTest, ParsesBothFamiliesAndPrintsCanonically) {
  EXPECT_TRUE(Ip("10.0.0.1").is_v4());
  EXPECT_EQ(Ip("10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_FALSE(Ip("::1").is_v4());
  EXPECT_EQ(Ip("0:0:0:0:0:0:0:1").ToString(), "::1");
  EXPECT_EQ(Ip("FE80::0001").ToString(), "fe80::1");
  EXPECT_EQ(Ip("::ffff:7f00:1").ToString(), "::ffff:127.0.0.1");
  EXPECT_EQ(Ip("255.255.255.255").bit_length(), 32);
  EXPECT_EQ(Ip("ff02::1").bit_length(), 128);
}

TEST(IpAddressTest, RefusesLegacyBracketedZonedAndMalformedText) {
  for (const char* text :
       {"", "127.1", "0x7f000001", "2130706433", "017700000001", "1.2.3",
        "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ", "[::1]",
        "fe80::1%eth0", "::g", "1:2:3:4:5:6:7:8:9", "localhost"}) {
    EXPECT_FALSE(IpAddress::Parse(text).has_value()) << text;
  }
}

TEST(IpAddressTest, FindsTheIpv4AddressInsideEveryIpv6FormThatCarriesOne) {
  EXPECT_EQ(Ip("::ffff:169.254.169.254").EmbeddedV4(), Ip("169.254.169.254"));
  EXPECT_EQ(Ip("::10.0.0.1").EmbeddedV4(), Ip("10.0.0.1"));        // compatible
  EXPECT_EQ(Ip("64:ff9b::7f00:1").EmbeddedV4(), Ip("127.0.0.1"));  // NAT64
  EXPECT_EQ(Ip("2002:a9fe:a9fe::1").EmbeddedV4(), Ip("169.254.169.254"));
  EXPECT_FALSE(Ip("::").EmbeddedV4().has_value());
  EXPECT_FALSE(Ip("::1").EmbeddedV4().has_value());
  EXPECT_FALSE(Ip("2001:4860:4860::8888").EmbeddedV4().has_value());
  EXPECT_FALSE(Ip("127.0.0.1").EmbeddedV4().has_value());
}

TEST(CidrTest, ParsesRangesAndSingleAddresses) {
  Result<Cidr> v4 = Cidr::Parse("172.16.0.0/12", "f");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(v4->prefix_length, 12);
  EXPECT_EQ(v4->ToString(), "172.16.0.0/12");
  Result<Cidr> host = Cidr::Parse("127.0.0.1", "f");
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->ToString(), "127.0.0.1/32");
  Result<Cidr> v6 = Cidr::Parse("fc00::/7", "f");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->prefix_length, 7);
  EXPECT_EQ(Cidr::Parse("::1", "f")->prefix_length, 128);
  EXPECT_EQ(Cidr::Parse("0.0.0.0/0", "f")->prefix_length, 0);
}

TEST(CidrTest, RefusesBadRangesNamingTheFieldAndTheEntry) {
  for (const char* text :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x",
        "::/129", "10.1.0.0/8", "fe80::1/10", "localhost/32", "10.0.0.0/ 8"}) {
    Result<Cidr> c = Cidr::Parse(text, "TRAINYARD_WEBHOOK_ALLOW_CIDRS");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), ErrorCode::kValidation);
    ASSERT_EQ(c.status().details().size(), 1u);
    EXPECT_EQ(c.status().details()[0].field, "TRAINYARD_WEBHOOK_ALLOW_CIDRS");
    EXPECT_NE(
        c.status().details()[0].message.find("'" + std::string(text) + "'"),
        std::string::npos)
        << c.status().details()[0].message;
  }
}

TEST(CidrTest, ContainsExactlyItsAddressesAtBothEdges) {
  const Cidr c = *Cidr::Parse("172.16.0.0/12", "f");
  EXPECT_TRUE(c.Contains(Ip("172.16.0.0")));
  EXPECT_TRUE(c.Contains(Ip("172.31.255.255")));
  EXPECT_FALSE(c.Contains(Ip("172.15.255.255")));
  EXPECT_FALSE(c.Contains(Ip("172.32.0.0")));
  const Cidr v6 = *Cidr::Parse("fe80::/10", "f");
  EXPECT_TRUE(v6.Contains(Ip("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(v6.Contains(Ip("fec0::")));
  const Cidr all = *Cidr::Parse("0.0.0.0/0", "f");
  EXPECT_TRUE(all.Contains(Ip("255.255.255.255")));
  EXPECT_FALSE(all.Contains(Ip("::ffff:1.2.3.4")));  // other family
  const Cidr one = *Cidr::Parse("127.0.0.1", "f");
  EXPECT_TRUE(one.Contains(Ip("127.0.0.1")));
  EXPECT_FALSE(one.Contains(Ip("127.0.0.2")));
}

struct Vector {
  const char* address;
  AddressClass expected;
};

class ClassifyTest : public ::testing::TestWithParam<Vector> {};

TEST_P(ClassifyTest, ClassifiesTheAddress) {
  EXPECT_EQ(AddressClassName(Classify(Ip(GetParam().address))),
            std::string(AddressClassName(GetParam().expected)))
      << GetParam().address;
}

constexpr AddressClass kPublic = AddressClass::kPublic;
constexpr AddressClass kUnspecified = AddressClass::kUnspecified;
constexpr AddressClass kLoopback = AddressClass::kLoopback;
constexpr AddressClass kPrivate = AddressClass::kPrivate;
constexpr AddressClass kShared = AddressClass::kSharedNat;
constexpr AddressClass kLinkLocal = AddressClass::kLinkLocal;
constexpr AddressClass kMulticast = AddressClass::kMulticast;
constexpr AddressClass kBroadcast = AddressClass::kBroadcast;
constexpr AddressClass kReserved = AddressClass::kReserved;

INSTANTIATE_TEST_SUITE_P(
    Ipv4, ClassifyTest,
    ::testing::Values(
        Vector{"0.0.0.0", kUnspecified}, Vector{"0.255.255.255", kUnspecified},
        Vector{"1.0.0.0", kPublic}, Vector{"8.8.8.8", kPublic},
        Vector{"9.255.255.255", kPublic}, Vector{"10.0.0.0", kPrivate},
        Vector{"10.0.0.1", kPrivate}, Vector{"10.255.255.255", kPrivate},
        Vector{"11.0.0.0", kPublic}, Vector{"100.63.255.255", kPublic},
        Vector{"100.64.0.0", kShared}, Vector{"100.127.255.255", kShared},
        Vector{"100.128.0.0", kPublic}, Vector{"126.255.255.255", kPublic},
        Vector{"127.0.0.0", kLoopback}, Vector{"127.0.0.1", kLoopback},
        Vector{"127.255.255.255", kLoopback}, Vector{"128.0.0.0", kPublic},
        Vector{"169.253.255.255", kPublic}, Vector{"169.254.0.0", kLinkLocal},
        Vector{"169.254.169.254", kLinkLocal},
        Vector{"169.254.255.255", kLinkLocal}, Vector{"169.255.0.0", kPublic},
        Vector{"172.15.255.255", kPublic}, Vector{"172.16.0.0", kPrivate},
        Vector{"172.31.255.255", kPrivate}, Vector{"172.32.0.0", kPublic},
        Vector{"192.0.0.170", kReserved}, Vector{"192.0.2.1", kReserved},
        Vector{"192.167.255.255", kPublic}, Vector{"192.168.0.0", kPrivate},
        Vector{"192.168.255.255", kPrivate}, Vector{"192.169.0.0", kPublic},
        Vector{"198.18.0.1", kReserved}, Vector{"198.51.100.7", kReserved},
        Vector{"203.0.113.9", kReserved}, Vector{"223.255.255.255", kPublic},
        Vector{"224.0.0.0", kMulticast}, Vector{"224.0.0.251", kMulticast},
        Vector{"239.255.255.255", kMulticast}, Vector{"240.0.0.0", kReserved},
        Vector{"255.255.255.254", kReserved},
        Vector{"255.255.255.255", kBroadcast}));

INSTANTIATE_TEST_SUITE_P(
    Ipv6, ClassifyTest,
    ::testing::Values(
        Vector{"::", kUnspecified}, Vector{"::1", kLoopback},
        Vector{"::2", kReserved}, Vector{"100::1", kReserved},
        Vector{"1fff:ffff::", kReserved}, Vector{"2000::", kPublic},
        Vector{"2001:4860:4860::8888", kPublic},
        Vector{"2606:4700:4700::1111", kPublic},
        Vector{"3ffe:ffff::1", kPublic}, Vector{"4000::", kReserved},
        Vector{"2001:db8::1", kReserved}, Vector{"3fff::1", kReserved},
        Vector{"fbff:ffff::1", kReserved}, Vector{"fc00::", kPrivate},
        Vector{"fd00:ec2::254", kPrivate},  // AWS metadata over IPv6
        Vector{"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPrivate},
        Vector{"fe00::", kReserved}, Vector{"fe80::", kLinkLocal},
        Vector{"fe80::1", kLinkLocal},
        Vector{"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kLinkLocal},
        Vector{"fec0::1", kPrivate}, Vector{"ff00::", kMulticast},
        Vector{"ff02::1", kMulticast},
        Vector{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kMulticast}));

// IPv6 spellings of IPv4 addresses are what they stand for.
INSTANTIATE_TEST_SUITE_P(
    EmbeddedIpv4, ClassifyTest,
    ::testing::Values(
        Vector{"::ffff:127.0.0.1", kLoopback},
        Vector{"::ffff:7f00:1", kLoopback},
        Vector{"::ffff:169.254.169.254", kLinkLocal},
        Vector{"::ffff:10.0.0.1", kPrivate},
        Vector{"::ffff:172.16.0.1", kPrivate},
        Vector{"::ffff:192.168.1.1", kPrivate},
        Vector{"::ffff:100.64.0.1", kShared},
        Vector{"::ffff:0.0.0.0", kUnspecified},
        Vector{"::ffff:224.0.0.1", kMulticast},
        Vector{"::ffff:255.255.255.255", kBroadcast},
        Vector{"::ffff:8.8.8.8", kPublic}, Vector{"::127.0.0.1", kLoopback},
        Vector{"::169.254.169.254", kLinkLocal},
        Vector{"64:ff9b::a9fe:a9fe", kLinkLocal},
        Vector{"64:ff9b::10.1.2.3", kPrivate},
        Vector{"64:ff9b::808:808", kPublic}, Vector{"2002:7f00:1::", kLoopback},
        Vector{"2002:a00:1::1", kPrivate}, Vector{"2002:808:808::1", kPublic}));

TEST(AddressPolicyTest, ByDefaultAllowsPublicAddressesOnly) {
  AddressPolicy policy;
  EXPECT_TRUE(policy.Check(Ip("8.8.8.8")).ok());
  EXPECT_TRUE(policy.Check(Ip("2606:4700:4700::1111")).ok());
  Status s = policy.Check(Ip("169.254.169.254"));
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "169.254.169.254 is a link-local address");
  EXPECT_EQ(policy.Check(Ip("::ffff:127.0.0.1")).message(),
            "::ffff:127.0.0.1 is a loopback address");
  for (const char* refused :
       {"127.0.0.1", "10.0.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
        "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1"}) {
    EXPECT_FALSE(policy.Allows(Ip(refused))) << refused;
  }
}

TEST(AddressPolicyTest, AllowsWhatTheAdministratorListedAndNothingElse) {
  Result<AddressPolicy> policy =
      AddressPolicy::WithAllowList("127.0.0.0/8, 10.1.0.0/16\t::1", "f");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->allowed().size(), 3u);
  EXPECT_TRUE(policy->Allows(Ip("127.0.0.1")));
  EXPECT_TRUE(policy->Allows(Ip("127.255.255.255")));
  EXPECT_TRUE(policy->Allows(Ip("::ffff:127.0.0.1")));  // mapped form too
  EXPECT_TRUE(policy->Allows(Ip("::1")));
  EXPECT_TRUE(policy->Allows(Ip("10.1.255.255")));
  EXPECT_FALSE(policy->Allows(Ip("10.2.0.0")));
  EXPECT_FALSE(policy->Allows(Ip("169.254.169.254")));
  EXPECT_FALSE(policy->Allows(Ip("fe80::1")));
  EXPECT_TRUE(policy->Allows(Ip("8.8.8.8")));  // public stays allowed
}

TEST(AddressPolicyTest, AnEmptyAllowListAllowsNothingMore) {
  for (const char* list : {"", " ", ",", " , \n"}) {
    Result<AddressPolicy> policy = AddressPolicy::WithAllowList(list, "f");
    ASSERT_TRUE(policy.ok()) << list;
    EXPECT_TRUE(policy->allowed().empty());
    EXPECT_FALSE(policy->Allows(Ip("127.0.0.1")));
  }
}

TEST(AddressPolicyTest, ABadEntryIsNamedWithTheField) {
  Result<AddressPolicy> policy = AddressPolicy::WithAllowList(
      "127.0.0.0/8,10.0.0.0/33", "TRAINYARD_WEBHOOK_ALLOW_CIDRS");
  ASSERT_FALSE(policy.ok());
  ASSERT_EQ(policy.status().details().size(), 1u);
  EXPECT_EQ(policy.status().details()[0].field,
            "TRAINYARD_WEBHOOK_ALLOW_CIDRS");
  EXPECT_NE(policy.status().details()[0].message.find("'10.0.0.0/33'"),
            std::string::npos);
}

}  // namespace
}  // namespace trainyard::notify
