// The browser dashboard (web/, docs/dashboard.md) served by the binary:
// GET / and its few static files, compiled in, with a strict
// Content-Security-Policy and the usual security headers. The page itself
// holds no data: it calls the public API with the user's bearer token.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/router.h"
#include "core/status.h"

namespace trainyard::app {

// The headers every dashboard response carries: CSP (scripts, styles and
// connections to this origin only; images also blob: for plots fetched with
// the token), no framing, no sniffing, no referrer.
const std::vector<std::pair<std::string, std::string>>& DashboardHeaders();

// Registers GET / (the page), /index.html and each built file (every file
// of web/dist: the style sheet, the entry script, chunks/<hash>.js) as
// public routes. CONFLICT if a path is taken.
Status AddDashboardRoutes(api::Router* router);

}  // namespace trainyard::app
