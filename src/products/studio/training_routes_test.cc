// Training jobs through HTTP: the document's train body, real fits with
// progress and logs, credits held / charged / refunded, cancel, failures,
// tier rules and visibility.
#include <cmath>

#include "jobs/job_service.h"
#include "products/studio/studio_test_support.h"

namespace trainyard::studio {
namespace {

using TrainingRoutesTest = StudioServerTest;

int64_t Cents(const json& money) {
  return std::llround(std::stod(money.get<std::string>()) * 100);
}

TEST_F(TrainingRoutesTest, DocumentTrainBodyQueuesARealFitThatCompletes) {
  const std::string id = CreateModel(alice_, TinyModelBody());
  auto r = Post(alice_, "models/" + id + "/train/",
                json::parse(R"({"job_name": "NIFTY Momentum Training v1.3",
                                "priority": "NORMAL"})"));
  ASSERT_EQ(r->status, 202) << r->body;
  json started = Body(r);
  EXPECT_EQ(started["message"], "Training job queued successfully");
  EXPECT_TRUE(started["estimated_completion"].is_string());
  const int64_t hold = Cents(started["estimated_cost"]);
  EXPECT_GT(hold, 0);

  json job = WaitForJob(alice_, started["job_id"]);
  ASSERT_EQ(job["status"], "COMPLETED") << job.dump();
  EXPECT_EQ(job["job_name"], "NIFTY Momentum Training v1.3");
  EXPECT_EQ(job["progress"], 100);
  EXPECT_EQ(job["total_epochs"], 3);  // 2 walk-forward folds + final fit
  EXPECT_EQ(job["current_epoch"], 3);
  // The document's current_metrics {accuracy, loss}: loss is the log loss.
  EXPECT_EQ(job["current_metrics"]["loss"], job["current_metrics"]["log_loss"]);
  EXPECT_TRUE(job["current_metrics"]["accuracy"].is_number());
  EXPECT_EQ(job["data_source"], "synthetic");
  bool saw_epoch_log = false;
  for (const auto& line : job["logs"]) {
    if (line["message"] == "Starting epoch 1/3 (cross-validation fold)") {
      saw_epoch_log = true;
      EXPECT_EQ(line["level"], "INFO");
    }
  }
  EXPECT_TRUE(saw_epoch_log) << job["logs"].dump();

  json model = Body(Get(alice_, "models/" + id + "/"));
  EXPECT_EQ(model["status"], "COMPLETED");
  EXPECT_EQ(model["version"], 1);
  EXPECT_EQ(model["data_source"], "synthetic");
  const json& perf = model["performance_metrics"];
  for (const char* k :
       {"accuracy", "precision", "recall", "f1_score", "roc_auc",
        "sharpe_ratio", "max_drawdown", "total_return", "win_rate"}) {
    EXPECT_TRUE(perf.contains(k)) << k;
  }
  EXPECT_GE(perf["accuracy"].get<double>(), 0.0);
  EXPECT_LE(perf["accuracy"].get<double>(), 1.0);
  EXPECT_EQ(job["training_metrics"]["final_accuracy"], perf["accuracy"]);
  const json& bt = model["backtest_results"];
  ASSERT_GT(bt["total_trades"].get<int>(), 0);
  EXPECT_NEAR(
      bt["win_rate"].get<double>(),
      bt["winning_trades"].get<double>() / bt["total_trades"].get<int>(), 1e-4);
  double importance = 0;
  for (const auto& [k, v] : model["feature_importance"].items()) {
    importance += v.get<double>();
  }
  EXPECT_NEAR(importance, 1.0, 1e-3);

  // Billing: charged = measured seconds at $5/h (rounded up to a cent,
  // capped by the hold); the rest of the hold is refunded.
  const double seconds = job["compute_seconds"];
  const int64_t charged = Cents(job["cost"]);
  const int64_t refund = Cents(job["refund_amount"]);
  EXPECT_EQ(
      charged,
      std::min<int64_t>(
          hold, static_cast<int64_t>(std::ceil(seconds * 500 / 3600 - 1e-9))));
  EXPECT_EQ(charged + refund, hold);
  EXPECT_NEAR(Credits(alice_id_), 100.0 - charged / 100.0, 1e-9);
}

TEST_F(TrainingRoutesTest, ResultReportsNaiveBaselinesConfusionAndAVerdict) {
  const std::string id = TrainedModel(alice_);
  json model = Body(Get(alice_, "models/" + id + "/"));
  const json& b = model["baselines"];
  ASSERT_TRUE(b.is_object()) << model.dump();
  const std::string majority = b["majority_class"]["class"];
  EXPECT_TRUE(majority == "BUY" || majority == "HOLD" || majority == "SELL");
  const double majority_acc = b["majority_class"]["accuracy"];
  for (const char* rule : {"buy_and_hold", "momentum"}) {
    EXPECT_TRUE(b[rule]["total_return"].is_number()) << rule;
    EXPECT_TRUE(b[rule]["sharpe_ratio"].is_number()) << rule;
    EXPECT_TRUE(b[rule]["rule"].is_string()) << rule;
  }
  // The verdict follows the figures, and says plainly when the model loses.
  const json& c = model["comparison"];
  const double acc = model["performance_metrics"]["accuracy"];
  const double ret = model["performance_metrics"]["total_return"];
  EXPECT_EQ(c["beats"]["majority_class"], acc > majority_acc);
  EXPECT_EQ(c["beats"]["buy_and_hold"],
            ret > b["buy_and_hold"]["total_return"].get<double>());
  EXPECT_EQ(c["beats"]["momentum"],
            ret > b["momentum"]["total_return"].get<double>());
  const bool all = c["beats"]["majority_class"].get<bool>() &&
                   c["beats"]["buy_and_hold"].get<bool>() &&
                   c["beats"]["momentum"].get<bool>();
  EXPECT_EQ(c["beats_all_baselines"], all);
  const std::string verdict = c["verdict"];
  EXPECT_EQ(verdict.find("does NOT beat") != std::string::npos, !all)
      << verdict;
  if (!c["beats"]["majority_class"].get<bool>()) {
    EXPECT_NE(verdict.find("always predicting " + majority), std::string::npos)
        << verdict;
  }
  // Confusion matrix over every test row, and per-class figures behind it.
  const json& cm = model["confusion_matrix"];
  EXPECT_EQ(cm["labels"], json({"SELL", "HOLD", "BUY"}));
  int total = 0, correct = 0;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      total += cm["matrix"][i][j].get<int>();
      if (i == j) correct += cm["matrix"][i][j].get<int>();
    }
  }
  EXPECT_EQ(total, model["training_summary"]["test_rows"].get<int>());
  EXPECT_NEAR(acc, static_cast<double>(correct) / total, 1e-4);
  int support = 0;
  for (const char* label : {"SELL", "HOLD", "BUY"}) {
    const json& pc = model["per_class_metrics"][label];
    EXPECT_GE(pc["precision"].get<double>(), 0.0) << label;
    EXPECT_LE(pc["recall"].get<double>(), 1.0) << label;
    support += pc["support"].get<int>();
  }
  EXPECT_EQ(support, total);
  // The training job says the same.
  json jobs = Body(Get(alice_, "training-jobs/?model_id=" + id));
  json job =
      Body(Get(alice_, "training-jobs/" +
                           jobs["results"][0]["id"].get<std::string>() + "/"));
  EXPECT_EQ(job["comparison"], c);
  EXPECT_EQ(job["baselines"], b);
}

