#include "products/ilp/train_job.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/test_support.h"
#include "products/ilp/chain_data.h"
#include "store/metadata_store.h"

namespace trainyard::ilp {
namespace {

using nlohmann::json;

constexpr const char* kPrices =
    "timestamp,price\n1700000000,2000.5\n1700000012,2001.25\n";

// A model as the train route stores it (algo and name; the rest defaults).
json ModelJson() {
  ModelInfo m;
  m.algo = "ppo";
  m.model_name = "m";
  return json::parse(ModelInfoToJson(m));
}

// Two hosts on one database, each with its own data directory: an API
// server that imported the market data and a worker that trains.
class TrainJobPlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    meta_ = std::move(*store::OpenSqliteStore(":memory:"));
    api_dir_ =
        std::make_unique<store::DataDir>(*store::DataDir::Open(api_.path()));
    worker_dir_ =
        std::make_unique<store::DataDir>(*store::DataDir::Open(worker_.path()));
    api_artifacts_ = std::make_unique<store::ArtifactStore>(
        api_dir_.get(), &fs_, meta_->artifact_owners(),
        meta_->artifact_blobs());
    worker_artifacts_ = std::make_unique<store::ArtifactStore>(
        worker_dir_.get(), &fs_, meta_->artifact_owners(),
        meta_->artifact_blobs());
  }
  // The data set "d" of user "u", imported on the API server and published.
  void ImportOnApiServer() {
    ASSERT_TRUE(api_artifacts_->Put(MarketPricesPath("u", "d"), kPrices).ok());
    ASSERT_TRUE(api_artifacts_->Publish(MarketDataDir("u", "d"), 1).ok());
  }
  // A spec as the train route makes it.
  TrainJobSpec RouteSpec() {
    TrainJobSpec spec;
    spec.model.algo = "ppo";
    spec.model.model_name = "m";
    spec.model.market_data = "d";
    spec.model_dir = "model_storage/ppo/u/m/v1";
    spec.csv_dir = "model_outdir_csv/ppo/u/m/v1";
    spec.rel_model_dir = "model_storage/ppo/m/v1";
    spec.rel_csv_dir = "model_outdir_csv/ppo/m/v1";
    spec.version = 1;
    spec.market_prices_path = MarketPricesPath("u", "d");
    return spec;
  }

  testing::TempDir api_;
  testing::TempDir worker_;
  store::PosixFileSystem fs_;
  std::unique_ptr<store::MetadataStore> meta_;
  std::unique_ptr<store::DataDir> api_dir_;
  std::unique_ptr<store::DataDir> worker_dir_;
  std::unique_ptr<store::ArtifactStore> api_artifacts_;
  std::unique_ptr<store::ArtifactStore> worker_artifacts_;
};

TEST_F(TrainJobPlacementTest, StoredParamsHoldOnlyPathsRelativeToTheDataDir) {
  const std::string text = TrainJobSpecToJson(RouteSpec());
  const json params = json::parse(text);
  for (const char* key :
       {"data_model_dir", "data_csv_dir", "data_market_prices_path"}) {
    ASSERT_TRUE(params[key].is_string()) << key;
    EXPECT_NE(params[key].get<std::string>().front(), '/') << key;
  }
  for (const char* old_key : {"model_dir", "csv_dir", "market_prices_path"})
    EXPECT_FALSE(params.contains(old_key)) << old_key;
  Result<TrainJobSpec> back = TrainJobSpecFromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model_dir, "model_storage/ppo/u/m/v1");
  EXPECT_EQ(back->csv_dir, "model_outdir_csv/ppo/u/m/v1");
  EXPECT_EQ(back->market_prices_path, "datasets/chain/u/d/prices.csv");
}

