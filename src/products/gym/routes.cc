#include "products/gym/routes.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

#include "api/body_schema.h"
#include "api/bounded_response.h"
#include "api/error_response.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "api/routes/system_routes.h"
#include "core/suggest.h"
#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/per_service.h"
#include "products/gym/deployments.h"
#include "products/gym/host_sampler.h"
#include "products/gym/reconcile_job.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"
#include "rl/policy.h"
#include "rl/trainer.h"

namespace trainyard::gym {

namespace edge = env::edge;
using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

namespace {

// A value recomputed at most once per ttl_ms; thread-safe.
template <typename T>
class TtlValue {
 public:
  template <typename Fetch>
  T Get(int64_t now_ms, int64_t ttl_ms, Fetch fetch) {
    std::lock_guard lock(mu_);
    if (at_ms_ < 0 || now_ms - at_ms_ >= ttl_ms) {
      value_ = fetch();
      at_ms_ = now_ms;
    }
    return value_;
  }

 private:
  std::mutex mu_;
  int64_t at_ms_ = -1;
  T value_{};
};

struct Context {
  products::ProductDeps deps;
  jobs::JobService* jobs = nullptr;
  std::shared_ptr<GymStore> store;
  RouteOptions options;
  // Declared after the store: destroyed first, joining loader threads
  // whose callbacks write to the store.
  std::unique_ptr<DeploymentManager> deployments;
  std::unique_ptr<HostSampler> sampler;
  // What predict needs of a deployed model, so that it does not query the
  // store: its owner and its environment's configuration.
  struct Served {
    std::string owner_id;
    edge::EdgeScalingConfig config;
    std::vector<edge::ObservationField> layout;
  };
  std::mutex served_mu;
  std::map<std::string, std::shared_ptr<const Served>> served;
  std::unique_ptr<ProcessRunner> own_runner;
  std::unique_ptr<KubernetesClient> kube;
  // kubectl answers, asked at most once per kube_state_ttl_ms (health is
  // public: no request may spawn kubectl).
  TtlValue<json> kube_state;
  TtlValue<KubernetesClient::Health> kube_health;
};

// The health probe's kubectl readiness answer.
KubernetesClient::Health KubeHealth(Context& c) {
  return c.kube_health.Get(c.deps.clock->NowMillis(),
                           c.options.kube_state_ttl_ms,
                           [&] { return c.kube->CheckHealth(); });
}

// kubectl's node and pod counts.
json KubeState(Context& c) {
  return c.kube_state.Get(c.deps.clock->NowMillis(),
                          c.options.kube_state_ttl_ms,
                          [&] { return c.kube->State(); });
}

// The document's task statuses: a queued job is "created".
std::string TaskStatus(store::JobStatus s) {
  return s == store::JobStatus::kQueued ? "created" : store::JobStatusName(s);
}

std::optional<std::string> Iso(const std::optional<int64_t>& ms) {
  if (!ms) return std::nullopt;
  return FormatIso8601(FromUnixMillis(*ms));
}

json NullableIso(const std::optional<int64_t>& ms) {
  auto s = Iso(ms);
  return s ? json(*s) : json();
}

// 422 with the standard body: the request is well-formed but its content
// cannot be used (bad hyperparameters, environment or group settings).
Response Unprocessable(const Status& status, const Request& req,
                       const Clock* clock) {
  Response r = api::ErrorResponse(status, req.request_id, clock->NowMillis());
  r.status = 422;
  return r;
}

bool IsGroupId(const std::string& id) {
  static const std::regex kId("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  return std::regex_match(id, kId);
}

Result<store::JobRecord> VisibleTask(Context& c, const Request& req) {
  const std::string& id = req.PathParam("task_id");
  Result<store::JobRecord> job = c.jobs->Get(id);
  if (!job.ok() || job->type != kTrainJobType ||
      (!req.caller().is_admin() && job->owner_id != req.caller().user_id)) {
    // Other users' tasks are reported missing so ids cannot be probed.
    return NotFoundError("task '" + id + "' not found");
  }
  return job;
}

Result<ModelRow> VisibleModel(Context& c, const Request& req) {
  const std::string& id = req.PathParam("model_id");
  Result<ModelRow> model = c.store->GetModel(id);
  if (!model.ok() ||
      (!req.caller().is_admin() && model->owner_id != req.caller().user_id)) {
    return NotFoundError("model '" + id + "' not found");
  }
  return model;
}

// A built-in group, or one the caller saved. NOT_FOUND otherwise, naming
// the nearest of those groups when `id` looks like a typo of one.
Result<edge::LoadGroup> FindGroup(Context& c, const std::string& owner,
                                  const std::string& id) {
  if (auto builtin = edge::FindBuiltinGroup(id); builtin.ok()) return builtin;
  Result<GroupRow> row = c.store->GetGroup(owner, id);
  if (row.ok()) {
    return GroupFromJson(id, json::parse(row->definition, nullptr, false));
  }
  if (row.status().code() != ErrorCode::kNotFound) return row.status();
  std::vector<std::string> ids;
  for (const edge::LoadGroup& g : edge::BuiltinGroups()) ids.push_back(g.id);
  TY_ASSIGN_OR_RETURN(std::vector<GroupRow> saved, c.store->ListGroups(owner));
  for (const GroupRow& g : saved) ids.push_back(g.group_id);
  std::string message = "group '" + id + "' not found";
  if (std::optional<std::string> near = ClosestName(id, ids))
    message += "; did you mean '" + *near + "'?";
  return NotFoundError(message + " (GET /api/v1/groups lists them)");
}

// Which part of a task's per-episode series GET training/{id} lists.
struct SeriesWindow {
  bool all = false;
  std::optional<int64_t> offset;  // 0-based first episode; default: the tail
  int64_t limit = 100;
};

constexpr int64_t kDefaultSeriesTail = 100;

// Values [first, first + count) of `series` (a JSON array, else empty).
json Slice(const json& series, int64_t first, int64_t count) {
  json out = json::array();
  if (!series.is_array()) return out;
  const int64_t n = static_cast<int64_t>(series.size());
  for (int64_t i = std::max<int64_t>(first, 0); i < std::min(n, first + count);
       ++i) {
    out.push_back(series[i]);
  }
  return out;
}

// Mean of the last `n` numbers of `series`, or null.
json TailMean(const json& series, size_t n) {
  if (!series.is_array() || series.empty()) return json();
  const size_t k = std::min(n, series.size());
  double sum = 0.0;
  for (size_t i = series.size() - k; i < series.size(); ++i) {
    sum += series[i].is_number() ? series[i].get<double>() : 0.0;
  }
  return sum / k;
}

// The task's metrics as the document shows them (episode_rewards,
// episode_steps, episode_latencies, losses), but only one window of the
// series (by default the last 100 episodes and the last 100 values of each
// loss: a 4,000-episode task's full series is ~180 kB, too much for a status
// poll), plus a summary of the whole run and where the window lies.
json MetricsJson(const json& m, const SeriesWindow& window) {
  json metrics = {{"episode_rewards", json::array()},
                  {"episode_steps", json::array()},
                  {"episode_latencies", json::array()},
                  {"losses", json::object()}};
  const json empty = json::array();
  auto series = [&](const char* key) -> const json& {
    return m.is_object() && m.contains(key) && m[key].is_array() ? m[key]
                                                                 : empty;
  };
  const int64_t total = static_cast<int64_t>(series("episode_rewards").size());
  int64_t first = 0, count = total;
  if (!window.all) {
    count = window.limit;
    first = window.offset ? *window.offset
                          : std::max<int64_t>(0, total - window.limit);
  }
  for (const char* key :
       {"episode_rewards", "episode_steps", "episode_latencies"}) {
    metrics[key] = Slice(series(key), first, count);
  }
  int64_t loss_updates = 0;
  if (m.is_object() && m.contains("losses") && m["losses"].is_object()) {
    for (const auto& [name, values] : m["losses"].items()) {
      const int64_t n = values.is_array() ? values.size() : 0;
      loss_updates = std::max(loss_updates, n);
      metrics["losses"][name] =
          window.all
              ? values
              : Slice(values, std::max<int64_t>(0, n - kDefaultSeriesTail),
                      kDefaultSeriesTail);
    }
  }
  const int64_t listed =
      static_cast<int64_t>(metrics["episode_rewards"].size());
  json next;
  if (!window.all && first + listed < total) {
    next = "?episode_offset=" + std::to_string(first + listed) +
           "&episode_limit=" + std::to_string(window.limit);
  }
  metrics["series"] = {
      {"total_episodes", total},
      {"first_episode", listed > 0 ? json(first) : json()},
      {"listed_episodes", listed},
      {"next", next},
      {"loss_values", loss_updates},
      {"losses_listed", window.all ? "all" : "last 100 of each"},
      {"how",
       "episodes are listed 0-based from first_episode; ?episodes=all lists "
       "every episode and loss value, ?episode_offset=&episode_limit= "
       "(1-10000) one page"}};
  metrics["summary"] = {
      {"episodes", total},
      {"mean_reward_last_100", TailMean(series("episode_rewards"), 100)},
      {"mean_latency_ms_last_100", TailMean(series("episode_latencies"), 100)},
      {"mean_reward_all", TailMean(series("episode_rewards"), total)},
      {"env_steps", m.is_object() ? m.value("env_steps", json()) : json()},
      {"agent_steps", m.is_object() ? m.value("steps", json()) : json()}};
  return metrics;
}

json TaskJson(const store::JobRecord& job, const SeriesWindow* window) {
  json params = json::parse(job.params, nullptr, false);
  if (!params.is_object()) params = json::object();
  json out = {{"task_id", job.id},
              {"name", params.value("name", "")},
              {"model_type", params.value("model_type", "")},
              {"status", TaskStatus(job.status)},
              {"progress", job.progress},
              {"current_episode", job.current_units},
              {"total_episodes", job.total_units},
              {"group_id", params.value("group_id", "")},
              {"parameters", params.value("parameters", json::object())},
              {"environment", params.value("environment", json::object())},
              {"wandb_project", params.value("wandb_project", json())},
              {"wandb_run_name", params.value("wandb_run_name", json())},
              {"seed", params.value("seed", 0)},
              {"error", job.error.empty() ? json() : json(job.error)},
              {"created_at", *Iso(job.created_at)},
              {"updated_at", *Iso(job.updated_at)},
              {"started_at", NullableIso(job.started_at)},
              {"finished_at", NullableIso(job.finished_at)}};
  if (window != nullptr) {
    out["metrics"] =
        MetricsJson(json::parse(job.metrics, nullptr, false), *window);
    json result = json::parse(job.result, nullptr, false);
    if (result.is_object() && result.contains("model_weights_path")) {
      out["model_id"] = result["model_id"];
      out["model_weights_path"] = result["model_weights_path"];
    }
  }
  return out;
}

// ---- training ----

const std::shared_ptr<const api::BodySchema>& CreateTrainingBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::Required(api::StringField("name", 128, "the task's name")),
          api::Required(
              api::EnumField("model_type", ModelTypes(), "the algorithm")),
          api::Required(api::ObjectField("parameters",
                                         "the algorithm's hyperparameters "
                                         "(docs/gym.md)")),
          api::Required(api::IntField("total_episodes", 1, 100000,
                                      "episodes to train for")),
          api::StringField("wandb_project", 128, "Weights & Biases project"),
          api::StringField("wandb_run_name", 128, "Weights & Biases run name"),
          api::StringField("group_id", 128,
                           "the load group: letters, digits, '.', '_', '-'"),
          api::ObjectField("group", "a custom load group's definition"),
          api::ObjectField("environment", "environment options"),
          api::IntField("seed", 0, int64_t{1} << 53, "random seed")}));
  return *schema;
}

