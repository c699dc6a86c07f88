// Test helper for webhook deliveries: a local HTTP receiver on 127.0.0.1
// that answers POST /hook with a fixed status and records every request, so
// tests can check what a subscriber's server would have been sent.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace trainyard::notify {

class WebhookReceiver {
 public:
  // Listens on `port` (0: any free port) and answers every POST /hook with
  // `status`. port() is -1 if the port could not be bound.
  explicit WebhookReceiver(int port = 0, int status = 204) {
    server_.Post("/hook", [this, status](const httplib::Request& req,
                                         httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(req);
      res.status = status;
    });
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      port_ = server_.bind_to_port("127.0.0.1", port) ? port : -1;
    }
    if (port_ <= 0) return;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~WebhookReceiver() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
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
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::vector<httplib::Request> requests_;
};

}  // namespace trainyard::notify
