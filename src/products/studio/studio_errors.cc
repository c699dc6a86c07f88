#include "products/studio/studio_errors.h"

#include <utility>

namespace trainyard::studio {

Status InsufficientCreditsError(std::string message) {
  return Status(ErrorCode::kPaymentRequired, std::move(message))
      .WithReason(kInsufficientCreditsCode);
}

Status SubscriptionRequiredError(std::string message) {
  return Status(ErrorCode::kPaymentRequired, std::move(message))
      .WithReason(kSubscriptionRequiredCode);
}

Status ModelTrainingError(std::string message,
                          std::vector<FieldError> details) {
  return Status(ErrorCode::kUnprocessable, std::move(message),
                std::move(details))
      .WithReason(kModelTrainingErrorCode);
}

bool IsInsufficientCredits(const Status& status) {
  return status.code() == ErrorCode::kPaymentRequired &&
         status.reason() == kInsufficientCreditsCode;
}

}  // namespace trainyard::studio
