#include "app/health_probes.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "core/test_support.h"

namespace trainyard::app {
namespace {

// A listening socket on an ephemeral loopback port.
class LocalListener {
 public:
  LocalListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 1);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~LocalListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HealthProbesTest, KubernetesNotConfiguredWithoutHostOrKubeconfig) {
  EXPECT_EQ(ProbeKubernetes("", "", ""), "not_configured");
}

TEST(HealthProbesTest, KubernetesHealthyWhenApiServerAcceptsConnections) {
  LocalListener server;
  EXPECT_EQ(ProbeKubernetes("127.0.0.1", std::to_string(server.port()), ""),
            "healthy");
}

TEST(HealthProbesTest, KubernetesUnreachableWhenNothingListens) {
  int port;
  {
    LocalListener closed;
    port = closed.port();
  }
  EXPECT_EQ(ProbeKubernetes("127.0.0.1", std::to_string(port), ""),
            "unreachable");
}

TEST(HealthProbesTest, KubeconfigServerIsProbed) {
  testing::TempDir tmp;
  LocalListener server;
  std::ofstream(tmp.Sub("config"))
      << "clusters:\n- cluster:\n    server: https://127.0.0.1:"
      << server.port() << "\n";
  EXPECT_EQ(ProbeKubernetes("", "", tmp.Sub("config")), "healthy");
  std::ofstream(tmp.Sub("empty")) << "apiVersion: v1\n";
  EXPECT_EQ(ProbeKubernetes("", "", tmp.Sub("empty")), "misconfigured");
  EXPECT_EQ(ProbeKubernetes("", "", tmp.Sub("missing")), "misconfigured");
}

TEST(HealthProbesTest, WandbIsConfiguredOnlyWithAKey) {
  EXPECT_EQ(ProbeWandb(""), "not_configured");
  EXPECT_EQ(ProbeWandb("k"), "configured");
}

TEST(HealthProbesTest, CachedProbeCallsTheProbeOncePerTtl) {
  int calls = 0;
  CachedProbe probe([&] { return std::to_string(++calls); },
                    std::chrono::hours(1));
  EXPECT_EQ(probe(), "1");
  EXPECT_EQ(probe(), "1");
}

}  // namespace
}  // namespace trainyard::app
