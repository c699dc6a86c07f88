#include "tracking/event_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/test_support.h"
#include "tracking/crc32c.h"

namespace trainyard::tracking {
namespace {

namespace fs = std::filesystem;

class EventFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tmp_.Sub("events"); }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  }
  static void WriteAll(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  }

  testing::TempDir tmp_;
  std::string dir_;  // not created: the writer makes it
};

TEST_F(EventFileTest, EncodesEventWithHandAssembledWireBytes) {
  // Event{wall_time 1.5, step 3, summary{value{tag "a", simple_value 1.0}}}:
  //   09 | 00 00 00 00 00 00 f8 3f        field 1, fixed64 double 1.5
  //   10 | 03                             field 2, varint 3
  //   2a 0a | 0a 08 | 0a 01 61 15 00 00 80 3f
  //          field 5 (10 bytes) holding Summary.value (8 bytes) holding
  //          tag "a" and field 2 fixed32 float 1.0
  Event event;
  event.wall_time = 1.5;
  event.step = 3;
  event.scalars = {{"a", 1.0f}};
  const std::string want(
      "\x09\x00\x00\x00\x00\x00\x00\xf8\x3f"
      "\x10\x03"
      "\x2a\x0a\x0a\x08\x0a\x01\x61\x15\x00\x00\x80\x3f",
      23);
  EXPECT_EQ(EncodeEvent(event), want);
}

TEST_F(EventFileTest, FramesRecordWithLengthAndMaskedCrcs) {
  const std::string data = "123456789";
  const std::string frame = FrameRecord(data);
  ASSERT_EQ(frame.size(), 8 + 4 + data.size() + 4);
  // Length 9 as little-endian uint64.
  EXPECT_EQ(frame.substr(0, 8), std::string("\x09\0\0\0\0\0\0\0", 8));
  const uint32_t header_crc = MaskCrc32c(Crc32c(frame.substr(0, 8)));
  EXPECT_EQ(frame.substr(8, 4),
            std::string(reinterpret_cast<const char*>(&header_crc), 4));
  EXPECT_EQ(frame.substr(12, 9), data);
  // Masked CRC of "123456789" is 0xC78AB0E5 (see crc32c_test), little-endian.
  EXPECT_EQ(frame.substr(21, 4), std::string("\xe5\xb0\x8a\xc7", 4));
}

TEST_F(EventFileTest, WriterAndReaderRoundTripScalars) {
  ManualClock clock(1'700'000'123'456);
  Result<EventWriter> writer = EventWriter::Open(dir_, &clock);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(
      writer->AddScalars(10, {{"loss", 0.25f}, {"return", 42.0f}}).ok());
  clock.AdvanceMillis(1500);
  ASSERT_TRUE(writer->AddScalar(20, "loss", -1.5f).ok());

  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  EXPECT_EQ(fs::path(writer->path()).filename().string(),
            std::string("events.out.tfevents.1700000123.") + host);

  Result<std::vector<Event>> events = ReadEventFile(writer->path());
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].file_version, "brain.Event:2");
  EXPECT_DOUBLE_EQ((*events)[0].wall_time, 1700000123.456);
  EXPECT_EQ((*events)[1].step, 10);
  ASSERT_EQ((*events)[1].scalars.size(), 2u);
  EXPECT_EQ((*events)[1].scalars[0].tag, "loss");
  EXPECT_EQ((*events)[1].scalars[0].value, 0.25f);
  EXPECT_EQ((*events)[1].scalars[1].tag, "return");
  EXPECT_EQ((*events)[1].scalars[1].value, 42.0f);
  EXPECT_DOUBLE_EQ((*events)[2].wall_time, 1700000124.956);
  EXPECT_EQ((*events)[2].step, 20);
  EXPECT_EQ((*events)[2].scalars[0].value, -1.5f);
}

TEST_F(EventFileTest, SecondWriterInTheSameSecondGetsItsOwnFile) {
  ManualClock clock;
  Result<EventWriter> a = EventWriter::Open(dir_, &clock);
  Result<EventWriter> b = EventWriter::Open(dir_, &clock);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
  EXPECT_EQ(ListEventFiles(dir_).size(), 2u);
}

TEST_F(EventFileTest, EventsAreOnDiskBeforeTheWriterCloses) {
  ManualClock clock;
  Result<EventWriter> writer = EventWriter::Open(dir_, &clock);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->AddScalar(1, "x", 2.0f).ok());
  Result<std::vector<Event>> events = ReadEventFile(writer->path());
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 2u);
}

TEST_F(EventFileTest, ReaderDetectsDataCorruption) {
  ManualClock clock;
  std::string path;
  {
    Result<EventWriter> writer = EventWriter::Open(dir_, &clock);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->AddScalar(1, "x", 2.0f).ok());
    path = writer->path();
  }
  std::string bytes = ReadAll(path);
  bytes[bytes.size() - 6] ^= 0x01;  // inside the last record's data
  WriteAll(path, bytes);
  Result<std::vector<Event>> events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(events.status().message().find("data CRC"), std::string::npos);
}

TEST_F(EventFileTest, ReaderDetectsLengthCorruptionAndTruncation) {
  ManualClock clock;
  std::string path;
  {
    Result<EventWriter> writer = EventWriter::Open(dir_, &clock);
    ASSERT_TRUE(writer.ok());
    path = writer->path();
  }
  const std::string good = ReadAll(path);
  std::string bad_length = good;
  bad_length[0] ^= 0x04;
  WriteAll(path, bad_length);
  Result<std::vector<Event>> events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.status().message().find("length CRC"), std::string::npos);

  WriteAll(path, good.substr(0, good.size() - 2));
  events = ReadEventFile(path);
  ASSERT_FALSE(events.ok());
  EXPECT_NE(events.status().message().find("truncated"), std::string::npos);
}

TEST_F(EventFileTest,
       DropEventsAfterKeepsVersionAndEarlierStepsAndRepairsTail) {
  ManualClock clock;
  std::string path;
  {
    Result<EventWriter> writer = EventWriter::Open(dir_, &clock);
    ASSERT_TRUE(writer.ok());
    for (int64_t step : {1, 2, 3, 4}) {
      ASSERT_TRUE(writer->AddScalar(step, "x", static_cast<float>(step)).ok());
    }
    path = writer->path();
  }
  // A crash mid-write leaves half a record at the end.
  WriteAll(path, ReadAll(path) + std::string("\x05\0\0", 3));
  ASSERT_TRUE(DropEventsAfter(dir_, 2).ok());
  Result<std::vector<Event>> events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].file_version, "brain.Event:2");
  EXPECT_EQ((*events)[1].step, 1);
  EXPECT_EQ((*events)[2].step, 2);
  EXPECT_EQ(ListEventFiles(dir_).size(), 1u);
}

}  // namespace
}  // namespace trainyard::tracking