Result<Response> CreateTraining(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*CreateTrainingBody(), body);
  auto name = v.String("name");
  auto model_type = v.Enum("model_type");
  auto total = v.Int("total_episodes");
  auto wandb_project = v.String("wandb_project");
  auto wandb_run = v.String("wandb_run_name");
  auto group_id = v.String("group_id");
  auto group = v.Object("group");
  auto environment = v.Object("environment");
  auto seed = v.Int("seed");
  auto parameters = v.Object("parameters");
  if (group && !group->is_object()) v.AddError("group", "must be an object");
  if (environment && !environment->is_object()) {
    v.AddError("environment", "must be an object");
  }
  if (group_id && !IsGroupId(*group_id)) {
    v.AddError("group_id", "letters, digits, '.', '_' and '-' only");
  }
  TY_RETURN_IF_ERROR(v.Finish());

  const std::string owner = req.caller().user_id;
  const std::string gid = group_id.value_or(kDefaultGroup);
  edge::LoadGroup load_group;
  if (group) {
    Result<edge::LoadGroup> parsed = GroupFromJson(gid, *group);
    if (!parsed.ok()) return Unprocessable(parsed.status(), req, c.deps.clock);
    if (edge::FindBuiltinGroup(gid).ok()) {
      return ConflictError("group '" + gid + "' is built in");
    }
    load_group = std::move(*parsed);
  } else {
    TY_ASSIGN_OR_RETURN(load_group, FindGroup(c, owner, gid));
  }

  TaskParams task;
  task.name = *name;
  task.model_type = *model_type;
  task.parameters = std::move(*parameters);
  task.total_episodes = *total;
  task.group_id = gid;
  task.group = GroupToJson(load_group);
  task.environment = environment.value_or(json::object());
  task.wandb_project = wandb_project ? json(*wandb_project) : json();
  task.wandb_run_name = wandb_run ? json(*wandb_run) : json();
  task.seed = static_cast<uint64_t>(seed.value_or(0));

  Result<edge::EdgeScalingConfig> config = TaskConfig(task);
  if (!config.ok()) return Unprocessable(config.status(), req, c.deps.clock);
  Result<rl::ParamMap> params = ParamsFromJson(task.parameters);
  if (!params.ok()) return Unprocessable(params.status(), req, c.deps.clock);
  Status valid = ValidateParameters(task.model_type, *config, *params);
  if (!valid.ok()) return Unprocessable(valid, req, c.deps.clock);

  if (group) {
    // Saved only once the whole request is known to be usable.
    const std::string definition = task.group.dump();
    Status created = c.store->CreateGroup(
        {owner, gid, definition, c.deps.clock->NowMillis()});
    if (created.code() == ErrorCode::kConflict) {
      // Repeating the same definition is fine; a different one is not.
      TY_ASSIGN_OR_RETURN(GroupRow existing, c.store->GetGroup(owner, gid));
      if (existing.definition != definition) {
        return ConflictError("group '" + gid +
                             "' exists with a different definition");
      }
    } else {
      TY_RETURN_IF_ERROR(created);
    }
  }

  jobs::SubmitRequest submit;
  submit.type = kTrainJobType;
  submit.owner_id = owner;
  submit.params_json = TaskParamsToJson(task).dump();
  submit.total_units = task.total_episodes;
  TY_ASSIGN_OR_RETURN(store::JobRecord job, c.jobs->Submit(submit));
  return JsonResponse(200, json{{"task_id", job.id},
                                {"status", TaskStatus(job.status)},
                                {"created_at", *Iso(job.created_at)}}
                               .dump());
}

