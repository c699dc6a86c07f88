#include "api/http_metrics.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(HttpMetricsTest, CountsRequestsByMethodRouteAndStatus) {
  HttpMetrics m;
  m.Observe("GET", "/api/jobs/{job_id}", 200, 0.001);
  m.Observe("GET", "/api/jobs/{job_id}", 200, 0.001);
  m.Observe("GET", "/api/jobs/{job_id}", 404, 0.001);
  PrometheusWriter out;
  m.Render(&out);
  EXPECT_TRUE(Has(
      out.text(),
      R"(trainyard_http_requests_total{method="GET",route="/api/jobs/{job_id}",status="200"} 2)"))
      << out.text();
  EXPECT_TRUE(Has(
      out.text(),
      R"(trainyard_http_requests_total{method="GET",route="/api/jobs/{job_id}",status="404"} 1)"));
}

TEST(HttpMetricsTest, LatencyBucketsAreCumulativeWithSumAndCount) {
  HttpMetrics m;
  m.Observe("GET", "/x", 200, 0.0004);  // first bucket (<= 0.0005)
  m.Observe("GET", "/x", 200, 0.2);     // <= 0.25
  m.Observe("GET", "/x", 200, 60);      // only +Inf
  PrometheusWriter out;
  m.Render(&out);
  const std::string& t = out.text();
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_bucket{method="GET",route="/x",le="0.0005"} 1)"))
      << t;
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_bucket{method="GET",route="/x",le="0.1"} 1)"));
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_bucket{method="GET",route="/x",le="0.25"} 2)"));
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_bucket{method="GET",route="/x",le="10"} 2)"));
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_bucket{method="GET",route="/x",le="+Inf"} 3)"));
  EXPECT_TRUE(Has(
      t,
      R"(trainyard_http_request_duration_seconds_count{method="GET",route="/x"} 3)"));
}

TEST(PrometheusWriterTest, WritesHelpTypeAndEscapedLabels) {
  PrometheusWriter out;
  out.Family("x_total", "counter", "Things.");
  out.Sample("x_total", {{"name", "a\"b\\c\nd"}}, 1.5);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total{name=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

}  // namespace
}  // namespace trainyard::api
