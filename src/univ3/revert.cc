#include "univ3/revert.h"

namespace trainyard::univ3 {

const char* RevertReason(Revert r) {
  switch (r) {
    case Revert::kOk: return "";
    case Revert::kLOK: return "LOK";
    case Revert::kTLU: return "TLU";
    case Revert::kTLM: return "TLM";
    case Revert::kTUM: return "TUM";
    case Revert::kAI: return "AI";
    case Revert::kM0: return "M0";
    case Revert::kM1: return "M1";
    case Revert::kAS: return "AS";
    case Revert::kSPL: return "SPL";
    case Revert::kIIA: return "IIA";
    case Revert::kL: return "L";
    case Revert::kF0: return "F0";
    case Revert::kF1: return "F1";
    case Revert::kLO: return "LO";
    case Revert::kLS: return "LS";
    case Revert::kLA: return "LA";
    case Revert::kNP: return "NP";
    case Revert::kT: return "T";
    case Revert::kR: return "R";
    case Revert::kMulDiv: return "FullMath.mulDiv overflow";
    case Revert::kMulDivRoundUp: return "FullMath.mulDivRoundingUp overflow";
    case Revert::kSafeCast: return "SafeCast overflow";
    case Revert::kSafeMath: return "LowGasSafeMath overflow";
    case Revert::kSqrtPrice: return "SqrtPriceMath out of range";
    case Revert::kTickSpacing: return "tick not a multiple of tick spacing";
    case Revert::kZeroAmount: return "amount must be greater than 0";
    case Revert::kFeeProtocol: return "fee protocol must be 0 or 4..10";
  }
  return "unknown revert";
}

Status RevertStatus(Revert r) {
  return ValidationError(RevertReason(r));
}

}  // namespace trainyard::univ3
