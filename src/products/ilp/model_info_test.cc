#include "products/ilp/model_info.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace trainyard::ilp {
namespace {

using nlohmann::json;

ModelInfo PpoInfo() {
  ModelInfo i;
  i.algo = "ppo";
  i.model_name = "m";
  i.params = {{"alpha", ParamValueText(3e-4)},
              {"buffer_size", "2048"},
              {"use_running_statistics", "true"},
              {"hidden", "64,64"},
              {"policy", "mlp"},
              {"log_std_init", ParamValueText(-1.0)}};
  return i;
}

TEST(ModelInfoTest, ParametersAreStoredAsTypedValues) {
  const json params = json::parse(ModelInfoToJson(PpoInfo()))["params"];
  EXPECT_EQ(params["alpha"], 0.0003);
  EXPECT_TRUE(params["alpha"].is_number_float());
  EXPECT_EQ(params["buffer_size"], 2048);
  EXPECT_TRUE(params["buffer_size"].is_number_integer());
  EXPECT_EQ(params["use_running_statistics"], true);
  EXPECT_EQ(params["hidden"], json::array({64, 64}));
  EXPECT_EQ(params["policy"], "mlp");
  EXPECT_EQ(params["log_std_init"], -1);
}

TEST(ModelInfoTest, NumbersAreWrittenInTheirShortestForm) {
  EXPECT_EQ(ParamValueText(3e-4), "0.0003");
  EXPECT_EQ(ParamValueText(0.99), "0.99");
  EXPECT_NE(ModelInfoToJson(PpoInfo()).find("0.0003"), std::string::npos);
}

TEST(ModelInfoTest, TypedParametersReadBackAsTheRlLayersText) {
  Result<ModelInfo> back = ModelInfoFromJson(ModelInfoToJson(PpoInfo()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->params, PpoInfo().params);
}

TEST(ModelInfoTest, OlderFilesWithStringParametersStillRead) {
  const std::string old = R"({"algo": "ppo", "model_name": "m",
      "params": {"alpha": "0.00029999999999999997", "buffer_size": "2048",
                 "use_running_statistics": "false", "hidden": "64,64"}})";
  Result<ModelInfo> info = ModelInfoFromJson(old);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->params.at("alpha"), "0.00029999999999999997");
  EXPECT_EQ(info->params.at("buffer_size"), "2048");
  EXPECT_EQ(info->params.at("use_running_statistics"), "false");
  EXPECT_EQ(info->params.at("hidden"), "64,64");
}

TEST(ModelInfoTest, AParameterOfAnUnusableTypeIsAValidationError) {
  Result<ModelInfo> info =
      ModelInfoFromJson(R"({"algo": "ppo", "params": {"alpha": {"x": 1}}})");
  EXPECT_EQ(info.status().code(), ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ilp
