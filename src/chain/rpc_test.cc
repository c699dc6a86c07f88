#include "chain/rpc.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <deque>
#include <thread>

#include "chain/eth.h"

namespace trainyard::chain {
namespace {

using nlohmann::json;

// A scripted transport: answers with `handler(request)`, counts posts.
class FakeTransport : public RpcTransport {
 public:
  std::function<Result<HttpReply>(const json&)> handler;
  int posts = 0;
  Result<HttpReply> Post(const std::string& body) override {
    ++posts;
    return handler(json::parse(body));
  }
};

HttpReply Ok(const json& body) { return {200, body.dump(), -1}; }
json Answer(const json& req, const json& result) {
  return {{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", result}};
}

struct Harness {
  FakeTransport* transport;
  std::vector<int> sleeps;
  std::unique_ptr<RpcClient> client;
  explicit Harness(RpcOptions o = {}) {
    auto t = std::make_unique<FakeTransport>();
    transport = t.get();
    o.sleep = [this](int ms) { sleeps.push_back(ms); };
    client = std::make_unique<RpcClient>(std::move(t),
                                         "https://node.example/***", o);
  }
};

TEST(RedactUrlTest, DropsCredentialsPathAndQuery) {
  EXPECT_EQ(RedactUrl("https://mainnet.infura.io/v3/0123456789abcdef"),
            "https://mainnet.infura.io/***");
  EXPECT_EQ(RedactUrl("http://user:secret@10.0.0.1:8545/"),
            "http://10.0.0.1:8545");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8545?key=abc"),
            "http://127.0.0.1:8545/***");
  EXPECT_EQ(RedactUrl("not a url"), "<invalid RPC URL>");
}

TEST(RpcClientTest, RetriesRateLimitsWithDoublingBackoffAndRetryAfter) {
  RpcOptions o;
  o.base_backoff_ms = 100;
  Harness h(o);
  h.transport->handler = [&](const json& req) -> Result<HttpReply> {
    if (h.transport->posts == 1) return HttpReply{429, "slow down", -1};
    if (h.transport->posts == 2) return HttpReply{503, "", 1};
    if (h.transport->posts == 3) {
      return Ok(
          {{"jsonrpc", "2.0"},
           {"id", req["id"]},
           {"error", {{"code", -32005}, {"message", "request rate limited"}}}});
    }
    return Ok(Answer(req, "0x539"));
  };
  Result<json> r = h.client->Call("eth_chainId");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "0x539");
  EXPECT_EQ(h.transport->posts, 4);
  // 100 ms, then Retry-After's 1 s, then doubled from there.
  EXPECT_EQ(h.sleeps, (std::vector<int>{100, 1000, 2000}));
}

TEST(RpcClientTest, NodeDownIsUnavailableAfterTheLastAttemptWithoutTheUrl) {
  RpcOptions o;
  o.max_attempts = 3;
  Harness h(o);
  h.transport->handler = [](const json&) -> Result<HttpReply> {
    return Status(ErrorCode::kUnavailable,
                  "cannot reach the node (Connection)");
  };
  Result<json> r = h.client->Call("eth_blockNumber");
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos);
  EXPECT_NE(r.status().message().find("https://node.example/***"),
            std::string::npos);
  EXPECT_EQ(h.transport->posts, 3);
}

TEST(RpcClientTest, SendsThatMayHaveArrivedAreNotRetried) {
  Harness h;
  int calls = 0;
  h.transport->handler = [&](const json&) -> Result<HttpReply> {
    ++calls;
    return Status(ErrorCode::kUnavailable, "timed out");
  };
  Result<json> r = h.client->CallOnce("eth_sendTransaction");
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_NE(r.status().message().find("not retried"), std::string::npos);
  // A rate-limit refusal ran nothing: retried.
  calls = 0;
  h.transport->handler = [&](const json& req) -> Result<HttpReply> {
    if (++calls == 1) return HttpReply{429, "", -1};
    return Ok(Answer(req, "0x" + std::string(64, 'a')));
  };
  EXPECT_TRUE(h.client->CallOnce("eth_sendTransaction").ok());
  EXPECT_EQ(calls, 2);
}

TEST(RpcClientTest, MalformedRepliesAreClearErrorsNotRetried) {
  Harness h;
  h.transport->handler = [](const json&) -> Result<HttpReply> {
    return HttpReply{200, "<html>gateway</html>", -1};
  };
  Result<json> r = h.client->Call("eth_blockNumber");
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.status().message().find("malformed JSON-RPC reply"),
            std::string::npos);
  EXPECT_EQ(h.transport->posts, 1);
  h.transport->handler = [](const json& req) -> Result<HttpReply> {
    return Ok(
        {{"jsonrpc", "2.0"}, {"id", req["id"]}});  // neither result nor error
  };
  EXPECT_NE(
      h.client->Call("eth_blockNumber").status().message().find("no result"),
      std::string::npos);
}

