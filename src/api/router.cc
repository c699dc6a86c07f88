#include "api/router.h"

#include <algorithm>

namespace trainyard::api {

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool IsCapture(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool SameShape(const std::vector<std::string>& a,
               const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (IsCapture(a[i]) != IsCapture(b[i])) return false;
    if (!IsCapture(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

bool MatchSegments(const std::vector<std::string>& pattern,
                   const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsCapture(pattern[i])) {
      (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status Router::Add(Route route) {
  std::vector<std::string> segments = Split(route.pattern);
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method &&
        SameShape(segments_[i], segments)) {
      return ConflictError("route " + route.method + " " + route.pattern +
                           " is already registered");
    }
  }
  routes_.push_back(std::move(route));
  segments_.push_back(std::move(segments));
  return Status::Ok();
}

Status Router::DeclareResponses(const std::vector<RouteResponses>& declared) {
  for (const RouteResponses& d : declared) {
    const std::vector<std::string> segments = Split(d.pattern);
    bool found = false;
    for (size_t i = 0; i < routes_.size() && !found; ++i) {
      if (routes_[i].method == d.method && segments_[i] == segments) {
        routes_[i].responses = d.responses;
        found = true;
      }
    }
    if (!found) {
      return NotFoundError("responses declared for " + d.method + " " +
                           d.pattern + ", which is not registered");
    }
  }
  return Status::Ok();
}

Status Router::DeclareSurface(ApiSurface surface) {
  if (surface.tag.empty()) return ValidationError("a surface needs a tag");
  for (const std::string& prefix : surface.path_prefixes) {
    if (prefix.empty() || prefix.front() != '/') {
      return ValidationError("surface " + surface.tag + ": path prefix '" +
                             prefix + "' does not start with '/'");
    }
  }
  for (const SurfaceError& e : surface.errors) {
    if (e.status < 400 || e.status > 599) {
      return ValidationError("surface " + surface.tag + ": error status " +
                             std::to_string(e.status) + " is not 4xx or 5xx");
    }
  }
  for (const ApiSurface& other : surfaces_) {
    if (other.tag == surface.tag) {
      return ConflictError("surface " + surface.tag + " is declared already");
    }
    for (const std::string& prefix : surface.path_prefixes) {
      if (std::find(other.path_prefixes.begin(), other.path_prefixes.end(),
                    prefix) != other.path_prefixes.end()) {
        return ConflictError("surface " + surface.tag + ": path prefix " +
                             prefix + " belongs to " + other.tag);
      }
    }
  }
  surfaces_.push_back(std::move(surface));
  return Status::Ok();
}

const ApiSurface* Router::SurfaceOf(const std::string& pattern) const {
  const ApiSurface* best = nullptr;
  size_t best_length = 0;
  for (const ApiSurface& surface : surfaces_) {
    for (const std::string& prefix : surface.path_prefixes) {
      if (prefix.size() > best_length && pattern.rfind(prefix, 0) == 0) {
        best = &surface;
        best_length = prefix.size();
      }
    }
  }
  return best;
}

RouteMatch Router::Match(const std::string& method,
                         const std::string& path) const {
  RouteMatch match;
  const std::vector<std::string> parts = Split(path);
  // Literal segments beat captures: prefer the route with the most literals.
  int best_literals = -1;
  for (size_t i = 0; i < routes_.size(); ++i) {
    std::map<std::string, std::string> params;
    if (!MatchSegments(segments_[i], parts, &params)) continue;
    const bool head_as_get = method == "HEAD" && routes_[i].method == "GET";
    if (routes_[i].method != method && !head_as_get) {
      match.allowed_methods.push_back(routes_[i].method);
      continue;
    }
    int literals = static_cast<int>(
        std::count_if(segments_[i].begin(), segments_[i].end(),
                      [](const std::string& s) { return !IsCapture(s); }));
    if (literals > best_literals) {
      best_literals = literals;
      match.route = &routes_[i];
      match.params = std::move(params);
    }
  }
  std::sort(match.allowed_methods.begin(), match.allowed_methods.end());
  match.allowed_methods.erase(
      std::unique(match.allowed_methods.begin(), match.allowed_methods.end()),
      match.allowed_methods.end());
  return match;
}

}  // namespace trainyard::api
