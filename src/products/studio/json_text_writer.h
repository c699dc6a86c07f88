// A small append-only JSON text writer for large answers (batch-predict/
// with a million rows): no per-value allocation, shortest round-trip
// numbers, NaN/infinity as null. Small answers keep using nlohmann::json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trainyard::studio {

// Not thread-safe. Callers must nest Begin/End correctly and call Key
// before each value inside an object (checked only by tests).
class JsonTextWriter {
 public:
  JsonTextWriter() { first_.reserve(8); }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // An object member's name; the next call writes its value.
  void Key(std::string_view name);
  void String(std::string_view value);
  // Shortest text that reads back as `value`; null if not finite.
  void Number(double value);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();

  // The text so far; valid once every Begin has its End.
  std::string& text() { return out_; }
  void Reserve(size_t bytes) { out_.reserve(bytes); }

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();
  void AppendQuoted(std::string_view value);

  std::string out_;
  std::vector<bool> first_;  // per open container: no element yet
  bool after_key_ = false;
};

}  // namespace trainyard::studio
