// A model's deployment: POST models/{model_id}/deploy, .../predict and GET
// .../metrics; deployments live in the server process (deployments.h).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/json_validator.h"
#include "env/edge_scaling/per_service.h"
#include "products/gym/route_support.h"
#include "products/gym/time_series.h"

namespace trainyard::gym {
namespace {

namespace edge = env::edge;
using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

// Kubernetes quantities: CPU "500m", "1", "0.5"; memory "512Mi", "1Gi",
// "1G", "1000000". Must be positive.
bool ValidQuantity(const std::string& text, bool memory) {
  static const std::regex kCpu("([0-9]+m|[0-9]+(\\.[0-9]+)?)");
  static const std::regex kMemory(
      "[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?");
  if (!std::regex_match(text, memory ? kMemory : kCpu)) return false;
  return std::strtod(text.c_str(), nullptr) > 0;
}

// Loads the model's replicas in the background; the model row becomes
// "deployed" with `deployment` once they serve (a failed load leaves it as
// it was).
Status StartDeployment(GymContext& c, const ModelRow& model,
                       const DeploySpec& spec, const json& deployment) {
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config,
                      ModelEnvConfig(c, model.model_id));
  {
    std::lock_guard lock(c.served_mu);
    std::vector<edge::ObservationField> layout =
        edge::ObservationLayout(config);
    c.served[model.model_id] =
        std::make_shared<const GymContext::Served>(GymContext::Served{
            model.owner_id, std::move(config), std::move(layout)});
  }
  TY_RETURN_IF_ERROR(c.deps.artifacts->Fetch(model.weights_path).status());
  const std::string path =
      (std::filesystem::path(c.deps.data_dir->root()) / model.weights_path)
          .string();
  std::shared_ptr<GymStore> store = c.store;
  const Clock* clock = c.deps.clock;
  const std::string model_id = model.model_id;
  c.deployments->Deploy(model_id, path, spec,
                        [store, clock, model_id, deployment](const Status& s) {
                          if (s.ok()) {
                            (void)store->UpdateDeployment(model_id, "deployed",
                                                          deployment.dump(),
                                                          clock->NowMillis());
                          }
                        });
  return Status::Ok();
}

// Deployments live in the server process: bring back the ones the store
// lists as deployed when the server starts.
void RestoreDeployments(GymContext& c) {
  ModelQuery query;
  query.status = "deployed";
  query.limit = 1000;
  Result<std::vector<ModelRow>> rows = c.store->ListModels(query);
  if (!rows.ok()) return;
  for (const ModelRow& model : *rows) {
    json deployment = json::parse(model.deployment, nullptr, false);
    if (!deployment.is_object()) continue;
    DeploySpec spec;
    spec.replicas = deployment.value("replicas", 1);
    spec.strategy = deployment.value("strategy", std::string("rolling"));
    (void)StartDeployment(c, model, spec, deployment);
  }
}

const std::shared_ptr<const api::BodySchema>& DeployBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::IntField("replicas", 1, 16, "replicas to run (default 1)"),
          api::ObjectField("resources",
                           "cpu and memory of each replica (default 1, 1Gi)"),
          api::EnumField("strategy", {"rolling", "recreate"},
                         "how a running deployment is replaced")}));
  return *schema;
}