Result<Response> ListTraining(Context& c, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "per_page", 10, 100);
  auto status = q.Enum(
      "status", {"created", "running", "completed", "failed", "cancelled"});
  TY_RETURN_IF_ERROR(q.Finish());
  store::JobFilter filter;
  filter.type = kTrainJobType;
  if (!req.caller().is_admin()) filter.owner_id = req.caller().user_id;
  if (status) {
    filter.status = *status == "created" ? store::JobStatus::kQueued
                                         : *store::ParseJobStatus(*status);
  }
  filter.limit = page.page_size;
  filter.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t total, c.jobs->Count(filter));
  TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> rows, c.jobs->List(filter));
  json tasks = json::array();
  for (const auto& row : rows) tasks.push_back(TaskJson(row, nullptr));
  return JsonResponse(
      200,
      api::TotalPagePerPage("tasks", page, total, std::move(tasks)).dump());
}

Result<Response> GetTraining(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, VisibleTask(c, req));
  api::QueryValidator q(req);
  q.RejectUnknownKeys({"episodes", "episode_offset", "episode_limit"});
  SeriesWindow window;
  window.all =
      q.Enum("episodes", {"all", "recent"}).value_or("recent") == "all";
  if (req.Query("episode_offset")) {
    window.offset = q.Int("episode_offset", 0, 0, int64_t{1} << 40);
  }
  window.limit = q.Int("episode_limit", kDefaultSeriesTail, 1, 10000);
  TY_RETURN_IF_ERROR(q.Finish());
  return JsonResponse(200, TaskJson(job, &window).dump());
}

