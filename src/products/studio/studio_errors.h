// AI Studio's error codes beyond the platform's (spec/studio-api.md):
// billing refusals answer 402 and failed fits 422, each with a wire code of
// its own. They are the platform's generic kPaymentRequired and
// kUnprocessable with that code as the Status's reason (core/status.h), so
// core/ and api/ know no product's codes; api/ answers the reason as the
// error's "code" with the generic code's HTTP status.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::studio {

// The wire codes (also in webhook payloads and job answers).
inline constexpr char kInsufficientCreditsCode[] = "INSUFFICIENT_CREDITS";
inline constexpr char kSubscriptionRequiredCode[] = "SUBSCRIPTION_REQUIRED";
inline constexpr char kModelTrainingErrorCode[] = "MODEL_TRAINING_ERROR";

// 402 INSUFFICIENT_CREDITS: the caller's compute credits cannot pay.
Status InsufficientCreditsError(std::string message);
// 402 SUBSCRIPTION_REQUIRED: the caller's tier, or a marketplace
// subscription they lack, does not allow it.
Status SubscriptionRequiredError(std::string message);
// 422 MODEL_TRAINING_ERROR: a training run failed.
Status ModelTrainingError(std::string message,
                          std::vector<FieldError> details = {});

// Whether `status` is InsufficientCreditsError's.
bool IsInsufficientCredits(const Status& status);

}  // namespace trainyard::studio
