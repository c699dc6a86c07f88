#include "rl/replay_buffer.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace trainyard::rl {
namespace {

template <typename T>
void AppendRaw(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

void AppendFloats(std::string& out, const std::vector<float>& v) {
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// Reads sizeof(T) bytes at *pos; false if the input is too short.
template <typename T>
bool ReadRaw(std::string_view in, size_t* pos, T* v) {
  if (in.size() - *pos < sizeof(T)) return false;
  std::memcpy(v, in.data() + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

bool ReadFloats(std::string_view in, size_t* pos, size_t count,
                std::vector<float>* v) {
  if ((in.size() - *pos) / sizeof(float) < count) return false;
  v->resize(count);
  std::memcpy(v->data(), in.data() + *pos, count * sizeof(float));
  *pos += count * sizeof(float);
  return true;
}

void CopyRow(const std::vector<float>& from, int64_t row, int64_t dim,
             float* to) {
  std::memcpy(to, from.data() + row * dim, dim * sizeof(float));
}

}  // namespace

ReplayBuffer::ReplayBuffer(int64_t capacity, int64_t obs_dim,
                           int64_t action_dim)
    : capacity_(capacity), obs_dim_(obs_dim), action_dim_(action_dim) {
  assert(capacity > 0 && obs_dim > 0 && action_dim > 0);
}

void ReplayBuffer::Add(std::span<const float> obs, std::span<const float> action,
                       float reward, std::span<const float> next_obs,
                       bool terminated) {
  assert(static_cast<int64_t>(obs.size()) == obs_dim_);
  assert(static_cast<int64_t>(action.size()) == action_dim_);
  if (size_ < capacity_) {
    obs_.insert(obs_.end(), obs.begin(), obs.end());
    actions_.insert(actions_.end(), action.begin(), action.end());
    rewards_.push_back(reward);
    next_obs_.insert(next_obs_.end(), next_obs.begin(), next_obs.end());
    terminated_.push_back(terminated ? 1.0f : 0.0f);
    ++size_;
  } else {
    std::copy(obs.begin(), obs.end(), obs_.begin() + next_ * obs_dim_);
    std::copy(action.begin(), action.end(),
              actions_.begin() + next_ * action_dim_);
    rewards_[next_] = reward;
    std::copy(next_obs.begin(), next_obs.end(),
              next_obs_.begin() + next_ * obs_dim_);
    terminated_[next_] = terminated ? 1.0f : 0.0f;
  }
  next_ = (next_ + 1) % capacity_;
}

void ReplayBuffer::Sample(int64_t batch_size, Rng& rng,
                          TransitionBatch* out) const {
  assert(size_ > 0);
  out->indices.resize(batch_size);
  for (auto& i : out->indices) i = static_cast<int64_t>(rng.UniformInt(size_));
  Gather(out->indices, out);
}

void ReplayBuffer::Gather(std::span<const int64_t> indices,
                          TransitionBatch* out) const {
  const int64_t n = static_cast<int64_t>(indices.size());
  out->obs.resize(n * obs_dim_);
  out->actions.resize(n * action_dim_);
  out->rewards.resize(n);
  out->next_obs.resize(n * obs_dim_);
  out->terminated.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    const int64_t i = indices[k];
    assert(i >= 0 && i < size_);
    CopyRow(obs_, i, obs_dim_, out->obs.data() + k * obs_dim_);
    CopyRow(actions_, i, action_dim_, out->actions.data() + k * action_dim_);
    out->rewards[k] = rewards_[i];
    CopyRow(next_obs_, i, obs_dim_, out->next_obs.data() + k * obs_dim_);
    out->terminated[k] = terminated_[i];
  }
}

std::string ReplayBuffer::Serialize() const {
  std::string out;
  out.reserve(64 + (obs_.size() * 2 + actions_.size() + size_ * 2) * 4);
  AppendRaw(out, capacity_);
  AppendRaw(out, obs_dim_);
  AppendRaw(out, action_dim_);
  AppendRaw(out, size_);
  AppendRaw(out, next_);
  AppendFloats(out, obs_);
  AppendFloats(out, actions_);
  AppendFloats(out, rewards_);
  AppendFloats(out, next_obs_);
  AppendFloats(out, terminated_);
  return out;
}

Status ReplayBuffer::Deserialize(std::string_view bytes) {
  auto corrupt = [](const std::string& why) {
    return Status(ErrorCode::kCorruption, "replay buffer snapshot: " + why);
  };
  size_t pos = 0;
  int64_t capacity = 0, obs_dim = 0, action_dim = 0, size = 0, next = 0;
  if (!ReadRaw(bytes, &pos, &capacity) || !ReadRaw(bytes, &pos, &obs_dim) ||
      !ReadRaw(bytes, &pos, &action_dim) || !ReadRaw(bytes, &pos, &size) ||
      !ReadRaw(bytes, &pos, &next)) {
    return corrupt("truncated header");
  }
  if (capacity != capacity_ || obs_dim != obs_dim_ || action_dim != action_dim_) {
    return corrupt("shape (capacity " + std::to_string(capacity) + ", obs " +
                   std::to_string(obs_dim) + ", action " +
                   std::to_string(action_dim) + ") does not match this buffer");
  }
  if (size < 0 || size > capacity || next < 0 || next >= capacity) {
    return corrupt("size/position out of range");
  }
  std::vector<float> obs, actions, rewards, next_obs, terminated;
  if (!ReadFloats(bytes, &pos, size * obs_dim, &obs) ||
      !ReadFloats(bytes, &pos, size * action_dim, &actions) ||
      !ReadFloats(bytes, &pos, size, &rewards) ||
      !ReadFloats(bytes, &pos, size * obs_dim, &next_obs) ||
      !ReadFloats(bytes, &pos, size, &terminated) || pos != bytes.size()) {
    return corrupt("truncated or oversized data");
  }
  size_ = size;
  next_ = next;
  obs_ = std::move(obs);
  actions_ = std::move(actions);
  rewards_ = std::move(rewards);
  next_obs_ = std::move(next_obs);
  terminated_ = std::move(terminated);
  return Status::Ok();
}

}  // namespace trainyard::rl
