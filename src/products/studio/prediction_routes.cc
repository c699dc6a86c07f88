// predict/, batch-predict/, explain/, feature-importance/ and plots/: what a
// trained model says, with exact TreeSHAP contributions, and its plots.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "ml/features.h"
#include "ml/predictor.h"
#include "ml/shap.h"
#include "ml/targets.h"
#include "products/studio/json_text_writer.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

constexpr int64_t kMaxBatchRows = 1'000'000;
constexpr size_t kMaxExplainRows = 500;
constexpr int64_t kLatestWindowDays = 60;
// A newest bar more than this many calendar days before today is stale: a
// weekend and a holiday fit within it, a missing week of prices does not.
constexpr int64_t kStaleAfterDays = 4;

struct LoadedModel {
  StudioModel row;
  std::shared_ptr<const ml::XgbModel> model;
};

// The caller's usable model with its artifact. CONFLICT if never trained.
Result<LoadedModel> LoadUsable(StudioContext& ctx, const api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel row, UsableModel(ctx, req));
  if (row.version == 0 || row.artifact_path.empty()) {
    return ConflictError("model '" + row.id + "' has not been trained yet (" +
                         row.status + ")");
  }
  // Trained on another host: its published copy.
  TY_RETURN_IF_ERROR(ctx.deps.artifacts->Fetch(row.artifact_path).status());
  TY_ASSIGN_OR_RETURN(std::string path,
                      ctx.deps.data_dir->Resolve(row.artifact_path));
  TY_ASSIGN_OR_RETURN(std::shared_ptr<const ml::XgbModel> model,
                      ctx.model_cache->Load(path));
  return LoadedModel{std::move(row), std::move(model)};
}

json Contributions(const ml::RowExplanation& e) {
  json out = json::object();
  for (const auto& c : e.contributions) out[c.feature] = Round4(c.value);
  return out;
}

// "prediction", "confidence" and (CLASSIFICATION) class probabilities.
void AddPrediction(const ml::Prediction& p, bool with_confidence, json* out) {
  if (!p.label.empty()) {
    (*out)["prediction"] = p.label;
    if (with_confidence) {
      (*out)["confidence"] = JsonNumber(Round4(p.confidence));
      (*out)["probabilities"] = {{"SELL", Round4(p.probabilities[0])},
                                 {"HOLD", Round4(p.probabilities[1])},
                                 {"BUY", Round4(p.probabilities[2])}};
    }
  } else {
    (*out)["prediction"] = JsonNumber(p.value);
    (*out)["predicted_return"] = JsonNumber(p.value);
    if (with_confidence) (*out)["confidence"] = nullptr;
  }
}

// The class a request asks SHAP to explain ("SELL", "HOLD", "BUY"; -1 =
// each row's predicted class). Only classification models have classes.
Result<int> ExplainClass(const std::optional<std::string>& name,
                         const StudioModel& model, const std::string& field) {
  if (!name) return -1;
  if (model.model_type != "CLASSIFICATION") {
    return ValidationError(
        "invalid class", {{field, "only CLASSIFICATION models have classes"}});
  }
  for (int k = 0; k < ml::kNumSignals; ++k) {
    if (*name == ml::SignalName(k)) return k;
  }
  return ValidationError("invalid class",
                         {{field, "must be one of SELL, HOLD, BUY"}});
}

// Which class an explanation is for: "explained_class" (null for
// regression).
json ExplainedClass(const ml::RowExplanation& e) {
  return e.explained_class >= 0 ? json(ml::SignalName(e.explained_class))
                                : json();
}

api::Field SymbolsField() {
  return api::Required(api::ArrayField("symbols",
                                       api::StringField("", 32, "a symbol"), 1,
                                       100, "symbols with market data"));
}

const std::shared_ptr<const api::BodySchema>& PredictBody() {
  using namespace api;  // NOLINT: the field builders
  constexpr double kAny = std::numeric_limits<double>::max();
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          SymbolsField(),
          MapField("features",
                   MapField("", NumberField("", -kAny, kAny, ""), ""),
                   "symbol -> {feature -> value}: predict from these values "
                   "instead of the latest bar"),
          BoolField("include_shap", "explain each prediction"),
          EnumField("shap_method", {"exact", "approximate"}, ""),
          EnumField("shap_class", {"SELL", "HOLD", "BUY"}, "")}));
  return *schema;
}

const std::shared_ptr<const api::BodySchema>& BatchPredictBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          SymbolsField(), Required(StringField("start_date", 10, "YYYY-MM-DD")),
          Required(StringField("end_date", 10, "YYYY-MM-DD")),
          BoolField("include_confidence", ""), BoolField("include_shap", ""),
          EnumField("shap_class", {"SELL", "HOLD", "BUY"}, "")}));
  return *schema;
}