TEST_F(TrainingRoutesTest, DocumentExampleModelTrainsOnTwoSymbols) {
  json body = json::parse(R"({
    "name": "NIFTY Momentum Strategy",
    "model_type": "CLASSIFICATION", "algorithm": "RANDOM_FOREST",
    "target_variable": "signal_type",
    "features": ["rsi_14", "macd_signal", "bollinger_position",
                 "volume_ma_ratio", "price_ma_50_ratio"],
    "hyperparameters": {"n_estimators": 100, "max_depth": 10,
                        "min_samples_split": 5, "random_state": 42},
    "training_config": {"symbols": ["NIFTY50", "BANKNIFTY"],
                        "start_date": "2023-01-01", "end_date": "2024-12-31",
                        "train_test_split": 0.8, "cross_validation_folds": 5}
  })");
  const std::string id = TrainedModel(alice_, body);
  json model = Body(Get(alice_, "models/" + id + "/"));
  EXPECT_EQ(model["effective_hyperparameters"]["n_estimators"], 100);
  EXPECT_TRUE(
      model["effective_hyperparameters"]["n_estimators"].is_number_integer());
  EXPECT_TRUE(
      model["effective_hyperparameters"]["subsample"].is_number_float());
  EXPECT_EQ(model["cv_metrics"].contains("accuracy"), true);
  EXPECT_EQ(model["training_summary"]["epochs"], 6);
}

