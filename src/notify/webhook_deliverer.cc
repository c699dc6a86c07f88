#include "notify/webhook_deliverer.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "core/crypto.h"

namespace trainyard::notify {

namespace {

void ReadPositiveEnv(const char* name, int64_t* out) {
  const char* text = std::getenv(name);
  if (text == nullptr) return;
  char* end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (end != text && *end == '\0' && v > 0) *out = v;
}

// Splits "http://host:port/path?q" into the scheme+authority and the path.
bool SplitUrl(const std::string& url, std::string* origin, std::string* path) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const size_t slash = url.find('/', scheme + 3);
  *origin = slash == std::string::npos ? url : url.substr(0, slash);
  *path = slash == std::string::npos ? "/" : url.substr(slash);
  return true;
}

}  // namespace

DeliveryOptions DeliveryOptionsFromEnvironment() {
  DeliveryOptions o;
  ReadPositiveEnv("TRAINYARD_WEBHOOK_RETRY_BASE_MS", &o.base_delay_ms);
  ReadPositiveEnv("TRAINYARD_WEBHOOK_MAX_DELAY_MS", &o.max_delay_ms);
  int64_t attempts = o.max_attempts;
  ReadPositiveEnv("TRAINYARD_WEBHOOK_MAX_ATTEMPTS", &attempts);
  o.max_attempts = static_cast<int>(std::min<int64_t>(attempts, 100));
  return o;
}

std::string SignBody(const std::string& secret, const std::string& body) {
  return HmacSha256Hex(secret, body);
}

int64_t RetryDelayMs(const DeliveryOptions& o, int attempts_made) {
  int64_t delay = o.base_delay_ms;
  for (int i = 1; i < attempts_made && delay < o.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, o.max_delay_ms);
}

void WebhookDeliverer::Attempt(const Delivery& d, const WebhookEndpoint& e) {
  DeliveryAttempt attempt;
  attempt.attempt = d.attempts + 1;
  const int64_t start = clock_->NowMillis();
  std::string origin, path;
  if (!SplitUrl(e.url, &origin, &path)) {
    attempt.error = "malformed URL";
  } else {
    httplib::Client client(origin);
    client.set_connection_timeout(options_.timeout_ms / 1000,
                                  (options_.timeout_ms % 1000) * 1000);
    client.set_read_timeout(options_.timeout_ms / 1000,
                            (options_.timeout_ms % 1000) * 1000);
    httplib::Headers headers = {
        {"X-Sharewise-Event", d.event},
        {"X-Sharewise-Delivery", d.id},
        {"X-Sharewise-Signature", SignBody(e.secret, d.body)},
        {"User-Agent", "trainyard-webhooks/1"}};
    auto result = client.Post(path, headers, d.body, "application/json");
    if (result) {
      attempt.status_code = result->status;
      if (result->status < 200 || result->status >= 300) {
        attempt.error = "HTTP " + std::to_string(result->status);
      }
    } else {
      attempt.error =
          "connection failed: " + httplib::to_string(result.error());
    }
  }
  attempt.created_at = clock_->NowMillis();
  attempt.duration_ms = attempt.created_at - start;
  std::string status = kDelivered;
  int64_t next = attempt.created_at;
  if (!attempt.error.empty()) {
    status = attempt.attempt >= options_.max_attempts ? kFailed : kPending;
    next = attempt.created_at + RetryDelayMs(options_, attempt.attempt);
  }
  Status st = store_->RecordAttempt(d.id, attempt, status, next);
  if (!st.ok()) {
    spdlog::warn("webhook delivery {}: cannot record attempt: {}", d.id,
                 st.ToString());
  }
}

Result<int> WebhookDeliverer::DeliverDue() {
  TY_ASSIGN_OR_RETURN(auto due, store_->Due(clock_->NowMillis(), 50));
  for (const auto& [delivery, endpoint] : due) Attempt(delivery, endpoint);
  return static_cast<int>(due.size());
}

void WebhookDeliverer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void WebhookDeliverer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDeliverer::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void WebhookDeliverer::Loop() {
  while (true) {
    Result<int> n = DeliverDue();
    if (!n.ok()) spdlog::warn("webhook delivery: {}", n.status().ToString());
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                 [this] { return stop_ || wake_; });
    if (stop_) return;
    wake_ = false;
  }
}

}  // namespace trainyard::notify