Result<std::vector<ml::OhlcvSeries>> LoadSeries(
    StudioContext& ctx, const std::vector<std::string>& symbols,
    std::string* data_source) {
  TY_RETURN_IF_ERROR(ctx.market->CheckSymbols(symbols, "symbols"));
  std::vector<ml::OhlcvSeries> out;
  *data_source = "imported";
  for (const auto& s : symbols) {
    TY_ASSIGN_OR_RETURN(auto series, ctx.market->Load(s));
    if (series->source == ml::DataSource::kSynthetic)
      *data_source = "synthetic";
    out.push_back(*series);
  }
  return out;
}

Result<ml::DayNumber> DateField(const std::optional<std::string>& text,
                                const std::string& field) {
  auto day = ml::ParseDate(*text);
  if (!day.ok())
    return ValidationError("invalid date", {{field, "must be YYYY-MM-DD"}});
  return *day;
}

Result<api::Response> Predict(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*PredictBody(), body);
  const std::vector<std::string> symbols =
      v.Strings("symbols").value_or(std::vector<std::string>{});
  auto features = v.Object("features");
  auto include_shap = v.Bool("include_shap");
  auto shap_method = v.Enum("shap_method");
  auto shap_class = v.Enum("shap_class");
  if (features) {
    for (const auto& [symbol, values] : features->items()) {
      if (std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
        v.AddError("features." + symbol, "symbol is not in symbols");
      } else if (values.empty()) {  // the types are declared
        v.AddError("features." + symbol,
                   "must be an object of feature name -> number");
      }
    }
  }
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(LoadedModel m, LoadUsable(ctx, req));
  TY_ASSIGN_OR_RETURN(int explain_class,
                      ExplainClass(shap_class, m.row, "shap_class"));
  const bool shap = include_shap.value_or(true);
  // "approximate" = Saabas path attribution: also sums to the margin, far
  // cheaper, but not Shapley values (labelled in the answer).
  const ml::ContributionMethod method =
      shap_method.value_or("exact") == "approximate"
          ? ml::ContributionMethod::kSaabas
          : ml::ContributionMethod::kTreeShap;
  json predictions = json::array();
  std::string stored_source;
  for (const auto& symbol : symbols) {
    json item = {{"symbol", symbol}};
    ml::Prediction p;
    if (features && features->contains(symbol)) {
      std::map<std::string, double> values;
      for (const auto& [name, value] : (*features)[symbol].items()) {
        values[name] = value.get<double>();
      }
      Result<std::vector<float>> row = ml::RowFromFeatureMap(*m.model, values);
      if (!row.ok()) {
        std::vector<FieldError> details;
        for (const auto& d : row.status().details()) {
          details.push_back({"features." + symbol, d.message});
        }
        return ValidationError(row.status().message(), details);
      }
      ml::MatrixView x{row->data(), 1, row->size()};
      TY_ASSIGN_OR_RETURN(
          std::vector<ml::Prediction> out,
          ml::PredictRows(*m.model, x, shap, method, explain_class));
      p = std::move(out[0]);
      item["input"] = "features";
      // Inputs the caller left out are missing values (NaN): every tree
      // sends them down its split's default branch, learnt in training.
      json missing = json::array();
      for (const std::string& name : m.model->feature_names()) {
        if (!values.count(name)) missing.push_back(name);
      }
      item["missing_features"] = missing;
      if (!missing.empty()) {
        item["missing_features_handling"] =
            "not imputed: each tree takes the default branch XGBoost learnt "
            "for missing values at every split on these inputs";
        item["warning"] =
            std::to_string(missing.size()) + " of " +
            std::to_string(m.model->feature_names().size()) +
            " model inputs were not given and were treated as "
            "missing: " +
            [&] {
              std::string names;
              for (const json& n : missing) {
                names += (names.empty() ? "" : ", ") + n.get<std::string>();
              }
              return names;
            }();
      }
    } else {
      std::string source;
      TY_ASSIGN_OR_RETURN(std::vector<ml::OhlcvSeries> series,
                          LoadSeries(ctx, {symbol}, &source));
      const ml::DayNumber last = series[0].days.back();
      TY_ASSIGN_OR_RETURN(
          std::vector<ml::ScoredRow> rows,
          ml::PredictSeries(*m.model, series, last - kLatestWindowDays, last,
                            /*latest_only=*/true, shap, method, explain_class));
      p = std::move(rows.back().prediction);
      item["input"] = "stored_prices";
      item["date"] = ml::FormatDate(rows.back().day);
      item["close"] = rows.back().close;
      item["data_source"] = source;
      if (stored_source != "synthetic") stored_source = source;
      // The signal is for the trading day after the newest bar; say so when
      // that bar is old (an import that was never refreshed), instead of
      // letting it pass for today's signal.
      const int64_t age = TodayDay(ctx) - rows.back().day;
      item["data_age_days"] = age;
      item["data_stale"] = age > kStaleAfterDays;
      if (age > kStaleAfterDays) {
        item["warning"] =
            "the newest stored bar of " + symbol + " is " +
            ml::FormatDate(rows.back().day) + ", " + std::to_string(age) +
            " days before today: this prediction is for the trading day "
            "after it, not for today; import newer prices (trainyard import "
            "ohlcv) for a current signal";
      }
    }
    AddPrediction(p, true, &item);
    if (p.explanation) {
      item["feature_contributions"] = Contributions(*p.explanation);
      item["base_value"] = Round4(p.explanation->base_value);
      item["explained_class"] = ExplainedClass(*p.explanation);
    }
    predictions.push_back(std::move(item));
  }
  return Json(200,
              {{"predictions", predictions},
               {"model_version", std::to_string(m.row.version)},
               {"prediction_timestamp", IsoTime(ctx.NowMillis())},
               {"contribution_method",
                !shap ? json(nullptr)
                      : json(method == ml::ContributionMethod::kSaabas
                                 ? "saabas (approximate)"
                                 : "tree_shap")},
               {"data_source",
                stored_source.empty() ? json(nullptr) : json(stored_source)}});
}