TEST_F(TrainJobPlacementTest, AWorkerReadsMarketDataImportedOnAnotherHost) {
  ImportOnApiServer();
  Result<PlacedTrainJob> placed =
      PlaceTrainJob(worker_artifacts_.get(), RouteSpec());
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(placed->model_dir,
            worker_dir_->root() + "/model_storage/ppo/u/m/v1");
  EXPECT_EQ(placed->csv_dir,
            worker_dir_->root() + "/model_outdir_csv/ppo/u/m/v1");
  EXPECT_EQ(placed->data_model_dir, "model_storage/ppo/u/m/v1");
  EXPECT_EQ(placed->replay_prices, (std::vector<double>{2000.5, 2001.25}));
  EXPECT_EQ(*worker_artifacts_->Get(MarketPricesPath("u", "d")), kPrices);
}

TEST_F(TrainJobPlacementTest, MarketDataNeitherHereNorPublishedIsNotFound) {
  EXPECT_EQ(PlaceTrainJob(worker_artifacts_.get(), RouteSpec()).status().code(),
            ErrorCode::kNotFound);
}

// A job stored by a server that kept its directories both ways and the
// market data's path absolute (/srv/api being its data directory): the
// worker reads it from its own.
TEST_F(TrainJobPlacementTest, AnOlderJobsAbsoluteMarketPathIsTakenRelative) {
  ImportOnApiServer();
  const json old = {
      {"model", ModelJson()},
      {"model_dir", "/srv/api/model_storage/ppo/u/m/v1"},
      {"csv_dir", "/srv/api/model_outdir_csv/ppo/u/m/v1"},
      {"data_model_dir", "model_storage/ppo/u/m/v1"},
      {"data_csv_dir", "model_outdir_csv/ppo/u/m/v1"},
      {"rel_model_dir", "model_storage/ppo/m/v1"},
      {"rel_csv_dir", "model_outdir_csv/ppo/m/v1"},
      {"version", 1},
      {"threads", 1},
      {"market_prices_path", "/srv/api/datasets/chain/u/d/prices.csv"}};
  Result<TrainJobSpec> spec = TrainJobSpecFromJson(old.dump());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->model_dir, "model_storage/ppo/u/m/v1");
  EXPECT_EQ(spec->market_prices_path, "datasets/chain/u/d/prices.csv");
  Result<PlacedTrainJob> placed = PlaceTrainJob(worker_artifacts_.get(), *spec);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(placed->model_dir,
            worker_dir_->root() + "/model_storage/ppo/u/m/v1");
  EXPECT_EQ(placed->replay_prices.size(), 2u);
}

// Jobs from before relative directories ran where they were submitted:
// their absolute paths are kept and placed when inside the data directory.
TEST_F(TrainJobPlacementTest, TheOldestJobsKeepTheirAbsolutePathsInsideHome) {
  ImportOnApiServer();
  const json oldest = {
      {"model", ModelJson()},
      {"model_dir", api_dir_->root() + "/model_storage/ppo/m"},
      {"csv_dir", api_dir_->root() + "/model_outdir_csv/ppo/m"},
      {"market_prices_path",
       api_dir_->root() + "/datasets/chain/u/d/prices.csv"}};
  Result<TrainJobSpec> spec = TrainJobSpecFromJson(oldest.dump());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  Result<PlacedTrainJob> placed = PlaceTrainJob(api_artifacts_.get(), *spec);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(placed->model_dir, api_dir_->root() + "/model_storage/ppo/m");
  EXPECT_EQ(placed->data_model_dir, "model_storage/ppo/m");
  EXPECT_EQ(placed->data_csv_dir, "model_outdir_csv/ppo/m");
  EXPECT_EQ(placed->replay_prices.size(), 2u);
  // On a host whose data directory does not hold them: refused, not read.
  EXPECT_EQ(PlaceTrainJob(worker_artifacts_.get(), *spec).status().code(),
            ErrorCode::kValidation);
}

TEST_F(TrainJobPlacementTest, ParamsWithoutDirectoriesAreNotATrainingJob) {
  EXPECT_EQ(
      TrainJobSpecFromJson(json{{"model", ModelJson()}}.dump()).status().code(),
      ErrorCode::kValidation);
  EXPECT_EQ(TrainJobSpecFromJson("{}").status().code(), ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ilp
