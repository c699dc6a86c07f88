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
  return Status(ErrorCode::kInternal, "flat forest cannot evaluate " + what);
}

// Path-dependent TreeSHAP (Lundberg et al. 2018, Algorithm 2), written as
// XGBoost 1.7's RegTree::TreeShap with condition = 0, in the same float
// operations and order so that the values agree to the last bits.
struct PathElement {
  int feature;          // -1 for the root's placeholder
  float zero_fraction;  // share of cover that follows this path
  float one_fraction;   // 1 if the row follows it, else 0
  float pweight;        // permutation weight
};

void ExtendPath(PathElement* path, unsigned depth, float zero_fraction,
                float one_fraction, int feature) {
  path[depth].feature = feature;
  path[depth].zero_fraction = zero_fraction;
  path[depth].one_fraction = one_fraction;
  path[depth].pweight = depth == 0 ? 1.0f : 0.0f;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    path[i + 1].pweight += one_fraction * path[i].pweight * (i + 1) /
                           static_cast<float>(depth + 1);
    path[i].pweight = zero_fraction * path[i].pweight * (depth - i) /
                      static_cast<float>(depth + 1);
  }
}

void UnwindPath(PathElement* path, unsigned depth, unsigned index) {
  const float one_fraction = path[index].one_fraction;
  const float zero_fraction = path[index].zero_fraction;
  float next_one_portion = path[depth].pweight;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const float tmp = path[i].pweight;
      path[i].pweight = next_one_portion * (depth + 1) /
                        static_cast<float>((i + 1) * one_fraction);
      next_one_portion = tmp - path[i].pweight * zero_fraction * (depth - i) /
                                   static_cast<float>(depth + 1);
    } else {
      path[i].pweight = (path[i].pweight * (depth + 1)) /
                        static_cast<float>(zero_fraction * (depth - i));
    }
  }
  for (unsigned i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

float UnwoundPathSum(const PathElement* path, unsigned depth, unsigned index) {
  const float one_fraction = path[index].one_fraction;
  const float zero_fraction = path[index].zero_fraction;
  float next_one_portion = path[depth].pweight;
  float total = 0;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const float tmp = next_one_portion * (depth + 1) /
                        static_cast<float>((i + 1) * one_fraction);
      total += tmp;
      next_one_portion =
          path[i].pweight -
          tmp * zero_fraction * ((depth - i) / static_cast<float>(depth + 1));
    } else {
      total += (path[i].pweight / zero_fraction) /
               ((depth - i) / static_cast<float>(depth + 1));
    }
  }
  return total;
}

// Recursion state shared by one tree's walk.
template <typename NodeT>
struct ShapWalk {
  const NodeT* nodes;
  const float* cover;
  const float* row;
  float* phi;
  uint32_t default_left_bit;