TEST_F(TrainingRoutesTest, WithoutCreditsTrainingIs402AndTheModelStaysDraft) {
  const std::string id = CreateModel(bob_, TinyModelBody());
  ExpectError(Post(bob_, "models/" + id + "/train/"), 402,
              "INSUFFICIENT_CREDITS");
  EXPECT_EQ(Body(Get(bob_, "models/" + id + "/"))["status"], "DRAFT");
  EXPECT_EQ(Body(Get(bob_, "training-jobs/"))["count"], 0);
  EXPECT_EQ(Credits(bob_id_), 0.0);
}

TEST_F(TrainingRoutesTest, ThePriorityIsQueuedWithTheJob) {
  for (const auto& [level, stored] :
       std::vector<std::pair<std::string, int>>{{"HIGH", jobs::kPriorityHigh},
                                                {"LOW", jobs::kPriorityLow},
                                                {"NORMAL",
                                                 jobs::kPriorityNormal}}) {
    const std::string id = CreateModel(carol_, TinyModelBody(level));
    auto r = Post(carol_, "models/" + id + "/train/", {{"priority", level}});
    ASSERT_EQ(r->status, 202) << r->body;
    const std::string job_id = Body(r)["job_id"];
    // The job system orders its queue by this (src/jobs/job_priority_test.cc).
    EXPECT_EQ(app_->runtime().store->jobs()->Get(job_id)->priority, stored);
    EXPECT_EQ(Body(Get(carol_, "training-jobs/" + job_id + "/"))["priority"],
              level);
    WaitForJob(carol_, job_id);
  }
}

TEST_F(TrainingRoutesTest, HighPriorityNeedsAPaidTier) {
  const std::string id = CreateModel(bob_, TinyModelBody());
  ExpectError(Post(bob_, "models/" + id + "/train/", {{"priority", "HIGH"}}),
              402, "SUBSCRIPTION_REQUIRED");
  ExpectError(
      Post(alice_, "models/" + id + "/train/", {{"priority", "URGENT"}}), 404,
      "RESOURCE_NOT_FOUND");
  const std::string mine = CreateModel(alice_, TinyModelBody());
  ExpectError(
      Post(alice_, "models/" + mine + "/train/", {{"priority", "URGENT"}}), 400,
      "VALIDATION_ERROR");
}

TEST_F(TrainingRoutesTest,
       CancelRefundsTheWholeHoldWhenQueuedAndTheUnusedPartWhenRunning) {
  const double before = Credits(carol_id_);
  const std::string slow = CreateModel(carol_, SlowModelBody());
  json a = Body(Post(carol_, "models/" + slow + "/train/"));
  // With one worker busy on A, B waits in the queue.
  const std::string other = CreateModel(carol_, TinyModelBody());
  json b = Body(Post(carol_, "models/" + other + "/train/"));
  const int64_t hold_a = Cents(a["estimated_cost"]);
  const int64_t hold_b = Cents(b["estimated_cost"]);
  EXPECT_NEAR(Credits(carol_id_), before - (hold_a + hold_b) / 100.0, 1e-9);

  json running = WaitForJob(carol_, a["job_id"], "RUNNING");
  ASSERT_EQ(running["status"], "RUNNING");
  EXPECT_EQ(Body(Get(carol_, "training-jobs/" + b["job_id"].get<std::string>() +
                                 "/"))["status"],
            "PENDING");

  auto cancel_b = Post(
      carol_, "training-jobs/" + b["job_id"].get<std::string>() + "/cancel/");
  ASSERT_EQ(cancel_b->status, 200) << cancel_b->body;
  EXPECT_EQ(Body(cancel_b)["message"], "Training job cancelled successfully");
  EXPECT_EQ(Cents(Body(cancel_b)["refund_amount"]), hold_b);
  EXPECT_EQ(Body(Get(carol_, "models/" + other + "/"))["status"], "DRAFT");

  auto cancel_a = Post(
      carol_, "training-jobs/" + a["job_id"].get<std::string>() + "/cancel/");
  ASSERT_EQ(cancel_a->status, 200) << cancel_a->body;
  json ca = Body(cancel_a);
  const int64_t refund_a = Cents(ca["refund_amount"]);
  const int64_t charged_a = Cents(ca["charged_amount"]);
  EXPECT_EQ(refund_a + charged_a, hold_a);
  EXPECT_GT(charged_a, 0);
  EXPECT_EQ(charged_a,
            static_cast<int64_t>(std::ceil(
                ca["compute_seconds"].get<double>() * 500 / 3600 - 1e-9)));
  EXPECT_NEAR(Credits(carol_id_), before - charged_a / 100.0, 1e-9);

  json ended = WaitForJob(carol_, a["job_id"]);
  EXPECT_EQ(ended["status"], "CANCELLED");
  EXPECT_EQ(Cents(ended["refund_amount"]), refund_a);  // settled once
  EXPECT_EQ(Body(Get(carol_, "models/" + slow + "/"))["status"], "DRAFT");
  ExpectError(Post(carol_, "training-jobs/" + a["job_id"].get<std::string>() +
                               "/cancel/"),
              409, "CONFLICT");
}

