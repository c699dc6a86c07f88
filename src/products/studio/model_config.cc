#include "products/studio/model_config.h"

#include "api/json_validator.h"
#include "ml/features.h"
#include "ml/hyperparameters.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

const std::vector<std::string> kTrainingConfigKeys = {"symbols",
                                                      "start_date",
                                                      "end_date",
                                                      "train_test_split",
                                                      "cross_validation_folds",
                                                      "prediction_horizon",
                                                      "signal_threshold",
                                                      "lags",
                                                      "transaction_cost",
                                                      "allow_short"};

const char* DefaultTarget(const std::string& type) {
  return type == "CLASSIFICATION" ? "signal_type" : "forward_return";
}

// Moves the details of a failed nested validation into `outer` under
// "<prefix>.<field>".
void AddNested(const Status& st, const std::string& prefix,
               api::JsonValidator* outer) {
  for (const auto& d : st.details()) {
    std::string field = d.field.empty()  ? prefix
                        : prefix.empty() ? d.field
                                         : prefix + "." + d.field;
    outer->AddError(field, d.message);
  }
}

// Validates training_config; returns it with defaults, or records errors.
std::optional<json> ValidateTrainingConfig(const json& tc, MarketData* market,
                                           api::JsonValidator* outer) {
  api::JsonValidator v(tc);
  v.RejectUnknownKeys(kTrainingConfigKeys);
  auto symbols = v.RequiredStringArray("symbols", 20, 32);
  auto start = v.RequiredString("start_date", 10);
  auto end = v.RequiredString("end_date", 10);
  auto split = v.OptionalNumber("train_test_split", 0.5, 0.95);
  auto folds = v.OptionalInt("cross_validation_folds", 0, 20);
  auto horizon = v.OptionalInt("prediction_horizon", 1, 60);
  auto threshold = v.OptionalNumber("signal_threshold", 0, 0.99);
  auto lags = v.OptionalInt("lags", 1, 20);
  auto cost = v.OptionalNumber("transaction_cost", 0, 0.05);
  auto allow_short = v.OptionalBool("allow_short");
  std::optional<ml::DayNumber> first, last;
  if (start) {
    auto d = ml::ParseDate(*start);
    d.ok() ? void(first = *d) : v.AddError("start_date", "must be YYYY-MM-DD");
  }
  if (end) {
    auto d = ml::ParseDate(*end);
    d.ok() ? void(last = *d) : v.AddError("end_date", "must be YYYY-MM-DD");
  }
  if (first && last && *last <= *first) {
    v.AddError("end_date", "must be after start_date");
  }
  if (symbols && market != nullptr) {
    Status known = market->CheckSymbols(*symbols, "symbols");
    if (!known.ok()) AddNested(known, "", &v);
  }
  Status st = v.Finish();
  if (!st.ok()) {
    AddNested(st, "training_config", outer);
    return std::nullopt;
  }
  return json{{"symbols", *symbols},
              {"start_date", *start},
              {"end_date", *end},
              {"train_test_split", split.value_or(0.8)},
              {"cross_validation_folds", folds.value_or(5)},
              {"prediction_horizon", horizon.value_or(5)},
              {"signal_threshold", threshold.value_or(0.01)},
              {"lags", lags.value_or(3)},
              {"transaction_cost", cost.value_or(0.001)},
              {"allow_short", allow_short.value_or(true)}};
}

std::optional<std::map<std::string, double>> ValidateHyperparameters(
    const json& body, const std::string& type, const std::string& algorithm,
    api::JsonValidator* v) {
  std::map<std::string, double> values;
  if (!body.contains("hyperparameters")) return values;  // all defaults
  std::optional<json> hp = v->OptionalObject("hyperparameters");
  if (!hp) return std::nullopt;  // the error is recorded
  bool ok = true;
  for (const auto& [name, value] : hp->items()) {
    if (!value.is_number()) {
      v->AddError("hyperparameters",
                  "Invalid parameter '" + name + "': must be a number");
      ok = false;
      continue;
    }
    values[name] = value.get<double>();
  }
  if (!ok || type.empty() || algorithm.empty()) return std::nullopt;
  auto alg = ml::ParseAlgorithm(algorithm);
  auto mtype = ml::ParseModelType(type);
  if (!alg.ok() || !mtype.ok()) return std::nullopt;
  auto mapped = ml::MapHyperparameters(*alg, *mtype, values);
  if (!mapped.ok()) {
    for (const auto& d : mapped.status().details()) {
      v->AddError("hyperparameters", d.message);
    }
    if (mapped.status().details().empty()) {
      v->AddError("hyperparameters", mapped.status().message());
    }
    return std::nullopt;
  }
  return values;
}

}  // namespace

