// Name resolution for outbound requests, behind an interface so that tests
// can answer with any address (a name that resolves to 127.0.0.1, a name
// whose answer changes between registration and delivery).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "notify/address_policy.h"

namespace trainyard::notify {

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // Every address `host` (a DNS name) resolves to, IPv4 and IPv6, in the
  // order the system would try them. UNAVAILABLE (SERVICE_UNAVAILABLE) when
  // it does not resolve now. REQUIRES: implementations are thread-safe.
  virtual Result<std::vector<IpAddress>> Resolve(
      const std::string& host) const = 0;
};

// getaddrinfo(3) (so /etc/hosts, DNS and the numeric forms inet_aton
// accepts, like "127.1"). Process-wide; never destroyed; thread-safe.
const HostResolver* SystemHostResolver();

}  // namespace trainyard::notify
