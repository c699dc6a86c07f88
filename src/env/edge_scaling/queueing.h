// M/M/c queueing formulas (Erlang C) used by the edge-scaling environment to
// turn a service's request rate and replica count into a response time.
// Pure functions, no allocation; safe from any thread.
#pragma once

namespace trainyard::env::edge {

// Erlang C: the probability that an arriving request waits in an M/M/c queue
// with c servers and offered load a = lambda / mu (in Erlangs):
//   C(c, a) = (a^c / c! * c / (c - a)) / (sum_{k<c} a^k / k! + a^c / c! * c /
//   (c - a)).
// Returns 1 when the queue is unstable (c == 0 or a >= c) and 0 when a <= 0.
double ErlangC(int c, double a);

// Mean response time (seconds) of an M/M/c queue: W = Wq + 1 / mu with
// Wq = C(c, a) / (c mu - lambda). Returns +infinity when the queue is
// unstable (c == 0 or lambda >= c mu). REQUIRES: mu > 0, lambda >= 0.
double MmcResponseTime(int c, double lambda, double mu);

}  // namespace trainyard::env::edge