Result<Response> Deploy(GymContext& c, Request& req) {
  TY_ASSIGN_OR_RETURN(ModelRow model, VisibleModel(c, req));
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  api::SchemaReader v(*DeployBody(), body);
  auto replicas = v.Int("replicas");
  auto strategy = v.Enum("strategy");
  auto resources = v.Object("resources");
  json resources_out = {{"cpu", "1"}, {"memory", "1Gi"}};
  if (resources) {
    if (!resources->is_object()) {
      v.AddError("resources", "must be an object");
    } else {
      for (const auto& [key, value] : resources->items()) {
        const bool known = key == "cpu" || key == "memory";
        if (!known) {
          v.AddError("resources." + key, "unknown resource; use cpu, memory");
        } else if (!value.is_string() ||
                   !ValidQuantity(value.get<std::string>(), key == "memory")) {
          v.AddError(
              "resources." + key,
              key == "cpu"
                  ? "must be a CPU quantity like \"500m\" or \"1\""
                  : "must be a memory quantity like \"512Mi\" or \"1Gi\"");
        } else {
          resources_out[key] = value;
        }
      }
    }
  }
  TY_RETURN_IF_ERROR(v.Finish());
  if (model.status == "archived") {
    return ConflictError("model '" + model.model_id + "' is archived");
  }
  DeploySpec spec;
  spec.replicas = static_cast<int>(replicas.value_or(1));
  spec.strategy = strategy.value_or("rolling");
  const int64_t now = c.deps.clock->NowMillis();
  json deployment = {
      {"name", "trainyard-gym-" + model.model_id},
      {"namespace", "local"},
      {"replicas", spec.replicas},
      {"strategy", spec.strategy},
      {"resources", resources_out},
      {"target", "local"},
      {"predict_path", "/api/v1/models/" + model.model_id + "/predict"},
      {"deployed_at", FormatIso8601(FromUnixMillis(now))}};
  json kubernetes = {
      {"status", "not_configured"},
      {"message",
       "no Kubernetes context (TRAINYARD_KUBE_CONTEXT); the model is served "
       "locally only"}};
  if (c.kube->configured()) {
    // The cluster first: if kubectl refuses, nothing changes here either.
    KubeDeployment kd;
    kd.model_id = model.model_id;
    kd.replicas = spec.replicas;
    kd.cpu = resources_out["cpu"].get<std::string>();
    kd.memory = resources_out["memory"].get<std::string>();
    kd.strategy = spec.strategy;
    kd.model_path = model.weights_path;
    TY_ASSIGN_OR_RETURN(kubernetes, c.kube->Apply(kd));
    deployment["target"] = "local+kubernetes";
    deployment["kubernetes_namespace"] = c.kube->settings().kube_namespace;
  }
  TY_RETURN_IF_ERROR(StartDeployment(c, model, spec, deployment));
  return JsonResponse(200,
                      json{{"model_id", model.model_id},
                           {"status", "deploying"},
                           {"deployment", deployment},
                           {"kubernetes", kubernetes},
                           {"created_at", FormatIso8601(FromUnixMillis(now))}}
                          .dump());
}

// Why an observation of `got` values does not fit a model that observes
// `layout`: the settings behind each block beyond the default 25-value
// layout (the documents' example), and where the layout is listed.
std::string SizeMismatchMessage(
    const std::vector<edge::ObservationField>& layout,
    const edge::EdgeScalingConfig& config, size_t got) {
  std::string msg = "must have " + std::to_string(layout.size()) +
                    " values, got " + std::to_string(got) + ". This model's ";
  edge::EdgeScalingConfig plain = config;
  plain.observe_time = plain.observe_trend = false;
  const int base = edge::ObservationSize(plain);
  msg += "layout is " + std::to_string(base) + " values (" +
         std::to_string(config.nodes.size()) + " nodes x 3, " +
         std::to_string(config.services.size()) +
         " services x 3, mean_latency)";
  if (config.observe_time) {
    msg += ", then time_of_day.sin and time_of_day.cos (observe_time)";
  }
  if (config.observe_trend) {
    msg += ", then one request_rate_trend per service (observe_trend)";
  }
  msg +=
      "; GET /api/v1/models/{model_id} lists every value with its unit and "
      "range, and \"observation\" may be an object of those names";
  return msg;
}

// The observation a predict body gives: an array in layout order, or an
// object with every layout name. VALIDATION_ERROR naming what is wrong.
Result<std::vector<float>> ObservationFromJson(
    const json& value, const GymContext::Served& served) {
  const std::vector<edge::ObservationField>& layout = served.layout;
  std::vector<float> obs;
  if (value.is_array()) {
    for (const json& x : value) {
      if (!x.is_number()) {
        return ValidationError("invalid observation",
                               {{"observation", "must be a list of numbers"}});
      }
      obs.push_back(x.get<float>());
    }
    if (obs.size() != layout.size()) {
      return ValidationError(
          "invalid observation",
          {{"observation",
            SizeMismatchMessage(layout, served.config, obs.size())}});
    }
    return obs;
  }
  if (!value.is_object()) {
    return ValidationError(
        "invalid observation",
        {{"observation",
          "must be a list of numbers or an object of value names"}});
  }
  std::vector<FieldError> errors;
  std::string missing;
  for (const edge::ObservationField& f : layout) {
    auto it = value.find(f.name);
    if (it == value.end()) {
      missing += (missing.empty() ? "" : ", ") + f.name;
      obs.push_back(0.0f);
    } else if (!it->is_number()) {
      errors.push_back({"observation." + f.name, "must be a number"});
      obs.push_back(0.0f);
    } else {
      obs.push_back(it->get<float>());
    }
  }
  if (!missing.empty()) {
    errors.push_back({"observation", "missing values: " + missing});
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& name = it.key();
    const bool known = std::any_of(
        layout.begin(), layout.end(),
        [&name](const edge::ObservationField& f) { return f.name == name; });
    if (!known) {
      errors.push_back(
          {"observation." + name, "not a value of this model's observation"});
    }
  }
  if (!errors.empty()) {
    return ValidationError("invalid observation", std::move(errors));
  }
  return obs;
}

