#include "env/edge_scaling/queueing.h"

#include <limits>

namespace trainyard::env::edge {

double ErlangC(int c, double a) {
  if (a <= 0.0) return 0.0;
  if (c <= 0 || a >= c) return 1.0;
  // term walks a^k / k! upwards so no factorial or power overflows for the
  // replica counts the environment uses.
  double sum = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);
  return top / (sum + top);
}

double MmcResponseTime(int c, double lambda, double mu) {
  if (c <= 0 || lambda >= c * mu) {
    return std::numeric_limits<double>::infinity();
  }
  const double wait = ErlangC(c, lambda / mu) / (c * mu - lambda);
  return wait + 1.0 / mu;
}

}  // namespace trainyard::env::edge
