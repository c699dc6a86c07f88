// predict/, batch-predict/, explain/, feature-importance/ and plots through
// HTTP with the document's example bodies.
#include <cmath>

#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

class PredictionRoutesTest : public StudioServerTest {
 protected:
  void SetUp() override {
    StudioServerTest::SetUp();
    model_ = TrainedModel(alice_);
  }
  std::string model_;
};

// The "Generate Predictions" body of studio-api.md, verbatim.
const char* kDocPredictBody = R"({
  "symbols": ["NIFTY50", "RELIANCE"],
  "features": {
    "NIFTY50": {
      "rsi_14": 65.2,
      "macd_signal": 0.025,
      "bollinger_position": 0.8,
      "volume_ma_ratio": 1.25
    },
    "RELIANCE": {
      "rsi_14": 45.8,
      "macd_signal": -0.012,
      "bollinger_position": 0.3,
      "volume_ma_ratio": 0.95
    }
  }
})";

TEST_F(PredictionRoutesTest, DocumentPredictBodyAnswersClassConfidenceAndShap) {
  auto r = client_->Post(Api("models/" + model_ + "/predict/"), Auth(alice_),
                         kDocPredictBody, "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  ASSERT_EQ(body["predictions"].size(), 2u);
  EXPECT_EQ(body["model_version"], "1");
  EXPECT_TRUE(body["prediction_timestamp"].is_string());
  for (const auto& p : body["predictions"]) {
    const std::string label = p["prediction"];
    EXPECT_TRUE(label == "BUY" || label == "HOLD" || label == "SELL");
    const double c = p["confidence"];
    // The confidence is the largest of three probabilities summing to 1.
    const json& probs = p["probabilities"];
    const double sum = probs["BUY"].get<double>() +
                       probs["HOLD"].get<double>() +
                       probs["SELL"].get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-3);
    EXPECT_NEAR(c, probs[label].get<double>(), 1e-9);
    EXPECT_GE(c, 1.0 / 3 - 1e-4);
    EXPECT_EQ(p["feature_contributions"].size(), 4u);
    EXPECT_EQ(p["input"], "features");
  }
  EXPECT_EQ(body["predictions"][0]["symbol"], "NIFTY50");
}

// The built-in symbols' prices run to today, so their signal is current.
TEST_F(PredictionRoutesTest, APredictionFromCurrentPricesIsNotStale) {
  auto r = Post(alice_, "models/" + model_ + "/predict/",
                {{"symbols", {"NIFTY50"}}});
  ASSERT_EQ(r->status, 200) << r->body;
  const json p = Body(r)["predictions"][0];
  EXPECT_EQ(p["input"], "stored_prices");
  EXPECT_EQ(p["data_stale"], false) << p.dump();
  EXPECT_LE(p["data_age_days"].get<int64_t>(), 4);
  EXPECT_FALSE(p.contains("warning"));
}

