#include "store/sql_dialect.h"

#include <cctype>
#include <string>

namespace trainyard::store {

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Appends the quoted token starting at sql[i] (a ' or " quote) to `out` and
// returns the index after it. A doubled quote inside is an escaped quote.
size_t CopyQuoted(std::string_view sql, size_t i, std::string* out) {
  const char quote = sql[i];
  size_t j = i + 1;
  while (j < sql.size()) {
    if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        j += 2;
        continue;
      }
      ++j;
      break;
    }
    ++j;
  }
  out->append(sql.substr(i, j - i));
  return j;
}

std::string Upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) c = static_cast<char>(std::toupper(c));
  return out;
}

// Splits `sql` into words and other characters and calls `emit(word)` for
// every word outside quotes; its result replaces the word.
template <typename Rewrite>
std::string RewriteWords(std::string_view sql, Rewrite rewrite) {
  std::string out;
  out.reserve(sql.size() + 64);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      i = CopyQuoted(sql, i, &out);
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < sql.size() && IsWordChar(sql[j])) ++j;
      out += rewrite(sql, i, j);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

// The index of the next word at or after `i` (skipping spaces), and its end.
std::pair<size_t, size_t> NextWord(std::string_view sql, size_t i) {
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])))
    ++i;
  size_t j = i;
  while (j < sql.size() && IsWordChar(sql[j])) ++j;
  return {i, j};
}

// True if the words from `i` on are `words` (upper case), separated by
// white space; `end` receives the index after the last one.
bool WordsAt(std::string_view sql, size_t i,
             std::initializer_list<const char*> words, size_t* end) {
  for (const char* w : words) {
    auto [b, e] = NextWord(sql, i);
    if (b == e || Upper(sql.substr(b, e - b)) != w) return false;
    i = e;
  }
  *end = i;
  return true;
}

// Adds "rowid BIGSERIAL NOT NULL, " after the opening parenthesis of every
// CREATE TABLE whose column list has no AUTOINCREMENT key (already
// rewritten to BIGSERIAL).
std::string AddRowids(const std::string& sql) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t found = std::string::npos;
    for (size_t k = i; k + 6 <= sql.size(); ++k) {
      if ((k == 0 || !IsWordChar(sql[k - 1])) &&
          Upper(sql.substr(k, 6)) == "CREATE") {
        size_t end;
        if (WordsAt(sql, k, {"CREATE", "TABLE"}, &end)) {
          found = k;
          break;
        }
      }
    }
    if (found == std::string::npos) break;
    const size_t open = sql.find('(', found);
    if (open == std::string::npos) break;
    int depth = 0;
    size_t close = open;
    for (; close < sql.size(); ++close) {
      if (sql[close] == '(') ++depth;
      if (sql[close] == ')' && --depth == 0) break;
    }
    const std::string body = Upper(sql.substr(open, close - open));
    out += sql.substr(i, open + 1 - i);
    if (body.find("BIGSERIAL") == std::string::npos &&
        body.find("ROWID") == std::string::npos) {
      out += "rowid BIGSERIAL NOT NULL, ";
    }
    i = open + 1;
  }
  out += sql.substr(i);
  return out;
}

}  // namespace

std::string PostgresParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      i = CopyQuoted(sql, i, &out);
      continue;
    }
    if (c != '?') {
      out += c;
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
      ++j;
    out += '$';
    if (j > i + 1) {
      out.append(sql.substr(i + 1, j - i - 1));
    } else {
      out += std::to_string(next++);
    }
    i = j;
  }
  return out;
}

std::string PostgresDdl(std::string_view sql) {
  std::string typed =
      RewriteWords(sql, [](std::string_view s, size_t b, size_t e) {
        const std::string word = Upper(s.substr(b, e - b));
        if (word == "AUTOINCREMENT") return std::string();
        if (word == "REAL") return std::string("DOUBLE PRECISION");
        if (word == "BLOB") return std::string("BYTEA");
        if (word == "INTEGER") {
          size_t end;
          if (WordsAt(s, e, {"PRIMARY", "KEY", "AUTOINCREMENT"}, &end))
            return std::string("BIGSERIAL");
          return std::string("BIGINT");
        }
        return std::string(s.substr(b, e - b));
      });
  return AddRowids(typed);
}

}  // namespace trainyard::store