const std::shared_ptr<const api::BodySchema>& PredictBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::Required(api::AnyField(
              "observation", {{"type", json::array({"array", "object"})}},
              "the model's observation: numbers in order, or an object "
              "(docs/gym.md)")),
          api::BoolField("deterministic",
                         "the policy's mean action (default true)")}));
  return *schema;
}

Result<Response> Predict(GymContext& c, Request& req) {
  const std::string& id = req.PathParam("model_id");
  std::shared_ptr<const GymContext::Served> served;
  {
    std::lock_guard lock(c.served_mu);
    auto it = c.served.find(id);
    if (it != c.served.end()) served = it->second;
  }
  if (!served ||
      (!req.caller().is_admin() && served->owner_id != req.caller().user_id)) {
    // Unknown, someone else's, or not deployed in this server process.
    return NotFoundError("model '" + id + "' is not deployed");
  }
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*PredictBody(), body);
  auto deterministic = v.Bool("deterministic");
  std::optional<json> observation = v.Any("observation");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(std::vector<float> obs,
                      ObservationFromJson(*observation, *served));
  const edge::EdgeScalingConfig& config = served->config;
  DeploymentManager::Adapter adapter;
  if (config.encoding == edge::ActionEncoding::kPerService) {
    // The policy decides one service at a time from the full observation.
    adapter = [&config](const edge::ActFn& replica_act,
                        std::span<const float> full_obs,
                        std::vector<float>* action) {
      action->assign(config.services.size(), 0.0f);
      return edge::FullStepAct(config, replica_act)(full_obs, *action);
    };
  }
  TY_ASSIGN_OR_RETURN(
      std::vector<float> action,
      c.deployments->Predict(id, obs, deterministic.value_or(true),
                             adapter ? &adapter : nullptr));
  std::vector<int> counts(edge::ActionDims(served->config));
  std::vector<int> current(served->config.services.size());
  if (served->config.encoding == edge::ActionEncoding::kRelativeDiscrete) {
    edge::ObservedReplicaCounts(served->config, obs, current);
  }
  edge::DecodeReplicaCounts(served->config, action, current, counts);
  return JsonResponse(
      200,
      json{{"model_id", id}, {"action", action}, {"replicas", counts}}.dump());
}

Result<Response> ModelMetrics(GymContext& c, Request& req) {
  TY_ASSIGN_OR_RETURN(ModelRow model, VisibleModel(c, req));
  TY_ASSIGN_OR_RETURN(Window window,
                      ParseWindow(req, c.deps.clock->NowMillis()));
  return JsonResponse(
      200, json{{"model_id", model.model_id},
                {"deployment_status",
                 c.deployments->StatusOf(model.model_id).empty()
                     ? json()
                     : json(c.deployments->StatusOf(model.model_id))},
                {"units",
                 {{"latency", "ms"},
                  {"throughput", "requests/s"},
                  {"cpu", "cores used by the deployment's forward passes"},
                  {"memory", "MiB of heap held by the deployment's replicas"}}},
                {"metrics", c.deployments->Metrics(model.model_id, window)}}
               .dump());
}

}  // namespace

Status AddDeploymentRoutes(const std::shared_ptr<GymContext>& ctx,
                           api::Router* router) {
  RestoreDeployments(*ctx);
  using api::Access;
  return AddRouteTable(router, ctx,
                       {
                           {"POST", "/api/v1/models/{model_id}/deploy",
                            Access::kUser, Deploy, DeployBody()},
                           {"POST", "/api/v1/models/{model_id}/predict",
                            Access::kUser, Predict, PredictBody()},
                           {"GET", "/api/v1/models/{model_id}/metrics",
                            Access::kUser, ModelMetrics},
                       });
}

}  // namespace trainyard::gym
