#include "rl/internal/space_json.h"

#include <cmath>
#include <limits>

namespace trainyard::rl::internal {
namespace {

nlohmann::json FloatsToJson(const std::vector<float>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (float x : v) {
    if (std::isinf(x)) out.push_back(x > 0 ? "inf" : "-inf");
    else out.push_back(x);
  }
  return out;
}

std::vector<float> FloatsFromJson(const nlohmann::json& j) {
  std::vector<float> out;
  for (const auto& x : j) {
    if (x.is_string()) {
      const std::string s = x.get<std::string>();
      if (s != "inf" && s != "-inf") throw std::runtime_error("bad bound " + s);
      out.push_back(s == "inf" ? std::numeric_limits<float>::infinity()
                               : -std::numeric_limits<float>::infinity());
    } else {
      out.push_back(x.get<float>());
    }
  }
  return out;
}

}  // namespace

nlohmann::json SpaceToJson(const env::Space& space) {
  switch (space.kind()) {
    case env::Space::Kind::kBox:
      return {{"kind", "box"}, {"low", FloatsToJson(space.low())},
              {"high", FloatsToJson(space.high())}, {"shape", space.shape()}};
    case env::Space::Kind::kDiscrete:
      return {{"kind", "discrete"}, {"n", space.n()}, {"start", space.start()}};
    case env::Space::Kind::kMultiDiscrete:
      return {{"kind", "multi_discrete"}, {"nvec", space.nvec()}};
  }
  return {};
}

Result<env::Space> SpaceFromJson(const nlohmann::json& j) {
  try {
    const std::string kind = j.at("kind").get<std::string>();
    if (kind == "box") {
      auto low = FloatsFromJson(j.at("low"));
      auto high = FloatsFromJson(j.at("high"));
      if (low.size() != high.size() || low.empty()) throw std::runtime_error("bounds");
      return env::Space::Box(low, high, j.at("shape").get<std::vector<int64_t>>());
    }
    if (kind == "discrete") {
      const int64_t n = j.at("n").get<int64_t>();
      if (n <= 0) throw std::runtime_error("n");
      return env::Space::Discrete(n, j.at("start").get<int64_t>());
    }
    if (kind == "multi_discrete") {
      return env::Space::MultiDiscrete(j.at("nvec").get<std::vector<int64_t>>());
    }
    throw std::runtime_error("unknown kind " + kind);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kCorruption,
                  std::string("bad space description in model file: ") + e.what());
  }
}

bool SameSpace(const env::Space& a, const env::Space& b) {
  return a.kind() == b.kind() && a.flat_size() == b.flat_size() &&
         a.low() == b.low() && a.high() == b.high() && a.n() == b.n() &&
         a.start() == b.start() && a.nvec() == b.nvec();
}

}  // namespace trainyard::rl::internal