Result<Response> CancelTraining(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, VisibleTask(c, req));
  TY_ASSIGN_OR_RETURN(job, c.jobs->Cancel(job.id));
  // A running task stops at its next update; wait a little for it so the
  // answer can say "cancelled".
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(c.options.cancel_wait_ms);
  while (!store::IsTerminal(job.status) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    TY_ASSIGN_OR_RETURN(job, c.jobs->Get(job.id));
  }
  return JsonResponse(200, json{{"task_id", job.id},
                                {"status", TaskStatus(job.status)},
                                {"cancel_requested", true},
                                {"updated_at", *Iso(job.updated_at)}}
                               .dump());
}

Result<Response> Reconcile(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, VisibleTask(c, req));
  api::QueryValidator q(req);
  // A misspelt group or mode would silently reconcile something else.
  q.RejectUnknownKeys({"sample_size", "group_id", "deterministic"});
  if (!req.Query("sample_size")) {
    q.AddError("sample_size", "This field is required");
  }
  ReconcileRequest r;
  r.task_id = job.id;
  r.sample_size = q.Int("sample_size", 0, 1, 100000);
  auto group_id = q.String("group_id");
  // Sampled actions for policies whose mix of actions is the point (a
  // policy trained under a replica budget); deterministic by default.
  r.deterministic =
      q.Enum("deterministic", {"true", "false"}).value_or("true") == "true";
  TY_RETURN_IF_ERROR(q.Finish());
  if (group_id && !IsGroupId(*group_id)) {
    return ValidationError("invalid query parameters",
                           {{"group_id", "not a valid group id"}});
  }
  TY_ASSIGN_OR_RETURN(TaskParams task, TaskParamsFromJson(json::parse(
                                           job.params, nullptr, false)));
  TY_RETURN_IF_ERROR(TrainedPolicy(c.deps, job).status());
  r.group_id = group_id.value_or(task.group_id);
  TY_ASSIGN_OR_RETURN(edge::LoadGroup group,
                      FindGroup(c, job.owner_id, r.group_id));
  r.group = GroupToJson(group);
  jobs::SubmitRequest submit{kReconcileJobType, req.caller().user_id,
                             ReconcileJobParams(r), 4 * r.sample_size};
  submit.priority = jobs::kPriorityHigh;  // someone is waiting for it
  const products::ProductDeps& deps = c.deps;
  return api::RunOrAccept(
      req, c.jobs,
      [&deps](jobs::JobContext& ctx) { return RunReconcileJob(deps, ctx); },
      submit, deps.sync_request_ms(), *deps.clock);
}

