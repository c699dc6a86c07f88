#include "env/running_mean_std.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.h"

namespace trainyard::env {
namespace {

// Two-pass mean and population variance of column `col` of `rows` x `dim`.
void TwoPass(const std::vector<float>& x, int dim, int col, double* mean,
             double* var) {
  const int rows = static_cast<int>(x.size()) / dim;
  double sum = 0;
  for (int r = 0; r < rows; ++r) sum += x[r * dim + col];
  *mean = sum / rows;
  double sq = 0;
  for (int r = 0; r < rows; ++r) {
    sq += (x[r * dim + col] - *mean) * (x[r * dim + col] - *mean);
  }
  *var = sq / rows;
}

// What the statistics must equal: the pooled moments of the prior
// (count eps, mean 0, variance 1) and the data, computed directly:
//   mean = n m / (n + eps)
//   var  = (eps * 1 + n v + m^2 * eps n / (n + eps)) / (n + eps)
void Pooled(double eps, double n, double m, double v, double* mean,
            double* var) {
  *mean = n * m / (n + eps);
  *var = (eps + n * v + m * m * eps * n / (n + eps)) / (n + eps);
}

std::vector<float> Data(int rows, int dim, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x(rows * dim);
  for (int r = 0; r < rows; ++r) {
    for (int d = 0; d < dim; ++d) {
      x[r * dim + d] = static_cast<float>(rng.Normal(3.0 * d - 2.0, 0.5 + d));
    }
  }
  return x;
}

TEST(RunningMeanStdTest, StartsAtGymnasiumPrior) {
  RunningMeanStd rms(2);
  EXPECT_EQ(rms.count(), 1e-4);
  EXPECT_EQ(rms.mean(), (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(rms.var(), (std::vector<double>{1.0, 1.0}));
}

TEST(RunningMeanStdTest, SingleSampleUpdatesMatchTwoPassComputation) {
  const int dim = 3, rows = 1000;
  std::vector<float> x = Data(rows, dim, 1);
  RunningMeanStd rms(dim);
  for (int r = 0; r < rows; ++r) {
    rms.Update(std::span<const float>(x).subspan(r * dim, dim));
  }
  EXPECT_DOUBLE_EQ(rms.count(), rows + 1e-4);
  for (int d = 0; d < dim; ++d) {
    double m, v, want_mean, want_var;
    TwoPass(x, dim, d, &m, &v);
    Pooled(1e-4, rows, m, v, &want_mean, &want_var);
    EXPECT_NEAR(rms.mean()[d], want_mean, 1e-10);
    EXPECT_NEAR(rms.var()[d], want_var, 1e-10);
  }
}

TEST(RunningMeanStdTest, BatchesOfUnequalSizeMatchTwoPassComputation) {
  const int dim = 2, rows = 777;
  std::vector<float> x = Data(rows, dim, 2);
  RunningMeanStd rms(dim);
  int r = 0;
  for (int size : {1, 5, 64, 300, 407}) {
    rms.UpdateBatch(std::span<const float>(x).subspan(r * dim, size * dim),
                    size);
    r += size;
  }
  ASSERT_EQ(r, rows);
  for (int d = 0; d < dim; ++d) {
    double m, v, want_mean, want_var;
    TwoPass(x, dim, d, &m, &v);
    Pooled(1e-4, rows, m, v, &want_mean, &want_var);
    EXPECT_NEAR(rms.mean()[d], want_mean, 1e-10);
    EXPECT_NEAR(rms.var()[d], want_var, 1e-10);
  }
}

TEST(RunningMeanStdTest, UpdateFromMomentsWithHandWorkedNumbers) {
  // Prior (count 1, mean 0, var 1) merged with a batch (count 3, mean 2,
  // var 0.5): delta = 2, total = 4, mean = 0 + 2 * 3/4 = 1.5,
  // M2 = 1 * 1 + 0.5 * 3 + 2^2 * 1 * 3 / 4 = 1 + 1.5 + 3 = 5.5, var = 5.5/4.
  RunningMeanStd rms(1, 1.0);
  const double mean[] = {2.0}, var[] = {0.5};
  rms.UpdateFromMoments(mean, var, 3.0);
  EXPECT_DOUBLE_EQ(rms.count(), 4.0);
  EXPECT_DOUBLE_EQ(rms.mean()[0], 1.5);
  EXPECT_DOUBLE_EQ(rms.var()[0], 1.375);
}

TEST(RunningMeanStdTest, SerializeRoundTripsExactly) {
  RunningMeanStd rms(3);
  std::vector<float> x = Data(50, 3, 3);
  rms.UpdateBatch(x, 50);
  Result<RunningMeanStd> back = RunningMeanStd::Deserialize(rms.Serialize());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, rms);
}

TEST(RunningMeanStdTest, JsonRoundTripsExactly) {
  RunningMeanStd rms(2);
  std::vector<float> x = Data(31, 2, 4);
  rms.UpdateBatch(x, 31);
  Result<RunningMeanStd> back = RunningMeanStd::FromJson(rms.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, rms);
}

TEST(RunningMeanStdTest, CorruptInputIsRejected) {
  RunningMeanStd rms(2);
  std::string bytes = rms.Serialize();
  EXPECT_FALSE(RunningMeanStd::Deserialize(bytes.substr(0, 30)).ok());
  EXPECT_FALSE(RunningMeanStd::Deserialize("garbage").ok());
  bytes[0] = 'X';
  EXPECT_FALSE(RunningMeanStd::Deserialize(bytes).ok());
  EXPECT_FALSE(RunningMeanStd::FromJson("{\"count\": 1}").ok());
  EXPECT_FALSE(
      RunningMeanStd::FromJson("{\"count\":1,\"mean\":[0],\"var\":[-1]}").ok());
  EXPECT_FALSE(RunningMeanStd::FromJson("not json").ok());
}

}  // namespace
}  // namespace trainyard::env
