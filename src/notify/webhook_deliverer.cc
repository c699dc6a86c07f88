#include "notify/webhook_deliverer.h"

#include <httplib.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "core/crypto.h"
#include "notify/webhook_target.h"

namespace trainyard::notify {

namespace {

// A receiver's answer body is not used; reading stops after this much so a
// hostile receiver cannot make the server buffer an endless response.
constexpr size_t kMaxResponseBytes = 64 * 1024;

constexpr const char* kAllowHint =
    " (webhooks reach public addresses only; an administrator can allow a "
    "range with TRAINYARD_WEBHOOK_ALLOW_CIDRS)";

// Why an HTTPS connection failed, in words a receiver's owner can act on.
std::string TlsError(httplib::Error error, const httplib::SSLClient& client,
                     const WebhookUrl& url, const std::string& ca_file) {
  switch (error) {
    case httplib::Error::SSLServerVerification: {
      const long verify = client.get_openssl_verify_result();
      if (verify != X509_V_OK) {
        return std::string("TLS certificate verification failed: ") +
               X509_verify_cert_error_string(verify);
      }
      return "TLS certificate verification failed: the certificate is not "
             "valid for " +
             url.host;
    }
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the CA certificates from " +
             (ca_file.empty() ? std::string("the system bundle") : ca_file);
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    default:
      return "";
  }
}

}  // namespace

Result<DeliveryOptions> DeliveryOptionsFromConfig(const Config& config) {
  DeliveryOptions o;
  o.base_delay_ms = config.webhook_retry_base_ms;
  o.max_delay_ms = config.webhook_max_delay_ms;
  o.max_attempts = config.webhook_max_attempts;
  TY_ASSIGN_OR_RETURN(
      o.policy, AddressPolicy::WithAllowList(config.webhook_allow_cidrs,
                                             "TRAINYARD_WEBHOOK_ALLOW_CIDRS"));
  if (!config.webhook_ca_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(config.webhook_ca_file, ec)) {
      return ValidationError(
          "invalid configuration",
          {{"TRAINYARD_WEBHOOK_CA_FILE",
            "'" + config.webhook_ca_file + "' is not a file"}});
    }
    o.ca_file = config.webhook_ca_file;
  }
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

Status WebhookDeliverer::CheckUrl(const std::string& url,
                                  const std::string& field) const {
  return CheckWebhookUrl(url, field, resolver(), options_.policy);
}

void WebhookDeliverer::Send(const Delivery& d, const WebhookEndpoint& e,
                            DeliveryAttempt* attempt, bool* permanent) const {
  Result<WebhookUrl> url = ParseWebhookUrl(e.url, "url");
  if (!url.ok()) {
    *permanent = true;
    const auto& details = url.status().details();
    attempt->error =
        "malformed URL: " +
        (details.empty() ? url.status().message() : details[0].message);
    return;
  }
  // Resolve and check now, on every attempt: what a name resolved to at
  // registration proves nothing about where it points today.
  Result<IpAddress> address =
      ResolveAllowedAddress(*url, resolver(), options_.policy);
  if (!address.ok()) {
    *permanent = address.status().code() == ErrorCode::kPermissionDenied;
    attempt->error = *permanent
                         ? "refused: " + address.status().message() + kAllowHint
                         : address.status().message();
    return;
  }
  std::unique_ptr<httplib::ClientImpl> client;
  httplib::SSLClient* tls = nullptr;
  if (url->scheme == "https") {
    auto ssl = std::make_unique<httplib::SSLClient>(url->host, url->port);
    ssl->enable_server_certificate_verification(true);
    if (!options_.ca_file.empty()) ssl->set_ca_cert_path(options_.ca_file);
    tls = ssl.get();
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(url->host, url->port);
  }
  // Connect to the checked address, never to a fresh lookup of the name;
  // the name still goes into Host, SNI and certificate verification.
  client->set_tcp_nodelay(true);  // a body held by Nagle waits ~40 ms
  client->set_hostname_addr_map({{url->host, address->ToString()}});
  client->set_follow_location(false);
  const time_t sec = options_.timeout_ms / 1000;
  const time_t usec = (options_.timeout_ms % 1000) * 1000;
  client->set_connection_timeout(sec, usec);
  client->set_read_timeout(sec, usec);
  client->set_write_timeout(sec, usec);

  httplib::Request req;
  req.method = "POST";
  req.path = url->target;
  req.headers = {{"Host", url->HostHeader()},
                 {"Content-Type", "application/json"},
                 {"X-Sharewise-Event", d.event},
                 {"X-Sharewise-Delivery", d.id},
                 {"X-Sharewise-Signature", SignBody(e.secret, d.body)},
                 {"User-Agent", "trainyard-webhooks/1"}};
  req.body = d.body;
  int answered = 0;  // the status line, once seen
  size_t received = 0;
  req.response_handler = [&answered](const httplib::Response& res) {
    answered = res.status;
    return true;
  };
  req.content_receiver = [&received](const char*, size_t n, uint64_t,
                                     uint64_t) {
    received += n;
    return received <= kMaxResponseBytes;
  };
  httplib::Result result = client->send(req);
  const int status = result ? result->status : answered;
  if (status != 0 && (result || received > kMaxResponseBytes)) {
    attempt->status_code = status;
    if (status >= 300 && status < 400) {
      attempt->error = "HTTP " + std::to_string(status) +
                       ": redirects are not followed (register the final URL)";
    } else if (status < 200 || status >= 300) {
      attempt->error = "HTTP " + std::to_string(status);
    }
    return;
  }
  std::string why = tls ? TlsError(result.error(), *tls, *url, options_.ca_file)
                        : std::string();
  if (why.empty()) {
    why = "connection to " + url->HostHeader() + " (" + address->ToString() +
          ") failed: " + httplib::to_string(result.error());
  }
  attempt->error = why;
}

void WebhookDeliverer::Attempt(const Delivery& d, const WebhookEndpoint& e) {
  DeliveryAttempt attempt;
  attempt.attempt = d.attempts + 1;
  const int64_t start = clock_->NowMillis();
  bool permanent = false;
  Send(d, e, &attempt, &permanent);
  attempt.created_at = clock_->NowMillis();
  attempt.duration_ms = attempt.created_at - start;
  std::string status = kDelivered;
  int64_t next = attempt.created_at;
  if (!attempt.error.empty()) {
    status = permanent || attempt.attempt >= options_.max_attempts ? kFailed
                                                                   : kPending;
    next = attempt.created_at + RetryDelayMs(options_, attempt.attempt);
  }
  Status st = store_->RecordAttempt(d.id, attempt, status, next);
  if (!st.ok()) {
    spdlog::warn("webhook delivery {}: cannot record attempt: {}", d.id,
                 st.ToString());
  }
}

Result<int> WebhookDeliverer::DeliverDue() {
  // Claimed in batches, each for longer than attempting it can take (an
  // attempt is bounded by timeout_ms, twice for connect and read), so no
  // other server's deliverer sends them meanwhile.
  constexpr int kBatch = 10;
  const int64_t lease_ms =
      std::max<int64_t>(60'000, int64_t{2} * kBatch * options_.timeout_ms);
  int delivered = 0;
  while (true) {
    const int64_t now = clock_->NowMillis();
    TY_ASSIGN_OR_RETURN(auto due,
                        store_->ClaimDue(now, now + lease_ms, kBatch));
    for (const auto& [delivery, endpoint] : due) Attempt(delivery, endpoint);
    delivered += static_cast<int>(due.size());
    if (due.size() < kBatch) return delivered;
  }
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