// ---- load groups ----

// GET /api/v1/groups: the built-in groups, then the caller's saved ones
// (by id), each with its definition as POST training's "group" takes it.
Result<Response> ListGroups(Context& c, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "per_page", 20, 100);
  TY_RETURN_IF_ERROR(q.Finish());
  json all = json::array();
  for (const edge::LoadGroup& g : edge::BuiltinGroups()) {
    all.push_back({{"group_id", g.id},
                   {"built_in", true},
                   {"base_request_rate", g.load.base_rate()},
                   {"group", GroupToJson(g)}});
  }
  TY_ASSIGN_OR_RETURN(std::vector<GroupRow> saved,
                      c.store->ListGroups(req.caller().user_id));
  for (const GroupRow& row : saved) {
    json definition = json::parse(row.definition, nullptr, false);
    Result<edge::LoadGroup> g = GroupFromJson(row.group_id, definition);
    all.push_back(
        {{"group_id", row.group_id},
         {"built_in", false},
         {"base_request_rate", g.ok() ? json(g->load.base_rate()) : json()},
         {"group", definition},
         {"created_at", *Iso(row.created_at)}});
  }
  const int64_t total = static_cast<int64_t>(all.size());
  json items = json::array();
  for (int64_t i = page.offset();
       i < std::min(total, page.offset() + page.page_size); ++i) {
    items.push_back(all[i]);
  }
  return JsonResponse(
      200,
      api::TotalPagePerPage("groups", page, total, std::move(items)).dump());
}

// ---- models ----

json LayoutJson(const std::vector<edge::ObservationField>& layout) {
  json out = json::array();
  for (const edge::ObservationField& f : layout) {
    out.push_back(
        {{"name", f.name}, {"unit", f.unit}, {"low", f.low}, {"high", f.high}});
  }
  return out;
}

