#include "products/studio/model_config.h"

#include <limits>

#include "api/body_schema.h"
#include "ml/features.h"
#include "ml/hyperparameters.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

const char* DefaultTarget(const std::string& type) {
  return type == "CLASSIFICATION" ? "signal_type" : "forward_return";
}

// Moves the details of a failed check into `outer` under
// "<prefix>.<field>".
void AddNested(const Status& st, const std::string& prefix,
               api::SchemaReader* outer) {
  for (const auto& d : st.details()) {
    std::string field = d.field.empty()  ? prefix
                        : prefix.empty() ? d.field
                                         : prefix + "." + d.field;
    outer->AddError(field, d.message);
  }
}

// Reads training_config (declared in ModelConfigBody()); returns it with
// defaults, or nullopt with the errors recorded in `v`.
std::optional<json> ValidateTrainingConfig(api::SchemaReader* v,
                                           MarketData* market) {
  auto symbols = v->Strings("training_config.symbols");
  auto start = v->String("training_config.start_date");
  auto end = v->String("training_config.end_date");
  auto split = v->Number("training_config.train_test_split");
  auto folds = v->Int("training_config.cross_validation_folds");
  auto horizon = v->Int("training_config.prediction_horizon");
  auto threshold = v->Number("training_config.signal_threshold");
  auto lags = v->Int("training_config.lags");
  auto cost = v->Number("training_config.transaction_cost");
  auto allow_short = v->Bool("training_config.allow_short");
  std::optional<ml::DayNumber> first, last;
  if (start) {
    auto d = ml::ParseDate(*start);
    d.ok() ? void(first = *d)
           : v->AddError("training_config.start_date", "must be YYYY-MM-DD");
  }
  if (end) {
    auto d = ml::ParseDate(*end);
    d.ok() ? void(last = *d)
           : v->AddError("training_config.end_date", "must be YYYY-MM-DD");
  }
  if (first && last && *last <= *first) {
    v->AddError("training_config.end_date", "must be after start_date");
  }
  if (symbols && market != nullptr) {
    Status known = market->CheckSymbols(*symbols, "symbols");
    if (!known.ok()) AddNested(known, "training_config", v);
  }
  if (!symbols || !first || !last) return std::nullopt;
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
    const std::string& type, const std::string& algorithm,
    api::SchemaReader* v) {
  std::map<std::string, double> values;
  if (!v->Has("hyperparameters")) return values;  // all defaults
  // A map of numbers (declared); an invalid one has its error recorded.
  std::optional<json> hp = v->Object("hyperparameters");
  if (!hp) return std::nullopt;
  for (const auto& [name, value] : hp->items()) {
    values[name] = value.get<double>();
  }
  if (type.empty() || algorithm.empty()) return std::nullopt;
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

const std::shared_ptr<const api::BodySchema>& ModelConfigBody() {
  using namespace api;  // NOLINT: the field builders
  constexpr double kAny = std::numeric_limits<double>::max();
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("name", 200, "")),
          StringField("description", 5000, ""),
          Required(EnumField("model_type",
                             {"CLASSIFICATION", "REGRESSION", "TIME_SERIES"},
                             "")),
          Required(EnumField("algorithm",
                             {"RANDOM_FOREST", "GRADIENT_BOOSTING"}, "")),
          StringField("target_variable", 100,
                      "signal_type (CLASSIFICATION) or forward_return"),
          Required(ArrayField("features", StringField("", 64, ""), 1, 11,
                              "feature names (docs/ai-studio.md)")),
          MapField("hyperparameters", NumberField("", -kAny, kAny, ""),
                   "name -> number, per algorithm (docs/ai-studio.md)"),
          Required(NestedField(
              "training_config",
              {Required(ArrayField("symbols", StringField("", 32, ""), 1, 20,
                                   "symbols with market data")),
               Required(StringField("start_date", 10, "YYYY-MM-DD")),
               Required(StringField("end_date", 10, "YYYY-MM-DD")),
               NumberField("train_test_split", 0.5, 0.95, "default 0.8"),
               IntField("cross_validation_folds", 0, 20, "default 5"),
               IntField("prediction_horizon", 1, 60, "days, default 5"),
               NumberField("signal_threshold", 0, 0.99, "default 0.01"),
               IntField("lags", 1, 20, "default 3"),
               NumberField("transaction_cost", 0, 0.05, "default 0.001"),
               BoolField("allow_short", "default true")},
              ""))}));
  return *schema;
}

const std::shared_ptr<const api::BodySchema>& ModelPatchBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(ModelConfigBody()->AllOptional()));
  return *schema;
}

const std::vector<std::string>& ModelConfigKeys() {
  static const auto* keys = [] {
    auto* out = new std::vector<std::string>();
    for (const api::Field& f : ModelConfigBody()->fields()) {
      out->push_back(f.name);
    }
    return out;
  }();
  return *keys;
}

Result<ModelConfig> ValidateModelConfig(const json& body, MarketData* market) {
  api::SchemaReader v(*ModelConfigBody(), body);
  auto name = v.String("name");
  auto description = v.String("description");
  auto type = v.Enum("model_type");
  auto algorithm = v.Enum("algorithm");
  auto target = v.String("target_variable");
  auto features = v.Strings("features");
  if (features) {
    Status st = ml::ValidateFeatureNames(*features);
    if (!st.ok())
      v.AddError("features",
                 st.details().empty() ? st.message() : st.details()[0].message);
  }
  if (type && target) {
    const std::string expected = DefaultTarget(*type);
    if (*target != expected) {
      v.AddError("target_variable", "must be '" + expected + "' for " + *type);
    }
  }
  auto hyper =
      ValidateHyperparameters(type.value_or(""), algorithm.value_or(""), &v);
  std::optional<json> training = ValidateTrainingConfig(&v, market);
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
