#include "products/gym/deployments.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace trainyard::gym {
namespace {

std::string WaitWhileDeploying(DeploymentManager& m, const std::string& id) {
  std::string status = m.StatusOf(id);
  for (int i = 0; i < 500 && status == "deploying"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    status = m.StatusOf(id);
  }
  return status;
}

TEST(DeploymentManagerTest, UnknownModelIsNotFound) {
  DeploymentManager m(SystemClock::Default());
  EXPECT_EQ(m.StatusOf("x"), "");
  std::vector<float> obs(3);
  EXPECT_EQ(m.Predict("x", obs, true).status().code(), ErrorCode::kNotFound);
}

TEST(DeploymentManagerTest, AFailedLoadIsReportedAndServesNothing) {
  DeploymentManager m(SystemClock::Default());
  Status reported = Status::Ok();
  m.Deploy("m", "/nonexistent/policy.tyrl", {2, "rolling"},
           [&](const Status& s) { reported = s; });
  EXPECT_EQ(WaitWhileDeploying(m, "m"), "failed");
  EXPECT_FALSE(reported.ok());
  std::vector<float> obs(3);
  EXPECT_EQ(m.Predict("m", obs, true).status().code(), ErrorCode::kUnavailable);
}

TEST(DeploymentManagerTest, MetricsOfAModelWithoutTrafficAreEmptySeries) {
  DeploymentManager m(SystemClock::Default());
  nlohmann::json metrics = m.Metrics("m", Window{0, 1, 60000});
  EXPECT_TRUE(metrics["latency"]["values"].empty());
  EXPECT_TRUE(metrics["resource_usage"]["cpu"]["timestamps"].empty());
}

}  // namespace
}  // namespace trainyard::gym
