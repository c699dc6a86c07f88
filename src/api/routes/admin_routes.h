// The administrators' routes for users and tokens (the dashboard's admin
// page): list and create users, list tokens, issue a token for a user (its
// secret is in that one answer; the store keeps only its SHA-256) and revoke
// one. Every route is Access::kAdmin, so the dispatcher refuses anyone else
// with 403 before a handler looks anything up.
#pragma once

#include "api/auth.h"
#include "api/router.h"
#include "core/clock.h"
#include "store/model_store.h"
#include "store/user_store.h"

namespace trainyard::api {

struct AdminRoutesDeps {
  store::UserStore* users = nullptr;
  // User and token creation and token revocation are recorded here (actor:
  // the admin).
  store::AuditLog* audit = nullptr;
  // Told of a revocation, so this process refuses the token at once (other
  // processes within their token cache's TTL). May be null.
  Authenticator* auth = nullptr;
  const Clock* clock = nullptr;
};

// Registers, all admin-only:
//   GET  /api/admin/users                     every user, paginated
//   POST /api/admin/users                     {"name", "tier"?, "role"?,
//                                             "credits"?} -> 201, the user;
//                                             409 if the name is taken
//   GET  /api/admin/tokens                    every token by prefix, newest
//                                             first, paginated; never a hash
//   POST /api/admin/tokens                    {"user_id", "name"?} -> 201 with
//                                             "token", shown once
//   POST /api/admin/tokens/{token_id}/revoke  -> 200, the revoked token;
//                                             idempotent; 409 for the token
//                                             the request is signed with
// REQUIRES: users, audit and clock are set; `deps`' pointers outlive the
// router.
Status AddAdminRoutes(Router* router, AdminRoutesDeps deps);

}  // namespace trainyard::api