TEST(RpcClientTest, NodeErrorsCarryTheirCode) {
  Harness h;
  h.transport->handler = [](const json& req) -> Result<HttpReply> {
    return Ok({{"jsonrpc", "2.0"},
               {"id", req["id"]},
               {"error", {{"code", -32602}, {"message", "invalid argument"}}}});
  };
  Result<json> r = h.client->Call("eth_call");
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(RpcErrorCode(r.status()), -32602);
  EXPECT_EQ(h.transport->posts, 1);
}

TEST(RpcClientTest, BatchesAreSplitAndAnswersPlacedById) {
  RpcOptions o;
  o.max_batch = 3;
  Harness h(o);
  h.transport->handler = [](const json& req) -> Result<HttpReply> {
    json out = json::array();
    for (auto it = req.rbegin(); it != req.rend(); ++it) {  // reversed order
      out.push_back(Answer(*it, (*it)["params"][0]));
    }
    return Ok(out);
  };
  std::vector<RpcRequest> reqs;
  for (int i = 0; i < 7; ++i) reqs.push_back({"echo", json::array({i})});
  Result<std::vector<json>> r = h.client->Batch(reqs);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (int i = 0; i < 7; ++i) EXPECT_EQ((*r)[i], i);
  EXPECT_EQ(h.transport->posts, 3);
  EXPECT_EQ(h.client->round_trips(), 3u);
}

TEST(RpcClientTest, ABatchWithAFailedItemOrMissingAnswersFails) {
  Harness h;
  h.transport->handler = [](const json& req) -> Result<HttpReply> {
    json out = json::array();
    out.push_back(Answer(req[0], "0x1"));
    out.push_back(
        {{"jsonrpc", "2.0"},
         {"id", req[1]["id"]},
         {"error", {{"code", 3}, {"message", "execution reverted"}}}});
    return Ok(out);
  };
  std::vector<RpcRequest> reqs = {{"eth_call", json::array()},
                                  {"eth_call", json::array()}};
  Result<std::vector<json>> r = h.client->Batch(reqs);
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_NE(r.status().message().find("batch item 1"), std::string::npos);
  h.transport->handler = [](const json& req) -> Result<HttpReply> {
    return Ok(json::array({Answer(req[0], "0x1")}));
  };
  EXPECT_EQ(h.client->Batch(reqs).status().code(), ErrorCode::kUnavailable);
}

// A provider that refuses eth_getLogs over more than 10 blocks.
TEST(EthClientTest, GetLogsHalvesTheRangeWhenTheProviderRefuses) {
  auto t = std::make_unique<FakeTransport>();
  FakeTransport* transport = t.get();
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  transport->handler = [&](const json& req) -> Result<HttpReply> {
    const json& f = req["params"][0];
    uint64_t from = *ParseQuantity64(f["fromBlock"].get<std::string>());
    uint64_t to = *ParseQuantity64(f["toBlock"].get<std::string>());
    ranges.emplace_back(from, to);
    if (to - from + 1 > 10) {
      return Ok({{"jsonrpc", "2.0"},
                 {"id", req["id"]},
                 {"error",
                  {{"code", -32005},
                   {"message", "query exceeds max block range 10"}}}});
    }
    json logs = json::array();
    for (uint64_t b = from; b <= to; b += 7) {
      logs.push_back({{"address", "0x00000000000000000000000000000000000000aa"},
                      {"topics", json::array()},
                      {"data", "0x"},
                      {"blockNumber", Quantity(b)},
                      {"blockHash", "0x" + std::string(64, '1')},
                      {"transactionHash", "0x" + std::string(64, '2')},
                      {"transactionIndex", "0x0"},
                      {"logIndex", "0x0"}});
    }
    return Ok(Answer(req, logs));
  };
  EthClient eth(std::make_unique<RpcClient>(std::move(t), "test"));
  LogFilter filter;
  filter.address =
      *Address::Parse("0x00000000000000000000000000000000000000aa");
  filter.from_block = 100;
  filter.to_block = 140;
  LogPaging paging;
  paging.initial_range = 40;
  Result<std::vector<Log>> logs = eth.GetLogs(filter, paging);
  ASSERT_TRUE(logs.ok()) << logs.status().ToString();
  // 40 and 20 refused; then pages of 10 cover 100..140 with no gap or overlap.
  ASSERT_GE(ranges.size(), 3u);
  EXPECT_EQ(ranges[0], (std::pair<uint64_t, uint64_t>{100, 139}));
  EXPECT_EQ(ranges[1], (std::pair<uint64_t, uint64_t>{100, 119}));
  uint64_t next = 100;
  for (const auto& [from, to] : ranges) {
    if (to - from + 1 > 10) continue;
    EXPECT_EQ(from, next);
    next = to + 1;
  }
  EXPECT_EQ(next, 141u);
  EXPECT_FALSE(logs->empty());
  for (size_t i = 1; i < logs->size(); ++i) {
    EXPECT_LE((*logs)[i - 1].block_number, (*logs)[i].block_number);
  }
}

