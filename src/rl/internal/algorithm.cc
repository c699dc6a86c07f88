#include "rl/internal/algorithm.h"

#include <sstream>

namespace trainyard::rl::internal {

torch::Tensor BytesToTensor(const std::string& bytes) {
  auto t = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
  return t;
}

std::string TensorToBytes(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kUInt8);
  return std::string(reinterpret_cast<const char*>(c.data_ptr()), c.numel());
}

void WriteModule(torch::serialize::OutputArchive& archive, const std::string& key,
                 torch::nn::Module& module) {
  torch::serialize::OutputArchive sub;
  module.save(sub);
  archive.write(key, sub);
}

void ReadModule(torch::serialize::InputArchive& archive, const std::string& key,
                torch::nn::Module& module) {
  torch::serialize::InputArchive sub;
  archive.read(key, sub);
  module.load(sub);
}

void WriteOptimizer(torch::serialize::OutputArchive& archive,
                    const std::string& key, torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive sub;
  optimizer.save(sub);
  archive.write(key, sub);
}

void ReadOptimizer(torch::serialize::InputArchive& archive,
                   const std::string& key, torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive sub;
  archive.read(key, sub);
  optimizer.load(sub);
}

void WriteReplay(torch::serialize::OutputArchive& archive, const ReplayBuffer& buffer,
                 bool with_replay) {
  archive.write("replay", BytesToTensor(with_replay ? buffer.Serialize() : ""));
}

void ReadReplay(torch::serialize::InputArchive& archive, ReplayBuffer& buffer) {
  torch::Tensor replay;
  archive.read("replay", replay);
  if (replay.numel() == 0) return;
  Status s = buffer.Deserialize(TensorToBytes(replay));
  if (!s.ok()) throw std::runtime_error(s.message());
}

nlohmann::json RngToJson(const Rng& rng) {
  Rng::Snapshot s = rng.GetState();
  // Strings keep all 64 bits exactly (JSON numbers are doubles elsewhere).
  nlohmann::json words = nlohmann::json::array();
  for (uint64_t w : s.s) words.push_back(std::to_string(w));
  uint64_t spare_bits = 0;
  std::memcpy(&spare_bits, &s.spare, sizeof(spare_bits));
  return {{"s", words}, {"has_spare", s.has_spare},
          {"spare", std::to_string(spare_bits)}};
}

void RngFromJson(const nlohmann::json& j, Rng& rng) {
  Rng::Snapshot s{};
  for (size_t i = 0; i < 4; ++i) {
    s.s[i] = std::stoull(j.at("s").at(i).get<std::string>());
  }
  s.has_spare = j.at("has_spare").get<bool>();
  uint64_t spare_bits = std::stoull(j.at("spare").get<std::string>());
  std::memcpy(&s.spare, &spare_bits, sizeof(spare_bits));
  rng.SetState(s);
}

void SetAdamLearningRate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

}  // namespace trainyard::rl::internal
