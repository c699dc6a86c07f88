// TensorBoard event files: an EventWriter that appends scalar summaries to
// `events.out.tfevents.<unix_ts>.<hostname>` in a run directory (readable by
// `tensorboard --logdir` and `wandb sync --sync-tensorboard`), and a reader
// that verifies the TFRecord framing and decodes the scalars back.
//
// Format: each record is uint64 length (little-endian), masked CRC-32C of
// those 8 bytes, `length` bytes of data, masked CRC-32C of the data. The data
// is a serialized tensorflow.Event protobuf, hand-encoded here:
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3;
//             Summary summary = 5; }
//   Summary { repeated Value value = 1; }
//   Value   { string tag = 1; float simple_value = 2; }
// The first record of a file carries file_version "brain.Event:2".
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace trainyard::tracking {

// One named scalar of an event.
struct Scalar {
  std::string tag;
  float value = 0.0f;
};

// A decoded event.
struct Event {
  double wall_time = 0.0;
  int64_t step = 0;
  std::string file_version;  // empty unless this is the version record
  std::vector<Scalar> scalars;
};

// Serialized Event protobuf bytes (exposed for tests and the reader).
std::string EncodeEvent(const Event& event);
// Decodes Event bytes; unknown fields are skipped. VALIDATION_ERROR on
// malformed wire data.
Result<Event> DecodeEvent(std::string_view bytes);
// One TFRecord frame around `data`.
std::string FrameRecord(std::string_view data);

// Appends events to a new file in a directory. Each event is flushed to the
// OS when written, so a crash loses at most the event being written. Not
// thread-safe; use one writer per run.
class EventWriter {
 public:
  // Creates `dir` if needed and a new event file in it (a ".N" suffix is added
  // if the name is taken), writing the file_version record. `clock` supplies
  // wall_time and the file's timestamp; it must outlive the writer (null =
  // the system clock). IO_ERROR on failure.
  static Result<EventWriter> Open(const std::string& dir,
                                  const Clock* clock = nullptr);

  EventWriter(EventWriter&& other) noexcept;
  EventWriter& operator=(EventWriter&& other) noexcept;
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;
  ~EventWriter();

  // Writes one event holding all `scalars` at `step`.
  Status AddScalars(int64_t step, const std::vector<Scalar>& scalars);
  Status AddScalar(int64_t step, std::string tag, float value) {
    return AddScalars(step, {Scalar{std::move(tag), value}});
  }

  const std::string& path() const { return path_; }

 private:
  EventWriter(std::FILE* file, std::string path, const Clock* clock)
      : file_(file), path_(std::move(path)), clock_(clock) {}
  Status WriteEvent(const Event& event);

  std::FILE* file_ = nullptr;
  std::string path_;
  const Clock* clock_ = nullptr;
};

// Reads every record of an event file, checking both CRCs of each frame.
// CORRUPTION error naming the byte offset on a bad length/CRC or a truncated
// record; IO_ERROR if the file cannot be read.
Result<std::vector<Event>> ReadEventFile(const std::string& path);

// Paths of the event files in `dir` (names containing "tfevents"), sorted.
std::vector<std::string> ListEventFiles(const std::string& dir);

// For resuming a run from a checkpoint taken at `step`: rewrites (through a
// temporary file and an atomic rename) every event file in `dir` that holds
// events with a larger step, keeping the version record and events with
// step <= `step`, and dropping a torn or corrupt tail left by a crash, so the
// resumed curves do not show the discarded stretch twice. Files that need no
// change are not touched. IO_ERROR on failure; OK if `dir` has no files.
Status DropEventsAfter(const std::string& dir, int64_t step);

}  // namespace trainyard::tracking
