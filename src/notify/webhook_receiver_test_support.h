// Test helper for webhook deliveries: a local HTTP or HTTPS receiver on a
// loopback address that answers POST /hook with a fixed status and records
// every request, so tests can check (and count) what a subscriber's server
// would have been sent.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace trainyard::notify {

struct ReceiverOptions {
  int port = 0;                    // 0: any free port
  int status = 204;                // the answer to every POST /hook
  std::string host = "127.0.0.1";  // address to listen on
  std::string location;  // a Location header on every answer (redirects)
  // With both set, the receiver speaks HTTPS with this certificate chain
  // and key (PEM files, e.g. from TestCa in tls_test_support.h).
  std::string cert_file;
  std::string key_file;
};

class WebhookReceiver {
 public:
  // Listens on 127.0.0.1:`port` (0: any free port) over HTTP and answers
  // every POST /hook with `status`. port() is -1 if the port could not be
  // bound.
  explicit WebhookReceiver(int port = 0, int status = 204)
      : WebhookReceiver(ReceiverOptions{port, status}) {}
  explicit WebhookReceiver(const ReceiverOptions& options)
      : host_(options.host), tls_(!options.cert_file.empty()) {
    if (tls_) {
      server_ = std::make_unique<httplib::SSLServer>(options.cert_file.c_str(),
                                                     options.key_file.c_str());
    } else {
      server_ = std::make_unique<httplib::Server>();
    }
    if (!server_->is_valid()) return;
    server_->Post("/hook",
                  [this, status = options.status, location = options.location](
                      const httplib::Request& req, httplib::Response& res) {
                    std::lock_guard<std::mutex> lock(mu_);
                    requests_.push_back(req);
                    res.status = status;
                    if (!location.empty()) res.set_header("Location", location);
                  });
    if (options.port == 0) {
      port_ = server_->bind_to_any_port(host_);
    } else {
      port_ = server_->bind_to_port(host_, options.port) ? options.port : -1;
    }
    if (port_ <= 0) return;
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~WebhookReceiver() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // The receiver's URL with the address it listens on as host.
  std::string url() const { return UrlWithHost(host_); }
  // Its URL with another host (a name, or another form of its address).
  std::string UrlWithHost(const std::string& host) const {
    const std::string h =
        host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return std::string(tls_ ? "https" : "http") + "://" + h + ":" +
           std::to_string(port_) + "/hook";
  }
  // The requests received so far, oldest first. Thread-safe.
  std::vector<httplib::Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // Waits (up to about 10 s) until `n` requests arrived; returns those
  // received by then, which may be fewer.
  std::vector<httplib::Request> WaitFor(size_t n) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (requests_.size() >= n) return requests_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return requests();
  }

 private:
  std::string host_;
  bool tls_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::vector<httplib::Request> requests_;
};

}  // namespace trainyard::notify
