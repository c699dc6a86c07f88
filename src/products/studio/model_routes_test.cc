// models/ CRUD through HTTP: the document's example bodies, validation,
// pagination, the DRAFT-only rules and per-user visibility.
#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

// The "Create New Model" request body of studio-api.md, verbatim.
const char* kDocCreateBody = R"({
  "name": "NIFTY Momentum Strategy",
  "description": "ML model for NIFTY momentum trading using technical indicators",
  "model_type": "CLASSIFICATION",
  "algorithm": "RANDOM_FOREST",
  "target_variable": "signal_type",
  "features": [
    "rsi_14",
    "macd_signal",
    "bollinger_position",
    "volume_ma_ratio",
    "price_ma_50_ratio"
  ],
  "hyperparameters": {
    "n_estimators": 100,
    "max_depth": 10,
    "min_samples_split": 5,
    "random_state": 42
  },
  "training_config": {
    "symbols": ["NIFTY50", "BANKNIFTY"],
    "start_date": "2023-01-01",
    "end_date": "2024-12-31",
    "train_test_split": 0.8,
    "cross_validation_folds": 5
  }
})";

using ModelRoutesTest = StudioServerTest;

TEST_F(ModelRoutesTest, DocumentCreateBodyMakesADraftModel) {
  auto r = client_->Post(Api("models/"), Auth(alice_), kDocCreateBody,
                         "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["name"], "NIFTY Momentum Strategy");
  EXPECT_EQ(body["status"], "DRAFT");
  EXPECT_EQ(body["message"], "Model created successfully. Ready for training.");
  EXPECT_TRUE(body["created_at"].is_string());

  json detail =
      Body(Get(alice_, "models/" + body["id"].get<std::string>() + "/"));
  EXPECT_EQ(detail["model_type"], "CLASSIFICATION");
  EXPECT_EQ(detail["algorithm"], "RANDOM_FOREST");
  EXPECT_EQ(detail["target_variable"], "signal_type");
  EXPECT_EQ(detail["features"].size(), 5u);
  EXPECT_EQ(detail["hyperparameters"]["n_estimators"], 100);
  EXPECT_EQ(detail["training_config"]["symbols"][1], "BANKNIFTY");
  EXPECT_EQ(detail["training_config"]["cross_validation_folds"], 5);
  EXPECT_EQ(detail["is_published"], false);
  EXPECT_EQ(detail["total_downloads"], 0);
  EXPECT_EQ(detail["total_earnings"], "0.00");
  EXPECT_TRUE(detail["performance_metrics"].empty());
}

TEST_F(ModelRoutesTest,
       MissingFieldsAndBadHyperparametersAreOneValidationError) {
  json body = TinyModelBody();
  body.erase("features");
  body["hyperparameters"] = {{"n_estimators", -3}, {"bogus", 1}};
  auto r = Post(alice_, "models/", body);
  ExpectError(r, 400, "VALIDATION_ERROR");
  json details = Body(r)["error"]["details"];
  EXPECT_EQ(details["features"][0], "This field is required");
  EXPECT_GE(details["hyperparameters"].size(), 2u);
}

// A count is shown as a count (8, not 8.0), whether it was sent as 8 or
// 8.0; real-valued hyperparameters stay as they were sent.
TEST_F(ModelRoutesTest, IntegerHyperparametersAreStoredAndShownAsIntegers) {
  json body = TinyModelBody();
  body["hyperparameters"] = {
      {"n_estimators", 10}, {"max_depth", 3.0}, {"subsample", 0.5}};
  const std::string id = CreateModel(alice_, body);
  auto r = Get(alice_, "models/" + id + "/");
  ASSERT_EQ(r->status, 200) << r->body;
  const json hp = Body(r)["hyperparameters"];
  EXPECT_TRUE(hp["n_estimators"].is_number_integer()) << hp.dump();
  EXPECT_TRUE(hp["max_depth"].is_number_integer()) << hp.dump();
  EXPECT_EQ(hp["max_depth"], 3);
  EXPECT_TRUE(hp["subsample"].is_number_float()) << hp.dump();
  EXPECT_EQ(hp.dump(), R"({"max_depth":3,"n_estimators":10,"subsample":0.5})");
}

TEST_F(ModelRoutesTest, UnknownFeatureListsTheValidNames) {
  json body = TinyModelBody();
  body["features"] = {"rsi_14", "moon_phase"};
  auto r = Post(alice_, "models/", body);
  ExpectError(r, 400, "VALIDATION_ERROR");
  const std::string msg = Body(r)["error"]["details"]["features"][0];
  EXPECT_NE(msg.find("moon_phase"), std::string::npos);
  EXPECT_NE(msg.find("price_ma_50_ratio"), std::string::npos);
}

TEST_F(ModelRoutesTest, NestedTrainingConfigErrorsNameTheirPath) {
  json body = TinyModelBody();
  body["training_config"]["start_date"] = "2023-13-01";
  body["training_config"]["symbols"] = {"NOSUCH"};
  auto r = Post(alice_, "models/", body);
  ExpectError(r, 400, "VALIDATION_ERROR");
  json details = Body(r)["error"]["details"];
  EXPECT_TRUE(details.contains("training_config.start_date"));
  EXPECT_TRUE(details.contains("training_config.symbols"));
}

TEST_F(ModelRoutesTest, ListPaginatesWithCountNextPrevious) {
  for (int i = 0; i < 3; ++i)
    CreateModel(alice_, TinyModelBody("m" + std::to_string(i)));
  json page1 = Body(Get(alice_, "models/?page_size=2"));
  EXPECT_EQ(page1["count"], 3);
  EXPECT_EQ(page1["results"].size(), 2u);
  EXPECT_TRUE(page1["previous"].is_null());
  ASSERT_TRUE(page1["next"].is_string());
  EXPECT_NE(page1["next"].get<std::string>().find("page=2"), std::string::npos);
  json page2 = Body(Get(alice_, "models/?page_size=2&page=2"));
  EXPECT_EQ(page2["results"].size(), 1u);
  EXPECT_TRUE(page2["next"].is_null());
  EXPECT_TRUE(page2["previous"].is_string());
  // The newest model comes first.
  EXPECT_EQ(page1["results"][0]["name"], "m2");
}

TEST_F(ModelRoutesTest, ListFiltersByStatusAndModelType) {
  CreateModel(alice_, TinyModelBody("a"));
  json reg = TinyModelBody("r");
  reg["model_type"] = "REGRESSION";
  CreateModel(alice_, reg);
  EXPECT_EQ(Body(Get(alice_, "models/?model_type=REGRESSION"))["count"], 1);
  EXPECT_EQ(Body(Get(alice_, "models/?status=DRAFT"))["count"], 2);
  EXPECT_EQ(Body(Get(alice_, "models/?status=COMPLETED"))["count"], 0);
  ExpectError(Get(alice_, "models/?status=DONE"), 400, "VALIDATION_ERROR");
}

TEST_F(ModelRoutesTest, DocumentPatchBodyUpdatesADraft) {
  const std::string id = CreateModel(alice_, TinyModelBody());
  auto r = client_->Patch(Api("models/" + id + "/"), Auth(alice_), R"({
  "name": "Updated NIFTY Momentum Strategy",
  "description": "Enhanced ML model with additional features",
  "hyperparameters": {
    "n_estimators": 150,
    "max_depth": 12
  }
})",
                          "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  json detail = Body(Get(alice_, "models/" + id + "/"));
  EXPECT_EQ(detail["name"], "Updated NIFTY Momentum Strategy");
  EXPECT_EQ(detail["description"],
            "Enhanced ML model with additional features");
  EXPECT_EQ(detail["hyperparameters"]["n_estimators"], 150);
  EXPECT_EQ(detail["hyperparameters"]["max_depth"], 12);
  // Merged, not replaced: the untouched key stays.
  EXPECT_EQ(detail["hyperparameters"]["random_state"], 7);
}

