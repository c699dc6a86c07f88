#include "ml/flat_forest.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace trainyard::ml {
namespace {

using nlohmann::json;

// XGBoost writes numeric parameters as strings ("5E-1").
Result<double> NumberParam(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end()) {
    return Status(ErrorCode::kCorruption,
                  std::string("model JSON has no ") + key);
  }
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) {
    return Status(ErrorCode::kCorruption, std::string("bad ") + key);
  }
  char* end = nullptr;
  const std::string text = it->get<std::string>();
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) {
    return Status(ErrorCode::kCorruption, std::string("bad ") + key);
  }
  return v;
}

Status Unsupported(const std::string& what) {
  return Status(ErrorCode::kInternal,
                "flat forest cannot evaluate " + what);
}

}  // namespace

Result<FlatForest> FlatForest::FromXgboostJson(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("learner")) {
    return Status(ErrorCode::kCorruption, "model is not XGBoost JSON");
  }
  try {
    const json& learner = doc.at("learner");
    const std::string objective = learner.at("objective").at("name");
    FlatForest f;
    if (objective == "multi:softprob") {
      f.softmax_ = true;
    } else if (objective != "reg:squarederror") {
      return Unsupported("objective " + objective);
    }
    const json& booster = learner.at("gradient_booster");
    if (booster.at("name") != "gbtree") {
      return Unsupported("booster " + booster.at("name").get<std::string>());
    }
    const json& params = learner.at("learner_model_param");
    TY_ASSIGN_OR_RETURN(double base, NumberParam(params, "base_score"));
    TY_ASSIGN_OR_RETURN(double classes, NumberParam(params, "num_class"));
    TY_ASSIGN_OR_RETURN(double features, NumberParam(params, "num_feature"));
    f.base_score_ = static_cast<float>(base);
    f.groups_ = std::max(1, static_cast<int>(classes));
    f.num_features_ = static_cast<size_t>(features);
    const json& model = booster.at("model");
    const json& trees = model.at("trees");
    const json& info = model.at("tree_info");
    if (info.size() != trees.size()) {
      return Status(ErrorCode::kCorruption, "tree_info does not match trees");
    }
    for (size_t t = 0; t < trees.size(); ++t) {
      const json& tree = trees[t];
      const auto left = tree.at("left_children").get<std::vector<int32_t>>();
      const auto right = tree.at("right_children").get<std::vector<int32_t>>();
      const auto index = tree.at("split_indices").get<std::vector<int64_t>>();
      const auto cond = tree.at("split_conditions").get<std::vector<float>>();
      const auto dleft = tree.at("default_left").get<std::vector<int>>();
      if (tree.contains("split_type")) {
        for (int type : tree.at("split_type").get<std::vector<int>>()) {
          if (type != 0) return Unsupported("categorical splits");
        }
      }
      const size_t n = left.size();
      if (right.size() != n || index.size() != n || cond.size() != n ||
          dleft.size() != n || n == 0) {
        return Status(ErrorCode::kCorruption, "inconsistent tree arrays");
      }
      for (size_t i = 0; i < n; ++i) {
        if (left[i] >= 0 &&
            (left[i] >= static_cast<int32_t>(n) || right[i] < 0 ||
             right[i] >= static_cast<int32_t>(n) || index[i] < 0 ||
             static_cast<size_t>(index[i]) >= f.num_features_)) {
          return Status(ErrorCode::kCorruption, "bad tree node");
        }
      }
      // Renumber breadth-first so that each split's children are adjacent.
      const auto offset = static_cast<int32_t>(f.nodes_.size());
      std::vector<int32_t> order = {0};  // XGBoost ids in new order
      f.nodes_.emplace_back();
      for (size_t k = 0; k < order.size(); ++k) {
        const int32_t id = order[k];
        if (order.size() > n) {
          return Status(ErrorCode::kCorruption, "tree is not a tree");
        }
        const size_t at = offset + k;  // (emplace_back below reallocates)
        f.nodes_[at].value = cond[id];  // XGBoost stores a leaf's value here
        if (left[id] < 0) continue;
        f.nodes_[at].left = offset + static_cast<int32_t>(order.size());
        f.nodes_[at].feature = static_cast<uint32_t>(index[id]) |
                               (dleft[id] != 0 ? kDefaultLeft : 0u);
        order.push_back(left[id]);
        order.push_back(right[id]);
        f.nodes_.emplace_back();
        f.nodes_.emplace_back();
      }
      const int group = info[t].get<int>();
      if (group < 0 || group >= f.groups_) {
        return Status(ErrorCode::kCorruption, "bad tree group");
      }
      f.roots_.push_back(offset);
      f.group_.push_back(group);
    }
    return f;
  } catch (const json::exception& e) {
    return Status(ErrorCode::kCorruption,
                  std::string("malformed XGBoost JSON: ") + e.what());
  }
}

std::vector<float> FlatForest::Predict(MatrixView x) const {
  const size_t g = static_cast<size_t>(groups_);
  std::vector<float> out(x.rows * g, base_score_);
  const Node* nodes = nodes_.data();
  // Blocks of rows, trees outer: one tree's nodes stay in cache for the
  // block (a whole forest is megabytes). Each row still sums its trees in
  // model order, as XGBoost's predictor does (same float rounding).
  constexpr size_t kBlock = 64;
  constexpr size_t kLanes = 16;
  for (size_t first = 0; first < x.rows; first += kBlock) {
    const size_t last = std::min(x.rows, first + kBlock);
    for (size_t t = 0; t < roots_.size(); ++t) {
      const Node* root = nodes + roots_[t];
      const size_t group = static_cast<size_t>(group_[t]);
      // kLanes rows walk the tree in lockstep: their steps are independent,
      // so the CPU overlaps the load chains that bound a single walk.
      for (size_t r0 = first; r0 < last; r0 += kLanes) {
        const size_t lanes = std::min(kLanes, last - r0);
        const Node* at[kLanes];
        for (size_t j = 0; j < lanes; ++j) at[j] = root;
        for (bool moved = true; moved;) {
          moved = false;
          for (size_t j = 0; j < lanes; ++j) {
            const Node* node = at[j];
            if (node->left < 0) continue;
            const float v = x.data[(r0 + j) * x.cols +
                                   (node->feature & ~kDefaultLeft)];
            // Right unless v < threshold, or v is missing and defaults
            // left (NaN compares false). Branch-free.
            const int right = !(v < node->value) &
                              !(std::isnan(v) & ((node->feature >> 31) != 0));
            at[j] = nodes + node->left + right;
            moved = true;
          }
        }
        for (size_t j = 0; j < lanes; ++j) {
          out[(r0 + j) * g + group] += at[j]->value;
        }
      }
    }
  }
  if (softmax_) {
    for (size_t r = 0; r < x.rows; ++r) {
      // XGBoost's common::Softmax: subtract the max, exp, normalise.
      float* margin = out.data() + r * g;
      float wmax = margin[0];
      for (size_t k = 1; k < g; ++k) wmax = std::max(wmax, margin[k]);
      double wsum = 0.0;  // XGBoost sums in double
      for (size_t k = 0; k < g; ++k) {
        margin[k] = std::exp(margin[k] - wmax);
        wsum += margin[k];
      }
      for (size_t k = 0; k < g; ++k) margin[k] /= static_cast<float>(wsum);
    }
  }
  return out;
}

}  // namespace trainyard::ml
