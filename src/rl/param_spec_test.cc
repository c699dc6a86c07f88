#include "rl/param_spec.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "rl/algo_config.h"

namespace trainyard::rl {
namespace {

constexpr Algo kAlgos[] = {Algo::kPpo, Algo::kDdpg, Algo::kTd3,
                           Algo::kSac, Algo::kDqn,  Algo::kQLearning};

std::string Text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

bool RefusedOn(Algo algo, const std::string& key, const std::string& value) {
  Result<AlgoConfig> c = ParseAlgoConfig(algo, {{key, value}});
  if (c.ok()) return false;
  for (const FieldError& e : c.status().details()) {
    if (e.field == key) return true;
  }
  return false;
}

TEST(ParamSpecTest, EveryDescribedDefaultIsAcceptedByTheParser) {
  for (Algo algo : kAlgos) {
    for (const ParamSpec& s : DescribeParams(algo)) {
      // learning_rate of DDPG/TD3/SAC defaults to "not given" (0).
      if (s.kind == ParamSpec::Kind::kReal && s.default_text == "0" &&
          s.bounds == Bounds::kOpenLow)
        continue;
      ParamMap params = {{s.name, s.default_text}};
      // SAC's gSDE options apply only with gSDE on.
      if (algo == Algo::kSac &&
          (s.name == "use_sde_at_warmup" || s.name == "log_std_init"))
        params["use_sde"] = "true";
      EXPECT_TRUE(ParseAlgoConfig(algo, params).ok())
          << AlgoName(algo) << " " << s.name << "=" << s.default_text;
    }
  }
}

TEST(ParamSpecTest, EveryDescribedBoundIsWhereTheParserStartsRefusing) {
  const double inf = std::numeric_limits<double>::infinity();
  for (Algo algo : kAlgos) {
    for (const ParamSpec& s : DescribeParams(algo)) {
      const std::string where = std::string(AlgoName(algo)) + " " + s.name;
      if (s.kind == ParamSpec::Kind::kInt) {
        EXPECT_TRUE(RefusedOn(algo, s.name, Text(s.lo - 1))) << where;
        EXPECT_TRUE(RefusedOn(algo, s.name, Text(s.hi + 1))) << where;
      } else if (s.kind == ParamSpec::Kind::kReal) {
        const bool open_lo =
            s.bounds == Bounds::kOpenLow || s.bounds == Bounds::kOpen;
        EXPECT_TRUE(RefusedOn(
            algo, s.name, Text(open_lo ? s.lo : std::nextafter(s.lo, -inf))))
            << where;
        if (std::isfinite(s.hi)) {
          EXPECT_TRUE(RefusedOn(algo, s.name, Text(std::nextafter(s.hi, inf))))
              << where;
        }
      } else if (s.kind == ParamSpec::Kind::kLayers) {
        EXPECT_TRUE(RefusedOn(algo, s.name, Text(s.hi + 1))) << where;
      }
    }
  }
}

TEST(ParamSpecTest, AnAliasFindsTheParameterItNames) {
  const std::vector<ParamSpec> ppo = DescribeParams(Algo::kPpo);
  const ParamSpec* alpha = FindParam(ppo, "alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->name, "learning_rate");
  const ParamSpec* buffer = FindParam(ppo, "buffer_size");
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->name, "n_steps");
  EXPECT_EQ(FindParam(ppo, "beta"), nullptr);
}

TEST(ParamSpecTest, DefaultsAreTheAlgorithmsOwn) {
  const std::vector<ParamSpec> ddpg = DescribeParams(Algo::kDdpg);
  const std::vector<ParamSpec> sac = DescribeParams(Algo::kSac);
  EXPECT_EQ(std::stod(FindParam(ddpg, "alpha")->default_text), 1e-3);
  EXPECT_EQ(std::stod(FindParam(sac, "alpha")->default_text), 3e-4);
  EXPECT_EQ(FindParam(ddpg, "hidden")->default_text, "400,300");
}

TEST(ParamSpecTest, JsonSchemaMarksAnOpenEndAsExclusive) {
  const std::vector<ParamSpec> ppo = DescribeParams(Algo::kPpo);
  const nlohmann::json rate = ParamJsonSchema(*FindParam(ppo, "alpha"));
  EXPECT_EQ(rate["type"], "number");
  EXPECT_EQ(rate["exclusiveMinimum"], 0.0);
  EXPECT_EQ(rate["maximum"], 1.0);
  EXPECT_FALSE(rate.contains("minimum"));
  EXPECT_EQ(rate["default"], 3e-4);
}

TEST(ParamSpecTest, JsonSchemaLeavesAnInfiniteEndUnbounded) {
  const nlohmann::json clip =
      ParamJsonSchema(*FindParam(DescribeParams(Algo::kPpo), "value_clip"));
  EXPECT_EQ(clip["minimum"], 0.0);
  EXPECT_FALSE(clip.contains("maximum"));
  EXPECT_FALSE(clip.contains("exclusiveMaximum"));
}

TEST(ParamSpecTest, JsonSchemaOfHiddenIsALimitedListOfLayerSizes) {
  const nlohmann::json hidden =
      ParamJsonSchema(*FindParam(DescribeParams(Algo::kPpo), "hidden"));
  EXPECT_EQ(hidden["type"], "array");
  EXPECT_EQ(hidden["maxItems"], kMaxHiddenLayers);
  EXPECT_EQ(hidden["items"]["maximum"], kMaxLayerSize);
  EXPECT_EQ(hidden["default"], nlohmann::json::array({64, 64}));
}

}  // namespace
}  // namespace trainyard::rl