TEST_F(ModelRoutesTest, PatchIsValidatedLikeCreate) {
  const std::string id = CreateModel(alice_, TinyModelBody());
  ExpectError(Patch(alice_, "models/" + id + "/",
                    {{"hyperparameters", {{"learning_rate", 0.1}}}}),
              400, "VALIDATION_ERROR");
  ExpectError(Patch(alice_, "models/" + id + "/", {{"owner", "x"}}), 400,
              "VALIDATION_ERROR");
}

TEST_F(ModelRoutesTest, DeleteDraftAnswers204ThenItIsGone) {
  const std::string id = CreateModel(alice_, TinyModelBody());
  auto r = Delete(alice_, "models/" + id + "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
  ExpectError(Get(alice_, "models/" + id + "/"), 404, "RESOURCE_NOT_FOUND");
}

TEST_F(ModelRoutesTest, PatchAndDeleteOfATrainedModelAre409) {
  const std::string id = TrainedModel(alice_);
  auto patch = Patch(alice_, "models/" + id + "/", {{"name", "x"}});
  ExpectError(patch, 409, "CONFLICT");
  EXPECT_NE(
      Body(patch)["error"]["message"].get<std::string>().find("COMPLETED"),
      std::string::npos);
  ExpectError(Delete(alice_, "models/" + id + "/"), 409, "CONFLICT");
}

TEST_F(ModelRoutesTest, OtherUsersModelsAreNotFound) {
  const std::string id = CreateModel(alice_, TinyModelBody());
  ExpectError(Get(bob_, "models/" + id + "/"), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Patch(bob_, "models/" + id + "/", {{"name", "x"}}), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Delete(bob_, "models/" + id + "/"), 404, "RESOURCE_NOT_FOUND");
  ExpectError(Post(bob_, "models/" + id + "/train/"), 404,
              "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Body(Get(bob_, "models/"))["count"], 0);
}

TEST_F(ModelRoutesTest, ArchiveEndsTheLifecycleOfATrainedModel) {
  const std::string id = TrainedModel(alice_);
  auto r = Post(alice_, "models/" + id + "/archive/");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["status"], "ARCHIVED");
  ExpectError(Post(alice_, "models/" + id + "/train/"), 409, "CONFLICT");
}

}  // namespace
}  // namespace trainyard::studio
