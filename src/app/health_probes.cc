#include "app/health_probes.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>

namespace trainyard::app {

std::string ProbeDatabase(store::MetadataStore* store) {
  return store->Ping().ok() ? "healthy" : "unhealthy";
}

namespace {

bool TcpConnects(const std::string& host, const std::string& port,
                 int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* ai = res; ai && !ok; ai = ai->ai_next) {
    int fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof(err);
      ok = poll(&p, 1, timeout_ms) == 1 &&
           getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

}  // namespace

std::string ProbeKubernetes(const std::string& service_host,
                            const std::string& service_port,
                            const std::string& kubeconfig_path) {
  if (!service_host.empty()) {
    return TcpConnects(service_host,
                       service_port.empty() ? "443" : service_port, 300)
               ? "healthy"
               : "unreachable";
  }
  if (kubeconfig_path.empty()) return "not_configured";
  std::ifstream in(kubeconfig_path);
  if (!in) return "misconfigured";
  static const std::regex kServer(
      R"(server:\s*https?://\[?([^\]/:\s]+)\]?(?::(\d+))?)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kServer)) {
      std::string port = m[2].matched ? m[2].str() : "443";
      return TcpConnects(m[1].str(), port, 300) ? "healthy" : "unreachable";
    }
  }
  return "misconfigured";
}

std::string ProbeWandb(const std::string& api_key) {
  return api_key.empty() ? "not_configured" : "configured";
}

std::string CachedProbe::operator()() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!has_value_ || now - at_ >= ttl_) {
    value_ = probe_();
    at_ = now;
    has_value_ = true;
  }
  return value_;
}

}  // namespace trainyard::app
