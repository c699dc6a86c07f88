// Test helper: a HostResolver whose answers the test sets (and may change
// between calls), counting the lookups it answered.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "notify/host_resolver.h"

namespace trainyard::notify {

class FakeHostResolver : public HostResolver {
 public:
  // From now on `host` resolves to `addresses` (IP literals); an empty list
  // makes it unresolvable.
  void Set(const std::string& host, const std::vector<std::string>& addresses) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<IpAddress>& answer = answers_[host];
    answer.clear();
    for (const auto& a : addresses) answer.push_back(*IpAddress::Parse(a));
  }
  int lookups() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lookups_;
  }
  Result<std::vector<IpAddress>> Resolve(
      const std::string& host) const override {
    std::lock_guard<std::mutex> lock(mu_);
    ++lookups_;
    auto it = answers_.find(host);
    if (it == answers_.end() || it->second.empty()) {
      return Status(ErrorCode::kUnavailable, "cannot resolve " + host);
    }
    return it->second;
  }

 private:
  mutable std::mutex mu_;
  mutable int lookups_ = 0;
  std::map<std::string, std::vector<IpAddress>> answers_;
};

}  // namespace trainyard::notify
