#include "tracking/csv_logger.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/test_support.h"

namespace trainyard::tracking {
namespace {

class CsvLoggerTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = tmp_.Sub("metrics.csv"); }

  std::string Contents() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  }

  testing::TempDir tmp_;
  std::string path_;
};

TEST_F(CsvLoggerTest, HeaderFollowsFirstRowKeyOrder) {
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Log({{"step", 1}, {"loss", 0.5}, {"entropy", 0.1}}).ok());
  ASSERT_TRUE(log->Log({{"entropy", 0.2}, {"step", 2}, {"loss", 0.25}}).ok());
  EXPECT_EQ(Contents(), "step,loss,entropy\n1,0.5,0.1\n2,0.25,0.2\n");
}

TEST_F(CsvLoggerTest, MissingKeysLeaveEmptyCellsAndNonFiniteAreNamed) {
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Log({{"a", 1}, {"b", 2}}).ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(log->Log({{"b", nan}}).ok());
  ASSERT_TRUE(log->Log({{"a", -std::numeric_limits<double>::infinity()}}).ok());
  EXPECT_EQ(Contents(), "a,b\n1,2\n,nan\n-inf,\n");
}

TEST_F(CsvLoggerTest, ReopeningAppendsAndKeepsEarlierRows) {
  {
    Result<CsvLogger> log = CsvLogger::Open(path_);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE(log->Log({{"step", 1}, {"return", 10}}).ok());
  }
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->columns(), (std::vector<std::string>{"step", "return"}));
  ASSERT_TRUE(log->Log({{"return", 20}, {"step", 2}}).ok());
  EXPECT_EQ(Contents(), "step,return\n1,10\n2,20\n");
}

TEST_F(CsvLoggerTest, NewKeyExtendsHeaderAndPadsEarlierRows) {
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Log({{"step", 1}}).ok());
  ASSERT_TRUE(log->Log({{"step", 2}, {"sps", 1000}}).ok());
  ASSERT_TRUE(log->Log({{"step", 3}, {"sps", 2000}}).ok());
  EXPECT_EQ(Contents(), "step,sps\n1,\n2,1000\n3,2000\n");
}

TEST_F(CsvLoggerTest, TornLastLineFromACrashIsDroppedOnResume) {
  std::ofstream(path_, std::ios::binary) << "step,loss\n1,0.5\n2,0.2";
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->Log({{"step", 2}, {"loss", 0.25}}).ok());
  EXPECT_EQ(Contents(), "step,loss\n1,0.5\n2,0.25\n");
}

TEST_F(CsvLoggerTest, ResumeFromCheckpointDropsRowsPastItsStep) {
  {
    Result<CsvLogger> log = CsvLogger::Open(path_);
    ASSERT_TRUE(log.ok());
    for (int step : {100, 200, 300, 400}) {
      ASSERT_TRUE(
          log->Log({{"step", static_cast<double>(step)}, {"r", 1}}).ok());
    }
    ASSERT_TRUE(log->Log({{"r", 2}}).ok());  // no step: kept
  }
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(log->DropRowsAfter("step", 200).ok());
  ASSERT_TRUE(log->Log({{"step", 300}, {"r", 3}}).ok());
  EXPECT_EQ(Contents(), "step,r\n100,1\n200,1\n,2\n300,3\n");
  EXPECT_TRUE(log->DropRowsAfter("no_such_column", 0).ok());
}

TEST_F(CsvLoggerTest, NumbersReadBackExactlyAndKeysAreQuoted) {
  Result<CsvLogger> log = CsvLogger::Open(path_);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE(
      log->Log({{"x,y", 0.1}, {"big", 1e300}, {"third", 1.0 / 3}}).ok());
  Result<CsvTable> table = ReadCsv(path_);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->columns, (std::vector<std::string>{"x,y", "big", "third"}));
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(std::stod(table->rows[0][0]), 0.1);
  EXPECT_EQ(std::stod(table->rows[0][1]), 1e300);
  EXPECT_EQ(std::stod(table->rows[0][2]), 1.0 / 3);
}

}  // namespace
}  // namespace trainyard::tracking
