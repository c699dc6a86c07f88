#include "products/gym/kubernetes.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace trainyard::gym {

using nlohmann::json;

namespace {

constexpr const char* kContext = "TRAINYARD_KUBE_CONTEXT";
constexpr const char* kKubeconfig = "KUBECONFIG";
constexpr const char* kNamespace = "TRAINYARD_KUBE_NAMESPACE";
constexpr const char* kImage = "TRAINYARD_KUBE_IMAGE";
constexpr const char* kTemplates = "TRAINYARD_KUBE_TEMPLATES";
constexpr const char* kKubectl = "TRAINYARD_KUBECTL";

Result<std::string> ReadTemplate(const std::string& dir,
                                 const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(dir) / name;
  std::ifstream in(path);
  if (!in) {
    return NotFoundError("Kubernetes template " + path.string() +
                         " is missing (TRAINYARD_KUBE_TEMPLATES)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// kubectl's answer to `get ... -o name`: one line per object.
int CountLines(const std::string& text) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

std::string FirstLine(const std::string& text) {
  const size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

std::vector<std::string> KubeSettingNames() {
  return {kContext, kKubeconfig, kNamespace, kImage, kTemplates, kKubectl};
}

KubeSettings KubeSettingsFromConfig(const Config& config,
                                    const std::string& default_templates_dir) {
  auto setting_or = [&](const char* name, const std::string& fallback) {
    std::string v = config.ProductSetting(name);
    return v.empty() ? fallback : v;
  };
  KubeSettings s;
  s.context = setting_or(kContext, "");
  s.kubeconfig = setting_or(kKubeconfig, "");
  s.kube_namespace = setting_or(kNamespace, s.kube_namespace);
  s.image = setting_or(kImage, s.image);
  s.templates_dir = setting_or(kTemplates, default_templates_dir);
  s.kubectl = setting_or(kKubectl, s.kubectl);
  return s;
}

Result<std::string> RenderTemplate(
    const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      return ValidationError("unclosed placeholder in template",
                             {{"template", "\"{{\" without \"}}\""}});
    }
    const std::string key = text.substr(open + 2, close - open - 2);
    auto it = values.find(key);
    if (it == values.end()) {
      return ValidationError("unknown placeholder in template",
                             {{"template", "no value for {{" + key + "}}"}});
    }
    out.append(text, pos, open - pos);
    out += it->second;
    pos = close + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

KubernetesClient::KubernetesClient(KubeSettings settings, ProcessRunner* runner)
    : settings_(std::move(settings)), runner_(runner) {}

std::string KubernetesClient::DeploymentName(const std::string& model_id) {
  return "trainyard-gym-" + model_id;
}

Result<std::string> KubernetesClient::Render(const KubeDeployment& d) const {
  const std::map<std::string, std::string> values = {
      {"name", DeploymentName(d.model_id)},
      {"namespace", settings_.kube_namespace},
      {"model_id", d.model_id},
      {"replicas", std::to_string(d.replicas)},
      {"cpu", d.cpu},
      {"memory", d.memory},
      {"strategy", d.strategy == "recreate" ? "Recreate" : "RollingUpdate"},
      {"image", settings_.image},
      {"model_path", d.model_path},
      {"port", std::to_string(settings_.port)}};
  TY_ASSIGN_OR_RETURN(std::string deployment,
                      ReadTemplate(settings_.templates_dir,
                                   "deployment.yaml.tmpl"));
  TY_ASSIGN_OR_RETURN(std::string service,
                      ReadTemplate(settings_.templates_dir,
                                   "service.yaml.tmpl"));
  TY_ASSIGN_OR_RETURN(std::string a, RenderTemplate(deployment, values));
  TY_ASSIGN_OR_RETURN(std::string b, RenderTemplate(service, values));
  if (!a.empty() && a.back() != '\n') a += '\n';
  return a + "---\n" + b;
}

std::vector<std::string> KubernetesClient::Command(
    const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {settings_.kubectl, "--context",
                                   settings_.context};
  if (!settings_.kubeconfig.empty()) {
    argv.push_back("--kubeconfig");
    argv.push_back(settings_.kubeconfig);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Result<json> KubernetesClient::Apply(const KubeDeployment& d) {
  if (!configured()) {
    return Status(ErrorCode::kUnavailable,
                  "Kubernetes is not configured (set TRAINYARD_KUBE_CONTEXT)");
  }
  TY_ASSIGN_OR_RETURN(std::string manifests, Render(d));
  const std::vector<std::string> argv = Command({"apply", "-f", "-"});
  Result<ProcessResult> run =
      runner_->Run(argv, manifests, settings_.timeout_ms);
  if (!run.ok()) {
    return Status(ErrorCode::kUnavailable,
                  "kubectl apply failed: " + run.status().message());
  }
  if (run->exit_code != 0) {
    return Status(ErrorCode::kUnavailable,
                  "kubectl apply failed (exit " +
                      std::to_string(run->exit_code) +
                      "): " + FirstLine(run->stderr_text));
  }
  return json{{"status", "applied"},
              {"name", DeploymentName(d.model_id)},
              {"namespace", settings_.kube_namespace},
              {"context", settings_.context},
              {"command", argv},
              {"output", run->stdout_text}};
}

KubernetesClient::Health KubernetesClient::CheckHealth() {
  if (!configured()) {
    return {"not_configured", "no Kubernetes context (TRAINYARD_KUBE_CONTEXT)"};
  }
  const std::vector<std::string> argv = Command({"get", "--raw", "/readyz"});
  Result<ProcessResult> run =
      runner_->Run(argv, "", settings_.health_timeout_ms);
  const std::string what =
      "kubectl --context " + settings_.context + " get --raw /readyz";
  if (!run.ok()) return {"unhealthy", what + ": " + run.status().message()};
  if (run->exit_code != 0) {
    const std::string err = FirstLine(run->stderr_text);
    return {"unhealthy", what + " failed (exit " +
                             std::to_string(run->exit_code) + ")" +
                             (err.empty() ? "" : ": " + err)};
  }
  return {"healthy", ""};
}

json KubernetesClient::State() {
  json state = {{"status", "not_configured"},
                {"context", nullptr},
                {"node_count", nullptr},
                {"pod_count", nullptr},
                {"message", "no Kubernetes context (TRAINYARD_KUBE_CONTEXT)"}};
  if (!configured()) return state;
  state["context"] = settings_.context;
  auto nodes = runner_->Run(Command({"get", "nodes", "-o", "name"}), "",
                            settings_.timeout_ms);
  if (!nodes.ok() || nodes->exit_code != 0) {
    state["status"] = "unreachable";
    state["message"] = nodes.ok() ? "kubectl get nodes: " +
                                        FirstLine(nodes->stderr_text)
                                  : nodes.status().message();
    return state;
  }
  state["status"] = "healthy";
  state["node_count"] = CountLines(nodes->stdout_text);
  state["message"] = "";
  auto pods = runner_->Run(
      Command({"get", "pods", "-n", settings_.kube_namespace, "-l",
               "app.kubernetes.io/managed-by=trainyard", "-o", "name"}),
      "", settings_.timeout_ms);
  if (pods.ok() && pods->exit_code == 0) {
    state["pod_count"] = CountLines(pods->stdout_text);
  } else {
    state["message"] = pods.ok() ? "kubectl get pods: " +
                                       FirstLine(pods->stderr_text)
                                 : pods.status().message();
  }
  return state;
}

}  // namespace trainyard::gym
