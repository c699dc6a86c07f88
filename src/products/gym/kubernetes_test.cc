#include "products/gym/kubernetes.h"

#include <gtest/gtest.h>

#include <deque>

namespace trainyard::gym {
namespace {

// Records every call and answers from a queue (default: exit 0, no output).
class FakeRunner final : public ProcessRunner {
 public:
  struct Call {
    std::vector<std::string> argv;
    std::string stdin_text;
    int timeout_ms = 0;
  };
  Result<ProcessResult> Run(const std::vector<std::string>& argv,
                            const std::string& stdin_text,
                            int timeout_ms) override {
    calls.push_back({argv, stdin_text, timeout_ms});
    if (answers.empty()) return ProcessResult{};
    Result<ProcessResult> next = answers.front();
    answers.pop_front();
    return next;
  }
  std::vector<Call> calls;
  std::deque<Result<ProcessResult>> answers;
};

KubeSettings Settings() {
  KubeSettings s;
  s.context = "edge-lab";
  s.kubeconfig = "/etc/kube/config";
  s.kube_namespace = "gym";
  s.image = "registry.local/trainyard:0.1";
  s.templates_dir = TRAINYARD_DEPLOY_TEMPLATES_DIR;
  return s;
}

KubeDeployment ThreeReplicas() {
  KubeDeployment d;
  d.model_id = "6565f2a1b3c4d5e6f7a8b9c0";
  d.replicas = 3;
  d.cpu = "500m";
  d.memory = "1Gi";
  d.strategy = "recreate";
  d.model_path = "model_storage/ppo/6565f2a1b3c4d5e6f7a8b9c0/policy.tyrl";
  return d;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderTemplateTest, ReplacesEveryPlaceholder) {
  auto out = RenderTemplate("a: {{x}}\nb: {{y}}{{x}}\n",
                            {{"x", "1"}, {"y", "two"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "a: 1\nb: two1\n");
}

TEST(RenderTemplateTest, UnknownPlaceholderIsAnError) {
  auto out = RenderTemplate("a: {{missing}}\n", {{"x", "1"}});
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.status().details()[0].message, "{{missing}}"));
  EXPECT_FALSE(RenderTemplate("a: {{x\n", {{"x", "1"}}).ok());
}

TEST(KubernetesRenderTest, DeploymentAndServiceCarryTheRequest) {
  FakeRunner runner;
  KubernetesClient kube(Settings(), &runner);
  auto yaml = kube.Render(ThreeReplicas());
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  const std::string name = "trainyard-gym-6565f2a1b3c4d5e6f7a8b9c0";
  for (const std::string& line : std::vector<std::string>{
           "kind: Deployment", "kind: Service", "  name: " + name,
        std::string("  namespace: gym"), std::string("  replicas: 3"),
        std::string("    type: Recreate"),
        std::string("image: registry.local/trainyard:0.1"),
        std::string("cpu: \"500m\""), std::string("memory: \"1Gi\""),
        std::string("value: \"model_storage/ppo/6565f2a1b3c4d5e6f7a8b9c0/"
                    "policy.tyrl\""),
        std::string("containerPort: 8000"), std::string("targetPort: 8000"),
        std::string("\n---\n")}) {
    EXPECT_TRUE(Contains(*yaml, line)) << "missing: " << line << "\n" << *yaml;
  }
  EXPECT_FALSE(Contains(*yaml, "{{"));
}

TEST(KubernetesRenderTest, RollingMapsToRollingUpdate) {
  FakeRunner runner;
  KubernetesClient kube(Settings(), &runner);
  KubeDeployment d = ThreeReplicas();
  d.strategy = "rolling";
  auto yaml = kube.Render(d);
  ASSERT_TRUE(yaml.ok());
  EXPECT_TRUE(Contains(*yaml, "    type: RollingUpdate"));
}

TEST(KubernetesRenderTest, MissingTemplatesAreNotFound) {
  FakeRunner runner;
  KubeSettings s = Settings();
  s.templates_dir = "/nonexistent/templates";
  KubernetesClient kube(s, &runner);
  EXPECT_EQ(kube.Render(ThreeReplicas()).status().code(),
            ErrorCode::kNotFound);
}

TEST(KubernetesApplyTest, PipesTheManifestsToKubectlApply) {
  FakeRunner runner;
  runner.answers.push_back(ProcessResult{
      0, "deployment.apps/trainyard-gym-x created\nservice/x created\n", ""});
  KubernetesClient kube(Settings(), &runner);
  auto applied = kube.Apply(ThreeReplicas());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(runner.calls.size(), 1u);
  const std::vector<std::string> expected = {
      "kubectl", "--context", "edge-lab", "--kubeconfig", "/etc/kube/config",
      "apply",   "-f",        "-"};
  EXPECT_EQ(runner.calls[0].argv, expected);
  EXPECT_EQ(runner.calls[0].stdin_text, *kube.Render(ThreeReplicas()));
  EXPECT_EQ((*applied)["status"], "applied");
  EXPECT_EQ((*applied)["namespace"], "gym");
  EXPECT_EQ((*applied)["name"], "trainyard-gym-6565f2a1b3c4d5e6f7a8b9c0");
}

TEST(KubernetesApplyTest, KubectlFailureIsUnavailableWithItsMessage) {
  FakeRunner runner;
  runner.answers.push_back(ProcessResult{
      1, "", "error: context \"edge-lab\" does not exist\nmore\n"});
  KubernetesClient kube(Settings(), &runner);
  auto applied = kube.Apply(ThreeReplicas());
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Contains(applied.status().message(), "exit 1"));
  EXPECT_TRUE(Contains(applied.status().message(),
                       "context \"edge-lab\" does not exist"));
}

TEST(KubernetesApplyTest, KubectlThatCannotStartIsUnavailable) {
  FakeRunner runner;
  runner.answers.push_back(NotFoundError("cannot run 'kubectl'"));
  KubernetesClient kube(Settings(), &runner);
  EXPECT_EQ(kube.Apply(ThreeReplicas()).status().code(),
            ErrorCode::kUnavailable);
}

TEST(KubernetesNotConfiguredTest, NoContextMeansNoKubectlCall) {
  FakeRunner runner;
  KubeSettings s = Settings();
  s.context.clear();
  KubernetesClient kube(s, &runner);
  EXPECT_FALSE(kube.configured());
  EXPECT_EQ(kube.Apply(ThreeReplicas()).status().code(),
            ErrorCode::kUnavailable);
  nlohmann::json state = kube.State();
  EXPECT_EQ(state["status"], "not_configured");
  EXPECT_TRUE(state["node_count"].is_null());
  EXPECT_TRUE(runner.calls.empty());
}

TEST(KubernetesStateTest, CountsNodesAndTrainyardPods) {
  FakeRunner runner;
  runner.answers.push_back(ProcessResult{0, "node/a\nnode/b\nnode/c\n", ""});
  runner.answers.push_back(ProcessResult{0, "pod/p1\npod/p2\n", ""});
  KubernetesClient kube(Settings(), &runner);
  nlohmann::json state = kube.State();
  EXPECT_EQ(state["status"], "healthy");
  EXPECT_EQ(state["node_count"], 3);
  EXPECT_EQ(state["pod_count"], 2);
  ASSERT_EQ(runner.calls.size(), 2u);
  const std::vector<std::string> pods = {
      "kubectl", "--context", "edge-lab", "--kubeconfig", "/etc/kube/config",
      "get",     "pods",      "-n",       "gym",          "-l",
      "app.kubernetes.io/managed-by=trainyard",           "-o",
      "name"};
  EXPECT_EQ(runner.calls[1].argv, pods);
}

TEST(KubernetesStateTest, FailingKubectlIsUnreachable) {
  FakeRunner runner;
  runner.answers.push_back(
      ProcessResult{1, "", "Unable to connect to the server\n"});
  KubernetesClient kube(Settings(), &runner);
  nlohmann::json state = kube.State();
  EXPECT_EQ(state["status"], "unreachable");
  EXPECT_TRUE(state["node_count"].is_null());
  EXPECT_TRUE(Contains(state["message"].get<std::string>(),
                       "Unable to connect"));
}

TEST(KubernetesHealthTest, ReadyApiServerIsHealthy) {
  FakeRunner runner;
  runner.answers.push_back(ProcessResult{0, "ok", ""});
  KubernetesClient kube(Settings(), &runner);
  KubernetesClient::Health health = kube.CheckHealth();
  EXPECT_EQ(health.status, "healthy");
  EXPECT_EQ(health.message, "");
  ASSERT_EQ(runner.calls.size(), 1u);
  const std::vector<std::string> readyz = {
      "kubectl",          "--context", "edge-lab", "--kubeconfig",
      "/etc/kube/config", "get",       "--raw",    "/readyz"};
  EXPECT_EQ(runner.calls[0].argv, readyz);
}

TEST(KubernetesHealthTest, ProbeUsesTheShortHealthTimeout) {
  FakeRunner runner;
  KubeSettings s = Settings();
  s.health_timeout_ms = 1500;
  KubernetesClient kube(s, &runner);
  kube.CheckHealth();
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(runner.calls[0].timeout_ms, 1500);
}

TEST(KubernetesHealthTest, FailingReadyzIsUnhealthyWithKubectlsReason) {
  FakeRunner runner;
  runner.answers.push_back(ProcessResult{
      1, "",
      "Unable to connect to the server: dial tcp 10.0.0.1:6443\nmore\n"});
  KubernetesClient kube(Settings(), &runner);
  KubernetesClient::Health health = kube.CheckHealth();
  EXPECT_EQ(health.status, "unhealthy");
  EXPECT_TRUE(Contains(health.message, "--context edge-lab get --raw /readyz"))
      << health.message;
  EXPECT_TRUE(Contains(health.message, "exit 1")) << health.message;
  EXPECT_TRUE(Contains(health.message, "Unable to connect to the server"));
  EXPECT_FALSE(Contains(health.message, "more"));
}

TEST(KubernetesHealthTest, KubectlTimeoutOrMissingIsUnhealthy) {
  FakeRunner runner;
  runner.answers.push_back(
      Status(ErrorCode::kUnavailable, "kubectl timed out after 3000 ms"));
  runner.answers.push_back(NotFoundError("cannot run 'kubectl'"));
  KubernetesClient kube(Settings(), &runner);
  KubernetesClient::Health timed_out = kube.CheckHealth();
  EXPECT_EQ(timed_out.status, "unhealthy");
  EXPECT_TRUE(Contains(timed_out.message, "timed out")) << timed_out.message;
  KubernetesClient::Health missing = kube.CheckHealth();
  EXPECT_EQ(missing.status, "unhealthy");
  EXPECT_TRUE(Contains(missing.message, "cannot run")) << missing.message;
}

TEST(KubernetesHealthTest, NoContextIsNotConfiguredWithoutKubectl) {
  FakeRunner runner;
  KubeSettings s = Settings();
  s.context.clear();
  KubernetesClient kube(s, &runner);
  EXPECT_EQ(kube.CheckHealth().status, "not_configured");
  EXPECT_TRUE(runner.calls.empty());
}

TEST(SubprocessRunnerTest, FeedsStdinAndCollectsOutputAndExitCode) {
  SubprocessRunner runner;
  auto r = runner.Run({"sh", "-c", "cat; echo oops >&2; exit 3"},
                      "kind: Deployment\n", 10000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_text, "kind: Deployment\n");
  EXPECT_EQ(r->stderr_text, "oops\n");
}

TEST(SubprocessRunnerTest, MissingProgramIsNotFound) {
  SubprocessRunner runner;
  auto r = runner.Run({"trainyard-no-such-kubectl"}, "", 10000);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

TEST(SubprocessRunnerTest, ChildThatIgnoresStdinDoesNotKillTheCaller) {
  SubprocessRunner runner;
  auto r = runner.Run({"true"}, std::string(1 << 20, 'x'), 10000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0);
}

}  // namespace
}  // namespace trainyard::gym
