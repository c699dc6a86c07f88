// The Kubernetes path of model deployment: when a context is configured
// (TRAINYARD_KUBE_CONTEXT), a deploy renders a Deployment and a Service from
// the templates in deploy/k8s/ and applies them with `kubectl apply -f -`;
// health and system metrics ask kubectl for the cluster's state and counts.
// Without a context the path is reported as not configured — never faked.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "products/gym/process_runner.h"

namespace trainyard::gym {

// Where and how to reach the cluster (docs/gym.md, "Kubernetes").
struct KubeSettings {
  std::string context;      // TRAINYARD_KUBE_CONTEXT; empty = not configured
  std::string kubeconfig;   // KUBECONFIG; empty = kubectl's default
  std::string kube_namespace = "default";  // TRAINYARD_KUBE_NAMESPACE
  std::string image = "trainyard:latest";  // TRAINYARD_KUBE_IMAGE
  std::string templates_dir;               // TRAINYARD_KUBE_TEMPLATES
  std::string kubectl = "kubectl";         // TRAINYARD_KUBECTL
  int port = 8000;                         // container port of the server
  int timeout_ms = 30000;                  // per kubectl call
  int health_timeout_ms = 3000;            // the health probe's kubectl call
};

// The names of the settings above (Config::product_settings).
std::vector<std::string> KubeSettingNames();

// The settings from `config`'s product settings named above (an empty
// value counts as unset); templates_dir defaults to `default_templates_dir`.
KubeSettings KubeSettingsFromConfig(const Config& config,
                                    const std::string& default_templates_dir);

// What a deploy asks the cluster for.
struct KubeDeployment {
  std::string model_id;
  int replicas = 1;
  std::string cpu = "1", memory = "1Gi";
  std::string strategy = "rolling";  // rolling | recreate
  std::string model_path;            // the policy file, as stored
};

// Replaces every {{key}} in `text` by values.at(key). VALIDATION_ERROR
// naming the first placeholder without a value or an unclosed "{{".
Result<std::string> RenderTemplate(const std::string& text,
                                   const std::map<std::string, std::string>& values);

// Thread-safe; `runner` must outlive the client.
class KubernetesClient {
 public:
  KubernetesClient(KubeSettings settings, ProcessRunner* runner);

  bool configured() const { return !settings_.context.empty(); }
  const KubeSettings& settings() const { return settings_; }

  // The Deployment and Service manifests for `d`, separated by "---"
  // (templates deployment.yaml.tmpl and service.yaml.tmpl). NOT_FOUND if a
  // template file is missing; VALIDATION_ERROR for a bad placeholder.
  Result<std::string> Render(const KubeDeployment& d) const;

  // The kubectl command line for `args` (with --context and --kubeconfig).
  std::vector<std::string> Command(const std::vector<std::string>& args) const;

  // Renders and applies `d` with `kubectl apply -f -`. Answers
  // {"status": "applied", "name", "namespace", "context", "command",
  // "output"}. UNAVAILABLE if not configured, kubectl cannot run, times out
  // or exits non-zero (the message quotes its stderr).
  Result<nlohmann::json> Apply(const KubeDeployment& d);

  // The health probe of GET /api/v1/health: `kubectl --context <context>
  // get --raw /readyz` (timeout health_timeout_ms). status "healthy" when it
  // exits 0, "unhealthy" when it fails, times out or cannot run (message:
  // why, quoting kubectl's first stderr line), "not_configured" without a
  // context (no kubectl call).
  struct Health {
    std::string status;
    std::string message;
  };
  Health CheckHealth();

  // {"status": "healthy"|"unreachable"|"not_configured", "context",
  // "node_count", "pod_count", "message"}: nodes from `kubectl get nodes`,
  // pods from `kubectl get pods -l app.kubernetes.io/managed-by=trainyard`
  // in the namespace. Counts are null unless kubectl answered.
  nlohmann::json State();

  // The Deployment's name for a model: trainyard-gym-<model_id>.
  static std::string DeploymentName(const std::string& model_id);

 private:
  KubeSettings settings_;
  ProcessRunner* runner_;
};

}  // namespace trainyard::gym
