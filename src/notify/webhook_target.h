// Where a webhook URL points and whether the server may go there: parsing of
// http(s) URLs, and the resolve-then-check step that every delivery attempt
// (and registration) takes, so the address that is checked is the address
// that is connected to (no DNS-rebinding window between the two).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "notify/address_policy.h"
#include "notify/host_resolver.h"

namespace trainyard::notify {

struct WebhookUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case name, or an IP literal without brackets
  int port = 0;        // explicit, or 80 / 443
  std::string target;  // path and query, never empty ("/" at least)
  bool host_is_ip = false;

  // The Host header (and what a person would call the receiver): host with
  // brackets around IPv6, and ":port" unless it is the scheme's default.
  std::string HostHeader() const;
};

// Parses an absolute http:// or https:// URL. VALIDATION_ERROR naming
// `field` for other schemes, user info ("user@host"), an empty or invalid
// host, a port outside 1..65535, a fragment, or white space, control or
// non-ASCII characters (percent-encode them).
Result<WebhookUrl> ParseWebhookUrl(std::string_view url,
                                   const std::string& field);

// The address to connect to for `url`: the host itself when it is an IP
// literal, else the first of `resolver`'s answers that `policy` allows.
// PERMISSION_DENIED naming every refused address and its class when none
// is allowed; UNAVAILABLE when the name does not resolve.
Result<IpAddress> ResolveAllowedAddress(const WebhookUrl& url,
                                        const HostResolver& resolver,
                                        const AddressPolicy& policy);

// Registration-time check of a URL: VALIDATION_ERROR naming `field` when it
// is malformed or when ResolveAllowedAddress refuses it. A name that does
// not resolve now is accepted (each delivery attempt checks again, and that
// check is the one that counts).
Status CheckWebhookUrl(std::string_view url, const std::string& field,
                       const HostResolver& resolver,
                       const AddressPolicy& policy);

}  // namespace trainyard::notify
