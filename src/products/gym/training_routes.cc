// Training tasks: POST/GET training, GET training/{task_id} (with a window
// of its series), POST .../cancel and .../reconcile.
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "api/body_schema.h"
#include "api/bounded_response.h"
#include "api/error_response.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "core/suggest.h"
#include "products/gym/reconcile_job.h"
#include "products/gym/route_support.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {
namespace {

namespace edge = env::edge;
using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

// The document's task statuses: a queued job is "created".
std::string TaskStatus(store::JobStatus s) {
  return s == store::JobStatus::kQueued ? "created" : store::JobStatusName(s);
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

Result<store::JobRecord> VisibleTask(GymContext& c, const Request& req) {
  const std::string& id = req.PathParam("task_id");
  Result<store::JobRecord> job = c.jobs->Get(id);
  if (!job.ok() || job->type != kTrainJobType ||
      (!req.caller().is_admin() && job->owner_id != req.caller().user_id)) {
    // Other users' tasks are reported missing so ids cannot be probed.
    return NotFoundError("task '" + id + "' not found");
  }
  return job;
}

// A built-in group, or one the caller saved. NOT_FOUND otherwise, naming
// the nearest of those groups when `id` looks like a typo of one.
Result<edge::LoadGroup> FindGroup(GymContext& c, const std::string& owner,
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

Result<Response> CreateTraining(GymContext& c, Request& req) {
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
  Status valid = ValidateParameters(task.model_type, *config, *params).status();
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

Result<Response> ListTraining(GymContext& c, Request& req) {
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

Result<Response> GetTraining(GymContext& c, Request& req) {
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

Result<Response> CancelTraining(GymContext& c, Request& req) {
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

Result<Response> Reconcile(GymContext& c, Request& req) {
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
  // The task's parameters are read and its policy fetched once, here; the
  // run below uses them, and a worker that takes the job over reads them
  // again (RunReconcileJob).
  TY_ASSIGN_OR_RETURN(ReconcileTask task,
                      LoadReconcileTask(c.deps, std::move(job)));
  r.group_id = group_id.value_or(task.params.group_id);
  TY_ASSIGN_OR_RETURN(edge::LoadGroup group,
                      FindGroup(c, task.job.owner_id, r.group_id));
  r.group = GroupToJson(group);
  jobs::SubmitRequest submit{kReconcileJobType, req.caller().user_id,
                             ReconcileJobParams(r), 4 * r.sample_size};
  submit.priority = jobs::kPriorityHigh;  // someone is waiting for it
  const products::ProductDeps& deps = c.deps;
  return api::RunOrAccept(
      req, c.jobs,
      [&deps, &task, &r](jobs::JobContext& ctx) {
        return ReconcileTrainedTask(deps, task, r, ctx);
      },
      submit, deps.sync_request_ms(), *deps.clock);
}

}  // namespace

Status AddTrainingRoutes(const std::shared_ptr<GymContext>& ctx,
                         api::Router* router) {
  using api::Access;
  return AddRouteTable(
      router, ctx,
      {
          {"POST", "/api/v1/training", Access::kUser, CreateTraining,
           CreateTrainingBody()},
          {"GET", "/api/v1/training", Access::kUser, ListTraining},
          {"GET", "/api/v1/training/{task_id}", Access::kUser, GetTraining},
          {"POST", "/api/v1/training/{task_id}/cancel", Access::kUser,
           CancelTraining},
          {"POST", "/api/v1/training/{task_id}/reconcile", Access::kUser,
           Reconcile},
      });
}

}  // namespace trainyard::gym