json ModelJson(const ModelRow& m) {
  json metrics = json::parse(m.metrics, nullptr, false);
  json deployment = json::parse(m.deployment, nullptr, false);
  return {{"model_id", m.model_id},
          {"task_id", m.model_id},
          {"name", m.name},
          {"type", m.type},
          {"status", m.status},
          {"metrics", metrics.is_object() ? metrics : json::object()},
          {"model_weights_path", m.weights_path},
          {"deployment",
           deployment.is_object() && !deployment.empty() ? deployment : json()},
          {"created_at", *Iso(m.created_at)},
          {"updated_at", *Iso(m.updated_at)}};
}

// The environment configuration a model was trained with (its task's).
Result<edge::EdgeScalingConfig> ModelEnvConfig(Context& c,
                                               const std::string& model_id) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, c.jobs->Get(model_id));
  TY_ASSIGN_OR_RETURN(TaskParams task, TaskParamsFromJson(json::parse(
                                           job.params, nullptr, false)));
  return TaskConfig(task);
}

// GET /api/v1/models/{model_id}: the list item plus what predict takes:
// the observation layout (names, units, ranges) and the action's meaning.
Result<Response> GetModel(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(ModelRow model, VisibleModel(c, req));
  json out = ModelJson(model);
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config,
                      ModelEnvConfig(c, model.model_id));
  out["observation"] = {
      {"size", edge::ObservationSize(config)},
      {"layout", LayoutJson(edge::ObservationLayout(config))},
      {"how",
       "predict takes \"observation\" as a list in this order or as an "
       "object of these names; values are raw (the policy applies its own "
       "saved normalisation)"}};
  out["action"] = {
      {"encoding", edge::ActionEncodingName(config.encoding)},
      {"services", config.services.size()},
      {"max_replicas", config.max_replicas},
      {"replicas",
       "predict answers \"replicas\": the decoded count per service"}};
  return JsonResponse(200, out.dump());
}