TEST_F(TrainingRoutesTest, TrainingTwiceAtOnceIs409) {
  const std::string slow = CreateModel(carol_, SlowModelBody());
  json a = Body(Post(carol_, "models/" + slow + "/train/"));
  ExpectError(Post(carol_, "models/" + slow + "/train/"), 409, "CONFLICT");
  Post(carol_, "training-jobs/" + a["job_id"].get<std::string>() + "/cancel/");
}

TEST_F(TrainingRoutesTest, AFailedFitRefundsEverythingAndMarksTheModelFailed) {
  json body = TinyModelBody("short");
  body["training_config"]["start_date"] = "2023-01-02";
  body["training_config"]["end_date"] = "2023-01-20";
  const std::string id = CreateModel(alice_, body);
  json started = Body(Post(alice_, "models/" + id + "/train/"));
  json job = WaitForJob(alice_, started["job_id"]);
  EXPECT_EQ(job["status"], "FAILED");
  EXPECT_TRUE(job["error"].is_string());
  EXPECT_EQ(job["error_code"], "MODEL_TRAINING_ERROR");
  EXPECT_EQ(job["cost"], "0.00");
  EXPECT_EQ(job["refund_amount"], started["estimated_cost"]);
  EXPECT_NEAR(Credits(alice_id_), 100.0, 1e-9);
  EXPECT_EQ(Body(Get(alice_, "models/" + id + "/"))["status"], "FAILED");
}

TEST_F(TrainingRoutesTest, ListFiltersByStatusAndModelAndHidesOtherUsersJobs) {
  const std::string m1 = TrainedModel(alice_);
  const std::string m2 = TrainedModel(alice_, TinyModelBody("second"));
  json all = Body(Get(alice_, "training-jobs/"));
  EXPECT_EQ(all["count"], 2);
  EXPECT_EQ(all["results"][0]["model_id"], m2);
  EXPECT_EQ(Body(Get(alice_, "training-jobs/?model_id=" + m1))["count"], 1);
  EXPECT_EQ(Body(Get(alice_, "training-jobs/?status=COMPLETED"))["count"], 2);
  EXPECT_EQ(Body(Get(alice_, "training-jobs/?status=RUNNING"))["count"], 0);
  EXPECT_EQ(Body(Get(bob_, "training-jobs/"))["count"], 0);
  const std::string job_id = all["results"][0]["id"];
  ExpectError(Get(bob_, "training-jobs/" + job_id + "/"), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Post(bob_, "training-jobs/" + job_id + "/cancel/"), 404,
              "RESOURCE_NOT_FOUND");
}

TEST_F(TrainingRoutesTest, RetrainingIncreasesTheVersion) {
  const std::string id = TrainedModel(alice_);
  json started = Body(Post(alice_, "models/" + id + "/train/"));
  EXPECT_EQ(WaitForJob(alice_, started["job_id"])["status"], "COMPLETED");
  EXPECT_EQ(Body(Get(alice_, "models/" + id + "/"))["version"], 2);
}

}  // namespace
}  // namespace trainyard::studio
