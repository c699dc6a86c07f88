#include "notify/host_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace trainyard::notify {

namespace {

class GetAddrInfoResolver : public HostResolver {
 public:
  Result<std::vector<IpAddress>> Resolve(
      const std::string& host) const override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
      return Status(ErrorCode::kUnavailable,
                    "cannot resolve " + host + ": " + gai_strerror(rc));
    }
    std::vector<IpAddress> out;
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
      IpAddress a;
      if (ai->ai_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
        std::array<uint8_t, 4> b;
        std::memcpy(b.data(), &sin->sin_addr, 4);
        a = IpAddress::V4(b);
      } else if (ai->ai_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
        std::array<uint8_t, 16> b;
        std::memcpy(b.data(), &sin6->sin6_addr, 16);
        a = IpAddress::V6(b);
      } else {
        continue;
      }
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
    freeaddrinfo(list);
    if (out.empty()) {
      return Status(ErrorCode::kUnavailable,
                    "cannot resolve " + host + ": no addresses");
    }
    return out;
  }
};

}  // namespace

const HostResolver* SystemHostResolver() {
  static const GetAddrInfoResolver* kResolver = new GetAddrInfoResolver();
  return kResolver;
}

}  // namespace trainyard::notify
