// The one SQL text the repositories write, adapted for PostgreSQL: '?'
// parameters become $1, $2, ... and SQLite DDL gets PostgreSQL's types.
// SQLite runs the text unchanged (docs/development.md, "One SQL text").
#pragma once

#include <string>
#include <string_view>

namespace trainyard::store {

// Rewrites the parameters of `sql` for PostgreSQL: each '?' becomes $k (k
// counting from 1 in order) and '?N' becomes $N. Text inside '...' string
// literals and "..." identifiers is left alone.
std::string PostgresParameters(std::string_view sql);

// Rewrites SQLite DDL (migrations) for PostgreSQL:
//   INTEGER PRIMARY KEY AUTOINCREMENT -> BIGSERIAL PRIMARY KEY
//   INTEGER -> BIGINT (SQLite integers are 64-bit; times are Unix ms)
//   REAL -> DOUBLE PRECISION
// and gives every CREATE TABLE without such a key a `rowid BIGSERIAL`
// column, so that `ORDER BY ..., rowid` keeps insertion order as SQLite's
// implicit rowid does. Keywords are matched as whole words, case-
// insensitively, outside string literals.
std::string PostgresDdl(std::string_view sql);

}  // namespace trainyard::store