  void Visit(int32_t index, unsigned depth, PathElement* parent_path,
             float parent_zero_fraction, float parent_one_fraction,
             int parent_feature) const {
    const NodeT& node = nodes[index];
    PathElement* path = parent_path + depth + 1;
    std::copy(parent_path, parent_path + depth + 1, path);
    ExtendPath(path, depth, parent_zero_fraction, parent_one_fraction,
               parent_feature);
    if (node.left < 0) {
      for (unsigned i = 1; i <= depth; ++i) {
        const float w = UnwoundPathSum(path, depth, i);
        const PathElement& el = path[i];
        phi[el.feature] +=
            w * (el.one_fraction - el.zero_fraction) * node.value;
      }
      return;
    }
    const auto feature = static_cast<int>(node.feature & ~default_left_bit);
    const float v = row[feature];
    bool hot_left;
    if (std::isnan(v)) {
      hot_left = (node.feature & default_left_bit) != 0;
    } else {
      hot_left = v < node.value;
    }
    const int32_t hot = hot_left ? node.left : node.left + 1;
    const int32_t cold = hot_left ? node.left + 1 : node.left;
    const float w = cover[index];
    const float hot_zero_fraction = cover[hot] / w;
    const float cold_zero_fraction = cover[cold] / w;
    float incoming_zero_fraction = 1;
    float incoming_one_fraction = 1;
    // Undo an earlier split on the same feature so this node redoes it.
    unsigned path_index = 0;
    for (; path_index <= depth; ++path_index) {
      if (path[path_index].feature == feature) break;
    }
    if (path_index != depth + 1) {
      incoming_zero_fraction = path[path_index].zero_fraction;
      incoming_one_fraction = path[path_index].one_fraction;
      UnwindPath(path, depth, path_index);
      depth -= 1;
    }
    Visit(hot, depth + 1, path, hot_zero_fraction * incoming_zero_fraction,
          incoming_one_fraction, feature);
    Visit(cold, depth + 1, path, cold_zero_fraction * incoming_zero_fraction, 0,
          feature);
  }
};

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
    bool has_covers = true;
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
      // Only TreeSHAP needs covers; without them the model still predicts.
      const auto hess = tree.contains("sum_hessian")
                            ? tree.at("sum_hessian").get<std::vector<float>>()
                            : std::vector<float>();
      if (tree.contains("split_type")) {
        for (int type : tree.at("split_type").get<std::vector<int>>()) {
          if (type != 0) return Unsupported("categorical splits");
        }
      }
      const size_t n = left.size();
      if (right.size() != n || index.size() != n || cond.size() != n ||
          dleft.size() != n || n == 0 || (!hess.empty() && hess.size() != n)) {
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
      std::vector<int> depth = {0};
      f.nodes_.emplace_back();
      for (size_t k = 0; k < order.size(); ++k) {
        const int32_t id = order[k];
        if (order.size() > n) {
          return Status(ErrorCode::kCorruption, "tree is not a tree");
        }
        const size_t at = offset + k;   // (emplace_back below reallocates)
        f.nodes_[at].value = cond[id];  // XGBoost stores a leaf's value here
        f.max_depth_ = std::max(f.max_depth_, depth[k]);
        if (left[id] < 0) continue;
        f.nodes_[at].left = offset + static_cast<int32_t>(order.size());
        f.nodes_[at].feature = static_cast<uint32_t>(index[id]) |
                               (dleft[id] != 0 ? kDefaultLeft : 0u);
        order.push_back(left[id]);
        order.push_back(right[id]);
        depth.insert(depth.end(), 2, depth[k] + 1);
        f.nodes_.emplace_back();
        f.nodes_.emplace_back();
      }
      const int group = info[t].get<int>();
      if (group < 0 || group >= f.groups_) {
        return Status(ErrorCode::kCorruption, "bad tree group");
      }
      f.roots_.push_back(offset);
      f.group_.push_back(group);
      if (hess.empty()) {
        has_covers = false;
      } else if (has_covers) {
        f.AddShapInputs(offset, order, hess);
      }
    }
    if (!has_covers) {
      f.cover_.clear();
      f.expected_.clear();
    }
    return f;
  } catch (const json::exception& e) {
    return Status(ErrorCode::kCorruption,
                  std::string("malformed XGBoost JSON: ") + e.what());
  }
}

void FlatForest::AddShapInputs(int32_t offset,
                               const std::vector<int32_t>& order,
                               const std::vector<float>& hess) {
  cover_.resize(nodes_.size());
  for (size_t k = 0; k < order.size(); ++k) {
    cover_[offset + k] = hess[order[k]];
  }
  expected_.push_back(NodeMean(offset));
}

float FlatForest::NodeMean(int32_t node) const {
  const Node& n = nodes_[node];
  if (n.left < 0) return n.value;
  float result = NodeMean(n.left) * cover_[n.left];
  result += NodeMean(n.left + 1) * cover_[n.left + 1];
  result /= cover_[node];
  return result;
}

void FlatForest::ShapValues(const float* row, int group, float* phi) const {
  const size_t nf = num_features_;
  // XGBoost's buffer: a path copy per level, levels up to max depth + 2.
  const size_t levels = static_cast<size_t>(max_depth_) + 2;
  thread_local std::vector<PathElement> path;
  thread_local std::vector<float> tree_phi;
  if (path.size() < levels * (levels + 1) / 2) {
    path.resize(levels * (levels + 1) / 2);
  }
  if (tree_phi.size() < nf + 1) tree_phi.resize(nf + 1);
  std::fill(phi, phi + nf + 1, 0.0f);
  const ShapWalk<Node> walk{nodes_.data(), cover_.data(), row, tree_phi.data(),
                            kDefaultLeft};
  for (size_t t = 0; t < roots_.size(); ++t) {
    if (group_[t] != group) continue;
    // Per tree into zeros, then added, as XGBoost's PredictContribution.
    std::fill(tree_phi.begin(), tree_phi.begin() + nf + 1, 0.0f);
    tree_phi[nf] += expected_[t];
    walk.Visit(roots_[t], 0, path.data(), 1, 1, -1);
    for (size_t c = 0; c <= nf; ++c) phi[c] += tree_phi[c];
  }
  phi[nf] += base_score_;
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
            const float v =
                x.data[(r0 + j) * x.cols + (node->feature & ~kDefaultLeft)];
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