Result<Response> ListModels(Context& c, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "per_page", 10, 100);
  auto status = q.Enum("status", {"trained", "deployed", "archived"});
  TY_RETURN_IF_ERROR(q.Finish());
  ModelQuery query;
  if (!req.caller().is_admin()) query.owner_id = req.caller().user_id;
  query.status = status;
  query.limit = page.page_size;
  query.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t total, c.store->CountModels(query));
  TY_ASSIGN_OR_RETURN(std::vector<ModelRow> rows, c.store->ListModels(query));
  json models = json::array();
  for (const ModelRow& m : rows) models.push_back(ModelJson(m));
  return JsonResponse(
      200,
      api::TotalPagePerPage("models", page, total, std::move(models)).dump());
}

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
Status StartDeployment(Context& c, const ModelRow& model,
                       const DeploySpec& spec, const json& deployment) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, c.jobs->Get(model.model_id));
  TY_ASSIGN_OR_RETURN(TaskParams task, TaskParamsFromJson(json::parse(
                                           job.params, nullptr, false)));
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config, TaskConfig(task));
  {
    std::lock_guard lock(c.served_mu);
    std::vector<edge::ObservationField> layout =
        edge::ObservationLayout(config);
    c.served[model.model_id] = std::make_shared<const Context::Served>(
        Context::Served{model.owner_id, std::move(config), std::move(layout)});
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
void RestoreDeployments(Context& c) {
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

Result<Response> Deploy(Context& c, Request& req) {
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
Result<std::vector<float>> ObservationFromJson(const json& value,
                                               const Context::Served& served) {
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

Result<Response> Predict(Context& c, Request& req) {
  const std::string& id = req.PathParam("model_id");
  std::shared_ptr<const Context::Served> served;
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
  api::JsonValidator v(body);
  v.RejectUnknownKeys({"observation", "deterministic"});
  auto deterministic = v.OptionalBool("deterministic");
  if (!body.contains("observation")) {
    v.AddError("observation", "This field is required");
  }
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(std::vector<float> obs,
                      ObservationFromJson(body["observation"], *served));
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

Result<Response> ModelMetrics(Context& c, Request& req) {
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

// ---- system ----

Result<Response> SystemMetrics(Context& c, Request& req) {
  TY_ASSIGN_OR_RETURN(Window window,
                      ParseWindow(req, c.deps.clock->NowMillis()));
  store::JobFilter filter;
  filter.type = kTrainJobType;
  filter.status = store::JobStatus::kRunning;
  TY_ASSIGN_OR_RETURN(int64_t running, c.jobs->Count(filter));
  filter.status = store::JobStatus::kQueued;
  TY_ASSIGN_OR_RETURN(int64_t queued, c.jobs->Count(filter));
  filter.status = store::JobStatus::kCompleted;
  TY_ASSIGN_OR_RETURN(int64_t completed, c.jobs->Count(filter));
  filter.limit = 1000;  // the newest thousand are a fair average
  TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> done, c.jobs->List(filter));
  double seconds = 0.0;
  int64_t timed = 0;
  for (const auto& job : done) {
    if (job.started_at && job.finished_at) {
      seconds += (*job.finished_at - *job.started_at) / 1000.0;
      ++timed;
    }
  }
  json average_seconds = timed > 0 ? json(seconds / timed) : json();
  json average_text =
      timed > 0 ? json(api::FormatUptime(std::llround(seconds / timed)))
                : json();
  json kubernetes = KubeState(c);
  kubernetes["resource_usage"] = nullptr;
  json out = {{"system", c.sampler->Series(window)},
              {"kubernetes", kubernetes},
              {"training",
               {{"active_tasks", running + queued},
                {"running_tasks", running},
                {"queued_tasks", queued},
                {"completed_tasks", completed},
                {"average_training_time", average_text},
                {"average_training_seconds", average_seconds}}}};
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddGymRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<GymStore> store, api::Router* router,
                    RouteOptions options) {
  auto c = std::make_shared<Context>();
  c->deps = deps;
  c->jobs = jobs;
  c->store = std::move(store);
  c->options = options;
  c->deployments = std::make_unique<DeploymentManager>(deps.clock);
  c->sampler =
      std::make_unique<HostSampler>(deps.clock, options.host_sample_period_ms);
  ProcessRunner* runner = options.process_runner;
  if (runner == nullptr) {
    c->own_runner = std::make_unique<SubprocessRunner>();
    runner = c->own_runner.get();
  }
  c->kube = std::make_unique<KubernetesClient>(
      options.kube ? *options.kube
                   : KubeSettingsFromConfig(*deps.config,
                                            TRAINYARD_DEPLOY_TEMPLATES_DIR),
      runner);
  RestoreDeployments(*c);
  if (deps.health != nullptr) {
    deps.health->Set("kubernetes", [weak = std::weak_ptr<Context>(c)] {
      std::shared_ptr<Context> ctx = weak.lock();
      if (!ctx) return products::HealthChecks::State{"not_configured", ""};
      KubernetesClient::Health h = KubeHealth(*ctx);
      return products::HealthChecks::State{h.status, h.message};
    });
  }
  auto bind = [c](Result<Response> (*fn)(Context&, Request&)) {
    return [c, fn](Request& req) { return fn(*c, req); };
  };
  using api::Access;
  const std::vector<api::Route> routes = {
      {"POST", "/api/v1/training", Access::kUser, bind(CreateTraining), 0,
       CreateTrainingBody()},
      {"GET", "/api/v1/training", Access::kUser, bind(ListTraining)},
      {"GET", "/api/v1/training/{task_id}", Access::kUser, bind(GetTraining)},
      {"POST", "/api/v1/training/{task_id}/cancel", Access::kUser,
       bind(CancelTraining)},
      {"POST", "/api/v1/training/{task_id}/reconcile", Access::kUser,
       bind(Reconcile)},
      {"GET", "/api/v1/groups", Access::kUser, bind(ListGroups)},
      {"GET", "/api/v1/models", Access::kUser, bind(ListModels)},
      {"GET", "/api/v1/models/{model_id}", Access::kUser, bind(GetModel)},
      {"POST", "/api/v1/models/{model_id}/deploy", Access::kUser, bind(Deploy),
       0, DeployBody()},
      {"POST", "/api/v1/models/{model_id}/predict", Access::kUser,
       bind(Predict)},
      {"GET", "/api/v1/models/{model_id}/metrics", Access::kUser,
       bind(ModelMetrics)},
      {"GET", "/api/v1/metrics", Access::kAdmin, bind(SystemMetrics)},
  };
  for (const api::Route& route : routes) {
    TY_RETURN_IF_ERROR(router->Add(route));
  }
  return Status::Ok();
}

}  // namespace trainyard::gym