// The batch-predict/ answer, written as text directly: a million-row answer
// built as nlohmann::json objects cost more than the predictions themselves.
// Same members as predict/'s items (AddPrediction, Contributions).
std::string BatchPredictionsText(const std::vector<ml::ScoredRow>& rows,
                                 bool with_confidence, int64_t version,
                                 const std::string& timestamp,
                                 const std::string& source) {
  JsonTextWriter w;
  w.Reserve(rows.size() * (with_confidence ? 150 : 70) *
            (rows.empty() || !rows[0].prediction.explanation ? 1 : 3));
  w.BeginObject();
  w.Key("predictions");
  w.BeginArray();
  static constexpr const char* kClasses[] = {"SELL", "HOLD", "BUY"};
  for (const auto& r : rows) {
    const ml::Prediction& p = r.prediction;
    w.BeginObject();
    w.Key("symbol");
    w.String(r.symbol);
    w.Key("date");
    w.String(ml::FormatDate(r.day));
    w.Key("close");
    w.Number(r.close);
    w.Key("prediction");
    if (!p.label.empty()) {
      w.String(p.label);
      if (with_confidence) {
        w.Key("confidence");
        w.Number(Round4(p.confidence));
        w.Key("probabilities");
        w.BeginObject();
        for (size_t k = 0; k < p.probabilities.size() && k < 3; ++k) {
          w.Key(kClasses[k]);
          w.Number(Round4(p.probabilities[k]));
        }
        w.EndObject();
      }
    } else {
      w.Number(p.value);
      w.Key("predicted_return");
      w.Number(p.value);
      if (with_confidence) {
        w.Key("confidence");
        w.Null();
      }
    }
    if (p.explanation) {
      w.Key("feature_contributions");
      w.BeginObject();
      for (const auto& c : p.explanation->contributions) {
        w.Key(c.feature);
        w.Number(Round4(c.value));
      }
      w.EndObject();
      w.Key("base_value");
      w.Number(Round4(p.explanation->base_value));
      if (p.explanation->explained_class >= 0) {
        w.Key("explained_class");
        w.String(ml::SignalName(p.explanation->explained_class));
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("count");
  w.Int(static_cast<int64_t>(rows.size()));
  w.Key("model_version");
  w.String(std::to_string(version));
  w.Key("prediction_timestamp");
  w.String(timestamp);
  w.Key("data_source");
  w.String(source);
  w.EndObject();
  return std::move(w.text());
}

Result<api::Response> BatchPredict(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*BatchPredictBody(), body);
  const std::vector<std::string> symbols =
      v.Strings("symbols").value_or(std::vector<std::string>{});
  auto start = v.String("start_date");
  auto end = v.String("end_date");
  auto confidence = v.Bool("include_confidence");
  auto shap = v.Bool("include_shap");
  auto shap_class = v.Enum("shap_class");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(ml::DayNumber first, DateField(start, "start_date"));
  TY_ASSIGN_OR_RETURN(ml::DayNumber last, DateField(end, "end_date"));
  if (last < first) {
    return ValidationError("invalid range",
                           {{"end_date", "must not be before start_date"}});
  }
  if ((last - first + 1) * static_cast<int64_t>(symbols.size()) >
      kMaxBatchRows) {
    return ValidationError("too many rows", {{"end_date",
                                              "at most 1,000,000 "
                                              "symbol-days per "
                                              "request"}});
  }
  TY_ASSIGN_OR_RETURN(LoadedModel m, LoadUsable(ctx, req));
  TY_ASSIGN_OR_RETURN(int explain_class,
                      ExplainClass(shap_class, m.row, "shap_class"));
  std::string source;
  TY_ASSIGN_OR_RETURN(std::vector<ml::OhlcvSeries> series,
                      LoadSeries(ctx, symbols, &source));
  const bool with_shap = shap.value_or(false);
  const bool with_confidence = confidence.value_or(true);
  TY_ASSIGN_OR_RETURN(
      std::vector<ml::ScoredRow> rows,
      ml::PredictSeries(*m.model, series, first, last,
                        /*latest_only=*/false, with_shap,
                        ml::ContributionMethod::kTreeShap, explain_class));
  return api::JsonResponse(
      200, BatchPredictionsText(rows, with_confidence, m.row.version,
                                IsoTime(ctx.NowMillis()), source));
}

Result<api::Response> Explain(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  auto symbols_text = q.String("symbols");
  auto start = q.String("start_date");
  auto end = q.String("end_date");
  auto class_name = q.Enum("class", {"SELL", "HOLD", "BUY"});
  TY_RETURN_IF_ERROR(q.Finish());
  std::vector<FieldError> missing;
  for (auto [field, value] :
       {std::pair{"symbols", &symbols_text}, std::pair{"start_date", &start},
        std::pair{"end_date", &end}}) {
    if (!*value || (*value)->empty()) {
      missing.push_back({field, "This query parameter is required"});
    }
  }
  if (!missing.empty()) return ValidationError("invalid query", missing);
  std::vector<std::string> symbols = SplitCsv(*symbols_text);
  TY_ASSIGN_OR_RETURN(ml::DayNumber first, DateField(start, "start_date"));
  TY_ASSIGN_OR_RETURN(ml::DayNumber last, DateField(end, "end_date"));
  if (last < first) {
    return ValidationError("invalid range",
                           {{"end_date", "must not be before start_date"}});
  }
  TY_ASSIGN_OR_RETURN(LoadedModel m, LoadUsable(ctx, req));
  TY_ASSIGN_OR_RETURN(int explain_class,
                      ExplainClass(class_name, m.row, "class"));
  std::string source;
  TY_ASSIGN_OR_RETURN(std::vector<ml::OhlcvSeries> series,
                      LoadSeries(ctx, symbols, &source));
  // Count the rows first (cheap, no SHAP): exact SHAP costs milliseconds a
  // row, so an oversized range must be refused before computing it.
  TY_ASSIGN_OR_RETURN(std::vector<ml::ScoredRow> rows,
                      ml::PredictSeries(*m.model, series, first, last,
                                        /*latest_only=*/false, false));
  if (rows.size() > kMaxExplainRows) {
    return ValidationError(
        "too many rows to explain",
        {{"end_date", "at most 500 symbol-days per request; got " +
                          std::to_string(rows.size())}});
  }
  TY_ASSIGN_OR_RETURN(rows, ml::PredictSeries(*m.model, series, first, last,
                                              /*latest_only=*/false, true,
                                              ml::ContributionMethod::kTreeShap,
                                              explain_class));
  json explanations = json::array();
  std::vector<ml::RowExplanation> all;
  for (const auto& r : rows) {
    const ml::RowExplanation& e = *r.prediction.explanation;
    json item = {{"symbol", r.symbol},
                 {"date", ml::FormatDate(r.day)},
                 {"timestamp", ml::FormatDate(r.day) + "T00:00:00Z"},
                 {"base_value", e.base_value},
                 {"expected_value", e.base_value},
                 {"prediction_value", e.prediction_value},
                 {"explained_class", ExplainedClass(e)},
                 {"shap_values", json::object()}};
    for (const auto& c : e.contributions)
      item["shap_values"][c.feature] = c.value;
    AddPrediction(r.prediction, true, &item);
    explanations.push_back(std::move(item));
    all.push_back(e);
  }
  json global = json::object();
  ml::GlobalImportance g = ml::ComputeGlobalImportance(all);
  for (size_t i = 0; i < g.features.size(); ++i) {
    global[g.features[i]] = Round4(g.share[i]);
  }
  return Json(
      200, {{"explanations", explanations},
            {"feature_importance_global", global},
            {"model_version", std::to_string(m.row.version)},
            {"units", m.row.model_type != "CLASSIFICATION" ? "predicted return"
                      : explain_class >= 0
                          ? "log-odds of class " +
                                std::string(ml::SignalName(explain_class))
                          : "log-odds of each row's predicted class "
                            "(explained_class); pass class=BUY, "
                            "HOLD or SELL to explain one class on "
                            "every row"},
            {"explained_class",
             explain_class >= 0 ? json(ml::SignalName(explain_class))
             : m.row.model_type == "CLASSIFICATION" ? json("predicted")
                                                    : json()},
            {"method", "tree_shap"},
            {"data_source", source}});
}

Result<api::Response> FeatureImportance(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel m, UsableModel(ctx, req));
  if (m.version == 0) {
    return ConflictError("model '" + m.id + "' has not been trained yet");
  }
  // Ranked by gain share (stored sorted descending as an object, so sort
  // again here).
  std::vector<std::pair<std::string, double>> items;
  for (const auto& [name, value] : m.result["feature_importance"].items()) {
    items.push_back({name, value.get<double>()});
  }
  std::stable_sort(
      items.begin(), items.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  json out = json::object();
  for (size_t i = 0; i < items.size(); ++i) {
    out[items[i].first] = {
        {"importance", items[i].second},
        {"rank", i + 1},
        {"description", ml::DescribeModelInput(items[i].first)},
        {"shap_importance",
         m.result["shap_importance"].value(items[i].first, 0.0)}};
  }
  json by_class;  // null for regression
  if (m.model_type == "CLASSIFICATION") {
    by_class = json::object();
    for (const char* label : {"SELL", "HOLD", "BUY"}) {
      by_class[label] = PlotUrl(m.id, std::string("shap-summary-") + label);
    }
  }
  return Json(
      200, {{"feature_importance", out},
            {"importance_type", "gain"},
            {"model_version", std::to_string(m.version)},
            {"importance_plot_url", PlotUrl(m.id, "feature-importance")},
            {"shap_summary_plot_url", PlotUrl(m.id, "shap-summary")},
            {"shap_summary_plot_explains", by_class.is_null()
                                               ? "the predicted value"
                                               : "each row's predicted class"},
            {"shap_summary_plot_urls_by_class", by_class}});
}

Result<api::Response> Plot(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel m, UsableModel(ctx, req));
  const std::string& file = req.PathParam("plot");
  std::string name;
  if (file == "feature-importance.png") name = "feature-importance";
  if (file == "shap-summary.png") name = "shap-summary";
  if (file == "equity-curve.png") name = "equity-curve";
  if (m.model_type == "CLASSIFICATION") {
    for (const char* label : {"SELL", "HOLD", "BUY"}) {
      if (file == std::string("shap-summary-") + label + ".png") {
        name = std::string("shap-summary-") + label;
      }
    }
  }
  if (name.empty() || m.version == 0) {
    return NotFoundError("plot '" + file +
                         "' not found; plots are "
                         "feature-importance.png, shap-summary.png, "
                         "equity-curve.png and (for classification) "
                         "shap-summary-SELL.png, shap-summary-HOLD.png, "
                         "shap-summary-BUY.png of a trained model");
  }
  TY_ASSIGN_OR_RETURN(std::string path,
                      ctx.deps.data_dir->Resolve(PlotPath(m.id, name)));
  TY_ASSIGN_OR_RETURN(std::string png, ctx.deps.file_system->ReadFile(path));
  api::Response res;
  res.status = 200;
  res.content_type = "image/png";
  res.body = std::move(png);
  res.AddHeader("Cache-Control", "private, max-age=60");
  return res;
}

}  // namespace

Status AddPredictionRoutes(const std::shared_ptr<StudioContext>& ctx,
                           api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "POST",
                                    "/models/{model_id}/predict", Access::kUser,
                                    ctx, Predict, 0, PredictBody()));
  TY_RETURN_IF_ERROR(
      AddStudioRoute(router, "POST", "/models/{model_id}/batch-predict",
                     Access::kUser, ctx, BatchPredict, 0, BatchPredictBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/models/{model_id}/explain",
                                    Access::kUser, ctx, Explain));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET",
                                    "/models/{model_id}/feature-importance",
                                    Access::kUser, ctx, FeatureImportance));
  return AddStudioRoute(router, "GET", "/models/{model_id}/plots/{plot}",
                        Access::kUser, ctx, Plot);
}

}  // namespace trainyard::studio