const std::vector<std::string>& ModelConfigKeys() {
  static const std::vector<std::string> kKeys = {"name",
                                                 "description",
                                                 "model_type",
                                                 "algorithm",
                                                 "target_variable",
                                                 "features",
                                                 "hyperparameters",
                                                 "training_config"};
  return kKeys;
}

Result<ModelConfig> ValidateModelConfig(const json& body, MarketData* market) {
  api::JsonValidator v(body);
  v.RejectUnknownKeys(ModelConfigKeys());
  auto name = v.RequiredString("name", 200);
  auto description = v.OptionalString("description", 5000);
  auto type = v.RequiredEnum("model_type",
                             {"CLASSIFICATION", "REGRESSION", "TIME_SERIES"});
  auto algorithm =
      v.RequiredEnum("algorithm", {"RANDOM_FOREST", "GRADIENT_BOOSTING"});
  auto target = v.OptionalString("target_variable", 100);
  auto features = v.RequiredStringArray("features", 11, 64);
  if (features) {
    Status st = ml::ValidateFeatureNames(*features);
    if (!st.ok())
      v.AddError("features",
                 st.details().empty() ? st.message() : st.details()[0].message);
  }
  if (name && name->empty()) v.AddError("name", "must not be empty");
  if (type && target) {
    const std::string expected = DefaultTarget(*type);
    if (*target != expected) {
      v.AddError("target_variable", "must be '" + expected + "' for " + *type);
    }
  }
  auto hyper = ValidateHyperparameters(body, type.value_or(""),
                                       algorithm.value_or(""), &v);
  std::optional<json> training;
  if (std::optional<json> tc = v.RequiredObject("training_config")) {
    training = ValidateTrainingConfig(*tc, market, &v);
  }
  TY_RETURN_IF_ERROR(v.Finish("Invalid model configuration"));
  ModelConfig out;
  out.name = *name;
  out.description = description.value_or("");
  out.model_type = *type;
  out.algorithm = *algorithm;
  out.config = {{"target_variable", target.value_or(DefaultTarget(*type))},
                {"features", *features},
                {"hyperparameters", TypedHyperparameters(*hyper)},
                {"training_config", *training}};
  return out;
}

std::vector<std::string> ConfigSymbols(const json& config) {
  std::vector<std::string> out;
  for (const auto& s : config["training_config"]["symbols"]) {
    out.push_back(s.get<std::string>());
  }
  return out;
}

Result<ml::TrainingRequest> ToTrainingRequest(const std::string& model_type,
                                              const std::string& algorithm,
                                              const json& config) {
  ml::TrainingRequest r;
  TY_ASSIGN_OR_RETURN(r.type, ml::ParseModelType(model_type));
  TY_ASSIGN_OR_RETURN(r.algorithm, ml::ParseAlgorithm(algorithm));
  try {
    r.features = config.at("features").get<std::vector<std::string>>();
    for (const auto& [k, v] : config.at("hyperparameters").items()) {
      r.hyperparameters[k] = v.get<double>();
    }
    const json& tc = config.at("training_config");
    TY_ASSIGN_OR_RETURN(r.start_day,
                        ml::ParseDate(tc.at("start_date").get<std::string>()));
    TY_ASSIGN_OR_RETURN(r.end_day,
                        ml::ParseDate(tc.at("end_date").get<std::string>()));
    r.train_test_split = tc.at("train_test_split").get<double>();
    r.cross_validation_folds = tc.at("cross_validation_folds").get<int>();
    r.target.type = r.type;
    r.target.horizon = tc.at("prediction_horizon").get<int>();
    r.target.threshold = tc.at("signal_threshold").get<double>();
    r.target.lags = tc.at("lags").get<int>();
    r.backtest.cost = tc.at("transaction_cost").get<double>();
    r.backtest.allow_short = tc.at("allow_short").get<bool>();
  } catch (const json::exception& e) {
    return Status(
        ErrorCode::kCorruption,
        std::string("stored model configuration is malformed: ") + e.what());
  }
  r.threads = 1;
  return r;
}

}  // namespace trainyard::studio
