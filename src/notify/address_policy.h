// Which network addresses outbound requests (webhook deliveries) may reach.
// Parses IPv4/IPv6 addresses and CIDR ranges, classifies special-use
// addresses (loopback, private, link-local, ...), and refuses every address
// that is not public unless an administrator allowed its range: a user's URL
// must never turn the server against its own network (SSRF).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace trainyard::notify {

// An IPv4 or an IPv6 address (a value; thread-compatible).
class IpAddress {
 public:
  // Dotted-quad IPv4 ("10.0.0.1") or RFC 4291 IPv6 text ("fe80::1",
  // "::ffff:127.0.0.1"), without brackets, zone ids or the legacy forms
  // inet_aton accepts ("127.1", "0x7f000001"). nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  // From network-order bytes.
  static IpAddress V4(const std::array<uint8_t, 4>& bytes);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  bool is_v4() const { return v4_; }
  // 4 bytes for IPv4, 16 for IPv6, network order.
  const uint8_t* bytes() const { return bytes_.data(); }
  int bit_length() const { return v4_ ? 32 : 128; }

  // The IPv4 address an IPv6 address stands for: IPv4-mapped
  // (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated), NAT64
  // (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::/48). nullopt for IPv4
  // addresses and IPv6 addresses of no such form (including :: and ::1).
  std::optional<IpAddress> EmbeddedV4() const;

  // Canonical text ("127.0.0.1", "::ffff:127.0.0.1").
  std::string ToString() const;

  bool operator==(const IpAddress& other) const {
    return v4_ == other.v4_ && bytes_ == other.bytes_;
  }

 private:
  bool v4_ = true;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4
};

// A range of addresses of one family: "10.0.0.0/8", "fc00::/7"; a single
// address is a /32 or /128.
struct Cidr {
  IpAddress network;
  int prefix_length = 0;

  // VALIDATION_ERROR (naming `field`) for anything but ADDRESS or
  // ADDRESS/N with N within the family's bits and no host bits set.
  static Result<Cidr> Parse(std::string_view text, const std::string& field);
  // True when `address` is of the same family and inside the range.
  bool Contains(const IpAddress& address) const;
  std::string ToString() const;
};

// Why an address is not a public one.
enum class AddressClass {
  kPublic,
  kUnspecified,  // 0.0.0.0/8, ::
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  kSharedNat,    // 100.64.0.0/10 (carrier-grade NAT)
  kLinkLocal,    // 169.254/16 (cloud metadata), fe80::/10
  kMulticast,    // 224/4, ff00::/8
  kBroadcast,    // 255.255.255.255
  kReserved,     // documentation, benchmarking, 240/4, IPv6 outside 2000::/3
};

// "public", "unspecified", "loopback", "private", "shared (CGNAT)",
// "link-local", "multicast", "broadcast", "reserved".
const char* AddressClassName(AddressClass address_class);

// The class of `address`. An IPv6 address that embeds an IPv4 one (see
// IpAddress::EmbeddedV4) gets the class of the embedded address, so
// ::ffff:127.0.0.1 is loopback, 64:ff9b::a9fe:a9fe link-local and
// ::ffff:8.8.8.8 public.
AddressClass Classify(const IpAddress& address);

// Public addresses, plus the ranges an administrator allowed. A value;
// thread-compatible (const methods may be called concurrently).
class AddressPolicy {
 public:
  // Allows public addresses only.
  AddressPolicy() = default;

  // Also allows the ranges in `allow_list`: CIDRs separated by commas
  // and/or white space ("" allows nothing more). VALIDATION_ERROR naming
  // `field` and the bad entry otherwise.
  static Result<AddressPolicy> WithAllowList(std::string_view allow_list,
                                             const std::string& field);

  // OK when `address` is public or inside an allowed range (an IPv6 form
  // that embeds an IPv4 address is also allowed when the embedded address
  // is); PERMISSION_DENIED "<address> is a <class> address" otherwise.
  Status Check(const IpAddress& address) const;
  bool Allows(const IpAddress& address) const { return Check(address).ok(); }

  const std::vector<Cidr>& allowed() const { return allowed_; }

 private:
  std::vector<Cidr> allowed_;
};

}  // namespace trainyard::notify
