#include "notify/address_policy.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace trainyard::notify {

namespace {

// A range written as text, for the classification tables below.
struct Range {
  const char* cidr;
  AddressClass address_class;
};

// IPv4 special-use ranges (RFC 6890 and the IANA registry) that must not be
// reachable from a user's URL. Everything else is public.
const Range kV4Ranges[] = {
    {"0.0.0.0/8", AddressClass::kUnspecified},  // "this network"
    {"10.0.0.0/8", AddressClass::kPrivate},
    {"100.64.0.0/10", AddressClass::kSharedNat},
    {"127.0.0.0/8", AddressClass::kLoopback},
    {"169.254.0.0/16", AddressClass::kLinkLocal},
    {"172.16.0.0/12", AddressClass::kPrivate},
    {"192.0.0.0/24", AddressClass::kReserved},    // IETF protocol assignments
    {"192.0.2.0/24", AddressClass::kReserved},    // documentation
    {"192.88.99.0/24", AddressClass::kReserved},  // 6to4 relay anycast
    {"192.168.0.0/16", AddressClass::kPrivate},
    {"198.18.0.0/15", AddressClass::kReserved},    // benchmarking
    {"198.51.100.0/24", AddressClass::kReserved},  // documentation
    {"203.0.113.0/24", AddressClass::kReserved},   // documentation
    {"224.0.0.0/4", AddressClass::kMulticast},
    {"255.255.255.255/32", AddressClass::kBroadcast},
    {"240.0.0.0/4", AddressClass::kReserved},  // after the broadcast entry
};

// IPv6 ranges inside 2000::/3 (global unicast) that are not public, and
// the non-global ranges outside it with a more telling class than
// "reserved". Embedded IPv4 forms are handled before these.
const Range kV6Ranges[] = {
    {"::/128", AddressClass::kUnspecified},
    {"::1/128", AddressClass::kLoopback},
    {"fc00::/7", AddressClass::kPrivate},   // unique local
    {"fec0::/10", AddressClass::kPrivate},  // site-local (deprecated)
    {"fe80::/10", AddressClass::kLinkLocal},
    {"ff00::/8", AddressClass::kMulticast},
    {"2001:db8::/32", AddressClass::kReserved},  // documentation
    {"2001:2::/48", AddressClass::kReserved},    // benchmarking
    {"3fff::/20", AddressClass::kReserved},      // documentation (RFC 9637)
};

const std::vector<std::pair<Cidr, AddressClass>>& Table(bool v4) {
  static const auto* kTables = [] {
    auto* t = new std::array<std::vector<std::pair<Cidr, AddressClass>>, 2>;
    for (const Range& r : kV4Ranges) {
      (*t)[0].emplace_back(*Cidr::Parse(r.cidr, "table"), r.address_class);
    }
    for (const Range& r : kV6Ranges) {
      (*t)[1].emplace_back(*Cidr::Parse(r.cidr, "table"), r.address_class);
    }
    return t;
  }();
  return (*kTables)[v4 ? 0 : 1];
}

bool AllZero(const uint8_t* b, int n) {
  for (int i = 0; i < n; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton is strict (dotted quad only for IPv4); it needs a C string.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, buf, bytes.data()) == 1) {
    return V4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (inet_pton(AF_INET6, buf, bytes.data()) == 1) return V6(bytes);
  return std::nullopt;
}

IpAddress IpAddress::V4(const std::array<uint8_t, 4>& bytes) {
  IpAddress a;
  a.v4_ = true;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress a;
  a.v4_ = false;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::EmbeddedV4() const {
  if (v4_) return std::nullopt;
  const uint8_t* b = bytes_.data();
  auto tail = [b](int at) {
    return V4({b[at], b[at + 1], b[at + 2], b[at + 3]});
  };
  // ::ffff:a.b.c.d (mapped)
  if (AllZero(b, 10) && b[10] == 0xff && b[11] == 0xff) return tail(12);
  // ::a.b.c.d (compatible); :: and ::1 are themselves.
  if (AllZero(b, 12) && !AllZero(b + 12, 3)) return tail(12);
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
  static const uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0,
                                     0, 0,    0,    0,    0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return tail(12);
  // 2002:AABB:CCDD::/48 (6to4)
  if (b[0] == 0x20 && b[1] == 0x02) return tail(2);
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

Result<Cidr> Cidr::Parse(std::string_view text, const std::string& field) {
  const std::string quoted = "'" + std::string(text) + "'";
  const size_t slash = text.find('/');
  std::optional<IpAddress> address = IpAddress::Parse(text.substr(0, slash));
  if (!address) {
    return ValidationError(
        "invalid address range",
        {{field, quoted + " is not an IPv4 or IPv6 address or CIDR range"}});
  }
  Cidr c{*address, address->bit_length()};
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    auto [end, ec] =
        std::from_chars(len.data(), len.data() + len.size(), c.prefix_length);
    if (len.empty() || ec != std::errc() || end != len.data() + len.size() ||
        c.prefix_length < 0 || c.prefix_length > address->bit_length()) {
      return ValidationError(
          "invalid address range",
          {{field, quoted + ": the prefix length must be 0.." +
                       std::to_string(address->bit_length())}});
    }
  }
  // Host bits set ("10.1.2.3/8") usually mean a typo; refuse rather than
  // guess which range was meant.
  const uint8_t* b = address->bytes();
  for (int bit = c.prefix_length; bit < address->bit_length(); ++bit) {
    if (b[bit / 8] & (0x80 >> (bit % 8))) {
      return ValidationError(
          "invalid address range",
          {{field, quoted + " has bits set after the /" +
                       std::to_string(c.prefix_length) + " prefix"}});
    }
  }
  return c;
}

bool Cidr::Contains(const IpAddress& a) const {
  if (a.is_v4() != network.is_v4()) return false;
  const uint8_t* x = a.bytes();
  const uint8_t* n = network.bytes();
  const int whole = prefix_length / 8;
  if (std::memcmp(x, n, whole) != 0) return false;
  const int rest = prefix_length % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (x[whole] & mask) == (n[whole] & mask);
}

std::string Cidr::ToString() const {
  return network.ToString() + "/" + std::to_string(prefix_length);
}

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kSharedNat:
      return "shared (CGNAT)";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressClass Classify(const IpAddress& a) {
  // An IPv6 form of an IPv4 address reaches that address (dual-stack
  // sockets, NAT64, 6to4 relays), so it is what it stands for.
  if (std::optional<IpAddress> v4 = a.EmbeddedV4()) return Classify(*v4);
  for (const auto& [range, address_class] : Table(a.is_v4())) {
    if (range.Contains(a)) return address_class;
  }
  // Only 2000::/3 is allocated for global unicast; the rest of the IPv6
  // space is not a receiver's address.
  if (!a.is_v4() && (a.bytes()[0] & 0xe0) != 0x20) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

Result<AddressPolicy> AddressPolicy::WithAllowList(std::string_view list,
                                                   const std::string& field) {
  AddressPolicy policy;
  size_t i = 0;
  while (i < list.size()) {
    const size_t end = list.find_first_of(", \t\n", i);
    std::string_view entry = list.substr(
        i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (!entry.empty()) {
      TY_ASSIGN_OR_RETURN(Cidr cidr, Cidr::Parse(entry, field));
      policy.allowed_.push_back(cidr);
    }
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return policy;
}

Status AddressPolicy::Check(const IpAddress& a) const {
  const AddressClass c = Classify(a);
  if (c == AddressClass::kPublic) return Status::Ok();
  const std::optional<IpAddress> v4 = a.EmbeddedV4();
  for (const Cidr& range : allowed_) {
    if (range.Contains(a) || (v4 && range.Contains(*v4))) return Status::Ok();
  }
  const std::string name = AddressClassName(c);
  const char* article = name[0] == 'u' ? " is an " : " is a ";
  return Status(ErrorCode::kPermissionDenied,
                a.ToString() + article + name + " address");
}

}  // namespace trainyard::notify