TEST_F(PredictionRoutesTest, MissingFeaturesAreNamedWithHowTheyWereHandled) {
  auto r = Post(alice_, "models/" + model_ + "/predict/",
                {{"symbols", {"NIFTY50"}},
                 {"features",
                  {{"NIFTY50", {{"rsi_14", 65.2}, {"macd_signal", 0.025}}}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  json p = Body(r)["predictions"][0];
  EXPECT_EQ(p["missing_features"],
            json({"bollinger_position", "volume_ma_ratio"}));
  EXPECT_NE(
      p["missing_features_handling"].get<std::string>().find("default branch"),
      std::string::npos);
  EXPECT_NE(p["warning"].get<std::string>().find("2 of 4"), std::string::npos)
      << p["warning"];
  // With every input given there is nothing to warn about.
  r = client_->Post(Api("models/" + model_ + "/predict/"), Auth(alice_),
                    kDocPredictBody, "application/json");
  json full = Body(r)["predictions"][0];
  EXPECT_TRUE(full["missing_features"].empty());
  EXPECT_FALSE(full.contains("warning"));
}

TEST_F(PredictionRoutesTest, ShapNamesTheExplainedClassAndTakesOneToExplain) {
  const std::string explain = "models/" + model_ +
                              "/explain/?symbols=NIFTY50&start_date=2025-01-06"
                              "&end_date=2025-01-17";
  json predicted = Body(Get(alice_, explain));
  ASSERT_FALSE(predicted["explanations"].empty()) << predicted.dump();
  for (const auto& e : predicted["explanations"]) {
    EXPECT_EQ(e["explained_class"], e["prediction"]);
  }
  EXPECT_EQ(predicted["explained_class"], "predicted");
  json buy = Body(Get(alice_, explain + "&class=BUY"));
  ASSERT_EQ(buy["explanations"].size(), predicted["explanations"].size());
  for (const auto& e : buy["explanations"]) {
    EXPECT_EQ(e["explained_class"], "BUY");
    // One class, one base value on every row.
    EXPECT_EQ(e["base_value"], buy["explanations"][0]["base_value"]);
  }
  EXPECT_EQ(buy["units"], "log-odds of class BUY");
  ExpectError(Get(alice_, explain + "&class=MAYBE"), 400, "VALIDATION_ERROR");
  // predict/ takes the same choice as shap_class.
  json p = Body(Post(alice_, "models/" + model_ + "/predict/",
                     {{"symbols", {"NIFTY50"}}, {"shap_class", "SELL"}}));
  EXPECT_EQ(p["predictions"][0]["explained_class"], "SELL");
}

TEST_F(PredictionRoutesTest, PerClassShapPlotsAreServed) {
  json fi = Body(Get(alice_, "models/" + model_ + "/feature-importance/"));
  for (const char* label : {"SELL", "HOLD", "BUY"}) {
    const std::string url = fi["shap_summary_plot_urls_by_class"][label];
    auto r = client_->Get(url, Auth(alice_));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << url;
    EXPECT_EQ(r->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(r->body.substr(1, 3), "PNG");
  }
}

TEST_F(PredictionRoutesTest,
       SymbolsWithoutFeaturesArePredictedFromStoredPrices) {
  auto r = Post(alice_, "models/" + model_ + "/predict/",
                {{"symbols", {"BANKNIFTY"}}});
  ASSERT_EQ(r->status, 200) << r->body;
  json p = Body(r)["predictions"][0];
  EXPECT_EQ(p["input"], "stored_prices");
  EXPECT_EQ(p["data_source"], "synthetic");
  EXPECT_EQ(Body(r)["data_source"], "synthetic");
  // The same symbol-day through batch-predict gives the same answer.
  json batch = Body(Post(alice_, "models/" + model_ + "/batch-predict/",
                         {{"symbols", {"BANKNIFTY"}},
                          {"start_date", p["date"]},
                          {"end_date", p["date"]}}));
  ASSERT_EQ(batch["count"], 1);
  EXPECT_EQ(batch["predictions"][0]["prediction"], p["prediction"]);
  EXPECT_EQ(batch["predictions"][0]["confidence"], p["confidence"]);
}

TEST_F(PredictionRoutesTest, ApproximateContributionsAlsoSumToTheMargin) {
  json body = json::parse(kDocPredictBody);
  body["shap_method"] = "approximate";
  auto approx = Post(alice_, "models/" + model_ + "/predict/", body);
  ASSERT_EQ(approx->status, 200) << approx->body;
  EXPECT_EQ(Body(approx)["contribution_method"], "saabas (approximate)");
  auto exact = client_->Post(Api("models/" + model_ + "/predict/"),
                             Auth(alice_), kDocPredictBody, "application/json");
  EXPECT_EQ(Body(exact)["contribution_method"], "tree_shap");
  // Both attributions add up (with the same bias) to the same raw margin.
  const json approx_body = Body(approx), exact_body = Body(exact);
  for (int i = 0; i < 2; ++i) {
    const json& a = approx_body["predictions"][i];
    const json& e = exact_body["predictions"][i];
    double sa = a["base_value"], se = e["base_value"];
    for (const auto& [k, v] : a["feature_contributions"].items()) {
      sa += v.get<double>();
    }
    for (const auto& [k, v] : e["feature_contributions"].items()) {
      se += v.get<double>();
    }
    EXPECT_NEAR(sa, se, 1e-3);
    EXPECT_EQ(a["prediction"], e["prediction"]);
  }
}

TEST_F(PredictionRoutesTest, UnknownFeatureOrSymbolIsAValidationError) {
  ExpectError(Post(alice_, "models/" + model_ + "/predict/",
                   {{"symbols", {"NIFTY50"}},
                    {"features", {{"NIFTY50", {{"obv", 1.0}}}}}}),
              400, "VALIDATION_ERROR");
  ExpectError(
      Post(alice_, "models/" + model_ + "/predict/", {{"symbols", {"NOPE"}}}),
      400, "VALIDATION_ERROR");
  ExpectError(Post(alice_, "models/" + model_ + "/predict/",
                   {{"symbols", {"NIFTY50"}},
                    {"features", {{"TCS", {{"rsi_14", 1.0}}}}}}),
              400, "VALIDATION_ERROR");
}

TEST_F(PredictionRoutesTest, UntrainedModelCannotPredict) {
  const std::string draft = CreateModel(alice_, TinyModelBody("draft"));
  ExpectError(
      Post(alice_, "models/" + draft + "/predict/", {{"symbols", {"NIFTY50"}}}),
      409, "CONFLICT");
}

TEST_F(PredictionRoutesTest, DocumentBatchPredictBodyCoversEverySymbolDay) {
  auto r = client_->Post(Api("models/" + model_ + "/batch-predict/"),
                         Auth(alice_), R"({
  "symbols": ["NIFTY50", "BANKNIFTY", "RELIANCE"],
  "start_date": "2025-01-10",
  "end_date": "2025-01-15",
  "include_confidence": true,
  "include_shap": true
})",
                         "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  // 2025-01-10 (Fri), 13, 14, 15: four business days x three symbols.
  EXPECT_EQ(body["count"], 12);
  EXPECT_EQ(body["data_source"], "synthetic");
  for (const auto& p : body["predictions"]) {
    EXPECT_TRUE(p["confidence"].is_number());
    EXPECT_EQ(p["feature_contributions"].size(), 4u);
  }
  EXPECT_EQ(body["predictions"][0]["date"], "2025-01-10");
}

TEST_F(PredictionRoutesTest, ShapValuesSumWithTheBaseToTheModelsRawPrediction) {
  auto r = Get(alice_, "models/" + model_ +
                           "/explain/?symbols=NIFTY50&start_date=2025-01-13"
                           "&end_date=2025-01-15");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  ASSERT_EQ(body["explanations"].size(), 3u);
  for (const auto& e : body["explanations"]) {
    double sum = e["base_value"];
    for (const auto& [k, v] : e["shap_values"].items()) sum += v.get<double>();
    EXPECT_NEAR(sum, e["prediction_value"].get<double>(), 1e-4);
    EXPECT_EQ(e["expected_value"], e["base_value"]);
    EXPECT_EQ(e["symbol"], "NIFTY50");
  }
  EXPECT_EQ(body["explanations"][0]["timestamp"], "2025-01-13T00:00:00Z");
  double share = 0;
  for (const auto& [k, v] : body["feature_importance_global"].items()) {
    share += v.get<double>();
  }
  EXPECT_NEAR(share, 1.0, 1e-3);
}

TEST_F(PredictionRoutesTest, ExplainRefusesMoreThan500RowsBeforeComputingShap) {
  // 2 symbols x ~5 years of business days: thousands of rows.
  auto r = Get(alice_, "models/" + model_ +
                           "/explain/?symbols=NIFTY50,BANKNIFTY&start_date="
                           "2019-01-01&end_date=2023-12-31");
  ExpectError(r, 400, "VALIDATION_ERROR");
  const std::string detail = Body(r)["error"]["details"]["end_date"][0];
  EXPECT_NE(detail.find("at most 500 symbol-days"), std::string::npos)
      << detail;
}

TEST_F(PredictionRoutesTest, ExplainNeedsItsQueryParameters) {
  auto r = Get(alice_, "models/" + model_ + "/explain/?symbols=NIFTY50");
  ExpectError(r, 400, "VALIDATION_ERROR");
  EXPECT_TRUE(Body(r)["error"]["details"].contains("start_date"));
}

TEST_F(PredictionRoutesTest,
       FeatureImportanceRanksFeaturesWithDescriptionsAndPlots) {
  auto r = Get(alice_, "models/" + model_ + "/feature-importance/");
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  const json& fi = body["feature_importance"];
  ASSERT_EQ(fi.size(), 4u);
  EXPECT_EQ(fi["rsi_14"]["description"],
            "14-period Relative Strength Index (Wilder smoothing)");
  std::vector<double> by_rank(4);
  for (const auto& [k, v] : fi.items())
    by_rank[v["rank"].get<int>() - 1] = v["importance"];
  for (int i = 1; i < 4; ++i) EXPECT_GE(by_rank[i - 1], by_rank[i]);
  EXPECT_EQ(body["importance_plot_url"], "/api/ai-studio/models/" + model_ +
                                             "/plots/feature-importance.png");
  for (const char* url : {"importance_plot_url", "shap_summary_plot_url"}) {
    auto png = client_->Get(body[url].get<std::string>(), Auth(alice_));
    ASSERT_EQ(png->status, 200);
    EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(png->body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  }
}

TEST_F(PredictionRoutesTest, TheEquityCurveIsAPngBesideItsJson) {
  auto png = Get(alice_, "models/" + model_ + "/plots/equity-curve.png");
  ASSERT_EQ(png->status, 200) << png->body;
  EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(png->body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ExpectError(Get(bob_, "models/" + model_ + "/plots/equity-curve.png"), 404,
              "RESOURCE_NOT_FOUND");
}

TEST_F(PredictionRoutesTest, PlotsAreAuthorised) {
  const std::string url = "models/" + model_ + "/plots/feature-importance.png";
  ExpectError(client_->Get(Api(url)), 401, "AUTHENTICATION_ERROR");
  ExpectError(Get(bob_, url), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Get(alice_, "models/" + model_ + "/plots/other.png"), 404,
              "RESOURCE_NOT_FOUND");
}

}  // namespace
}  // namespace trainyard::studio
