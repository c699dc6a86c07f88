#include "products/studio/json_text_writer.h"

#include <charconv>
#include <cmath>

namespace trainyard::studio {

void JsonTextWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

void JsonTextWriter::Open(char c) {
  BeforeValue();
  out_.push_back(c);
  first_.push_back(true);
}

void JsonTextWriter::Close(char c) {
  out_.push_back(c);
  first_.pop_back();
}

void JsonTextWriter::Key(std::string_view name) {
  BeforeValue();
  AppendQuoted(name);
  out_.push_back(':');
  after_key_ = true;
}

void JsonTextWriter::String(std::string_view value) {
  BeforeValue();
  AppendQuoted(value);
}

void JsonTextWriter::AppendQuoted(std::string_view value) {
  out_.push_back('"');
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out_.push_back('\\');
      out_.push_back(ch);
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out_ += "\\u00";
      out_.push_back(kHex[c >> 4]);
      out_.push_back(kHex[c & 15]);
    } else {
      out_.push_back(ch);
    }
  }
  out_.push_back('"');
}

void JsonTextWriter::Number(double value) {
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
}

void JsonTextWriter::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
}

void JsonTextWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonTextWriter::Null() {
  BeforeValue();
  out_ += "null";
}

}  // namespace trainyard::studio
