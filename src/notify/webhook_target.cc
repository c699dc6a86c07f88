#include "notify/webhook_target.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace trainyard::notify {

namespace {

Status Invalid(const std::string& field, const std::string& message) {
  return ValidationError("invalid webhook URL", {{field, message}});
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

std::string WebhookUrl::HostHeader() const {
  std::string out =
      host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const int default_port = scheme == "https" ? 443 : 80;
  if (port != default_port) out += ":" + std::to_string(port);
  return out;
}

Result<WebhookUrl> ParseWebhookUrl(std::string_view url,
                                   const std::string& field) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      return Invalid(field,
                     "must not contain white space, control or non-ASCII "
                     "characters (percent-encode them)");
    }
  }
  WebhookUrl out;
  std::string lower(url.substr(0, 8));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("http://", 0) == 0) {
    out.scheme = "http";
    out.port = 80;
  } else if (lower.rfind("https://", 0) == 0) {
    out.scheme = "https";
    out.port = 443;
  } else {
    return Invalid(field, "must be an http:// or https:// URL");
  }
  std::string_view rest = url.substr(out.scheme.size() + 3);
  if (rest.find('#') != std::string_view::npos) {
    return Invalid(field, "must not contain a fragment (#...)");
  }
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  out.target = authority_end == std::string_view::npos
                   ? "/"
                   : std::string(rest.substr(authority_end));
  if (out.target[0] == '?') out.target = "/" + out.target;
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(field, "must not contain user info (user@host)");
  }
  std::string_view host = authority;
  std::optional<std::string_view> port;  // set when a ':' introduces one
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Invalid(field, "has an unterminated [IPv6] host");
    }
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') {
      return Invalid(field, "has characters after the [IPv6] host");
    }
    if (!after.empty()) port = after.substr(1);
    std::optional<IpAddress> ip = IpAddress::Parse(host);
    if (!ip || ip->is_v4()) {
      return Invalid(field, "has an invalid IPv6 address in brackets");
    }
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos) {
        return Invalid(field, "must put an IPv6 host in brackets ([::1])");
      }
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return Invalid(field, "has no host");
  if (port) {
    int p = 0;
    auto [end, ec] =
        std::from_chars(port->data(), port->data() + port->size(), p);
    if (port->empty() || ec != std::errc() ||
        end != port->data() + port->size() || p < 1 || p > 65535) {
      return Invalid(field, "has an invalid port (1..65535)");
    }
    out.port = p;
  }
  out.host = std::string(host);
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (IpAddress::Parse(out.host)) {
    out.host_is_ip = true;
  } else if (out.host.size() > 253 ||
             !std::all_of(out.host.begin(), out.host.end(), IsHostChar)) {
    return Invalid(field, "has an invalid host name");
  }
  return out;
}

Result<IpAddress> ResolveAllowedAddress(const WebhookUrl& url,
                                        const HostResolver& resolver,
                                        const AddressPolicy& policy) {
  std::vector<IpAddress> candidates;
  if (std::optional<IpAddress> ip = IpAddress::Parse(url.host)) {
    candidates.push_back(*ip);
  } else {
    TY_ASSIGN_OR_RETURN(candidates, resolver.Resolve(url.host));
  }
  std::string refused;
  for (const IpAddress& a : candidates) {
    Status s = policy.Check(a);
    if (s.ok()) return a;
    refused += (refused.empty() ? "" : "; ") + s.message();
  }
  if (url.host_is_ip) return Status(ErrorCode::kPermissionDenied, refused);
  return Status(
      ErrorCode::kPermissionDenied,
      url.host + " resolves only to refused addresses (" + refused + ")");
}

Status CheckWebhookUrl(std::string_view url, const std::string& field,
                       const HostResolver& resolver,
                       const AddressPolicy& policy) {
  TY_ASSIGN_OR_RETURN(WebhookUrl parsed, ParseWebhookUrl(url, field));
  Result<IpAddress> address = ResolveAllowedAddress(parsed, resolver, policy);
  if (address.ok() || address.status().code() == ErrorCode::kUnavailable) {
    return Status::Ok();
  }
  if (address.status().code() != ErrorCode::kPermissionDenied) {
    return address.status();
  }
  return Invalid(
      field, "must point to a public address: " + address.status().message() +
                 " (an administrator can allow a range with "
                 "TRAINYARD_WEBHOOK_ALLOW_CIDRS)");
}

}  // namespace trainyard::notify