TEST(EthClientTest, GetLogsReportsEveryPageAndStopsWhenTheCallbackSays) {
  auto t = std::make_unique<FakeTransport>();
  t->handler = [](const json& req) -> Result<HttpReply> {
    return Ok(Answer(req, json::array()));
  };
  EthClient eth(std::make_unique<RpcClient>(std::move(t), "test"));
  LogFilter filter;
  filter.from_block = 0;
  filter.to_block = 99;
  LogPaging paging;
  paging.initial_range = 30;
  std::vector<uint64_t> seen;
  paging.on_page = [&](uint64_t last, size_t) {
    seen.push_back(last);
    return Status::Ok();
  };
  ASSERT_TRUE(eth.GetLogs(filter, paging).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{29, 59, 89, 99}));
  seen.clear();
  paging.on_page = [&](uint64_t last, size_t) {
    seen.push_back(last);
    return last >= 59 ? ConflictError("stop") : Status::Ok();
  };
  Result<std::vector<Log>> stopped = eth.GetLogs(filter, paging);
  EXPECT_EQ(stopped.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(seen, (std::vector<uint64_t>{29, 59}));
}

TEST(EndpointListTest, OneUrlIsTheDefaultEndpoint) {
  auto list = ParseEndpointList("https://user:pw@node.example/v3/KEY");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "default");
  EXPECT_EQ((*list)[0].url, "https://user:pw@node.example/v3/KEY");
}

TEST(EndpointListTest, NamedEntriesAreSplitOnCommas) {
  auto list = ParseEndpointList(
      " main=https://node.example/KEY , local=http://127.0.0.1:8545");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "main");
  EXPECT_EQ((*list)[1].name, "local");
  EXPECT_EQ((*list)[1].url, "http://127.0.0.1:8545");
  EXPECT_TRUE(ParseEndpointList("")->empty());
}

TEST(EndpointListTest, ErrorsNameTheEntryWithoutItsSecrets) {
  for (const char* bad :
       {"main=ftp://user:SECRET@node.example/KEY123",
        "a=http://h.example/KEY123,a=http://other.example/KEY123",
        "bad name=https://user:SECRET@node.example/KEY123"}) {
    auto list = ParseEndpointList(bad);
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_EQ(list.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(list.status().ToString().find("SECRET"), std::string::npos);
    EXPECT_EQ(list.status().ToString().find("KEY123"), std::string::npos);
  }
}

TEST(EthClientTest, RemovedLogsAreAReorgError) {
  auto t = std::make_unique<FakeTransport>();
  t->handler = [](const json& req) -> Result<HttpReply> {
    json log = {{"address", "0x00000000000000000000000000000000000000aa"},
                {"topics", json::array()},
                {"data", "0x"},
                {"blockNumber", "0x5"},
                {"blockHash", "0x" + std::string(64, '1')},
                {"transactionHash", "0x" + std::string(64, '2')},
                {"transactionIndex", "0x0"},
                {"logIndex", "0x0"},
                {"removed", true}};
    return Ok(Answer(req, json::array({log})));
  };
  EthClient eth(std::make_unique<RpcClient>(std::move(t), "test"));
  LogFilter filter;
  filter.from_block = 1;
  filter.to_block = 9;
  Result<std::vector<Log>> logs = eth.GetLogs(filter);
  EXPECT_EQ(logs.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(logs.status().message().find("reorg"), std::string::npos);
}

TEST(EthClientTest, MalformedLogIsAClearError) {
  auto t = std::make_unique<FakeTransport>();
  t->handler = [](const json& req) -> Result<HttpReply> {
    return Ok(Answer(req, json::array({{{"address", "0x12"}}})));
  };
  EthClient eth(std::make_unique<RpcClient>(std::move(t), "test"));
  LogFilter filter;
  filter.to_block = 1;
  EXPECT_FALSE(eth.GetLogs(filter).ok());
}

// The real HTTP transport against real sockets on loopback.
TEST(HttpTransportTest, NodeDownIsUnavailable) {
  int port = 0;
  {
    httplib::Server probe;
    port = probe.bind_to_any_port("127.0.0.1");
  }  // closed again: nothing listens there now
  RpcOptions o;
  o.max_attempts = 2;
  o.sleep = [](int) {};
  auto eth = EthClient::Connect(
      "http://127.0.0.1:" + std::to_string(port) + "/secret-key", 500, o);
  ASSERT_TRUE(eth.ok());
  Result<uint64_t> n = (*eth)->BlockNumber();
  EXPECT_EQ(n.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(n.status().message().find("secret-key"), std::string::npos);
}

TEST(HttpTransportTest, ASlowNodeTimesOut) {
  httplib::Server server;
  server.Post("/", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content(R"({"jsonrpc":"2.0","id":1,"result":"0x1"})",
                    "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread th([&] { server.listen_after_bind(); });
  RpcOptions o;
  o.max_attempts = 1;
  auto eth =
      EthClient::Connect("http://127.0.0.1:" + std::to_string(port), 300, o);
  ASSERT_TRUE(eth.ok());
  Result<uint64_t> n = (*eth)->BlockNumber();
  EXPECT_EQ(n.status().code(), ErrorCode::kUnavailable);
  server.stop();
  th.join();
}

TEST(HttpTransportTest, RejectsNonHttpUrls) {
  EXPECT_EQ(EthClient::Connect("ftp://x", 100).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(EthClient::Connect("http://", 100).status().code(),
            ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::chain
