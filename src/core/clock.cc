#include "core/clock.h"

#include <cstdio>
#include <ctime>

namespace trainyard {

int64_t Clock::NowMillis() const { return ToUnixMillis(Now()); }

SystemClock* SystemClock::Default() {
  static SystemClock clock;
  return &clock;
}

TimePoint ManualClock::Now() const { return FromUnixMillis(millis_.load()); }

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

TimePoint FromUnixMillis(int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::milliseconds(ms)));
}

std::string FormatIso8601(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatIso8601Millis(int64_t unix_millis) {
  return FormatIso8601(FromUnixMillis(unix_millis));
}

namespace {

bool ReadInt(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) -
         719468;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

Result<TimePoint> ParseIso8601(std::string_view s) {
  auto bad = [&] {
    return ValidationError("invalid timestamp '" + std::string(s) +
                           "': expected ISO 8601 such as 2024-03-20T12:00:00Z "
                           "or 2024-03-20");
  };
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!ReadInt(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' ||
      !ReadInt(s, 5, 2, &mo) || s[7] != '-' || !ReadInt(s, 8, 2, &d)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return bad();
  size_t pos = 10;
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != ' ') || !ReadInt(s, pos + 1, 2, &h) ||
        pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadInt(s, pos + 4, 2, &mi)) {
      return bad();
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!ReadInt(s, pos + 1, 2, &sec)) return bad();
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      size_t start = ++pos;
      int64_t frac = 0, scale = 1;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (pos - start < 3) {
          frac = frac * 10 + (s[pos] - '0');
          scale *= 10;
        }
        ++pos;
      }
      if (pos == start) return bad();
      millis = frac * 1000 / scale;
    }
    if (pos < s.size() && s[pos] == 'Z') {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int oh, om;
      if (!ReadInt(s, pos + 1, 2, &oh) || pos + 3 >= s.size() ||
          s[pos + 3] != ':' || !ReadInt(s, pos + 4, 2, &om)) {
        return bad();
      }
      offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
      pos += 6;
    }
    if (pos != s.size() || h > 23 || mi > 59 || sec > 60) return bad();
  }
  int64_t days =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t total = ((days * 24 + h) * 60 + mi - offset_minutes) * 60 + sec;
  return FromUnixMillis(total * 1000 + millis);
}

}  // namespace trainyard
