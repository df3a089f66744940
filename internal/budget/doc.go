// Package budget prices requests and keeps spend under hard caps.
//
// Money is [Micros], millionths of a US dollar, never a float. [Prices] is
// the price table (embedded, overridable from the configuration) that turns a
// request's [gateway.Usage] into a cost. A [Ledger] holds budgets per key,
// end user and team, each with a [Period]: the database stores implement
// it; [Local] keeps reservations in one process's memory over a store, and
// [Redis] keeps them, with the current periods' spend, in Redis shared by
// every instance, both writing the spend and usage records to the store
// behind the requests. [Budgets.Middleware] uses it in the request chain:
//
//  1. Before the request is forwarded, reserve the most it can cost: the
//     input estimate (characters/4) plus max_tokens, or the key's cap on
//     output tokens when the request sets none, at the model's prices. A
//     reservation that does not fit refuses the request with
//     [gateway.CodeBudgetExceeded] and a message naming the budget and when
//     it resets.
//  2. When the response ends (streams and cancelled streams included, with
//     the usage read so far), commit the actual cost, which releases the
//     rest of the reservation; if the request failed, release it all.
//  3. Record one metadata-only usage entry per request, and fire budget
//     alerts when spend crosses a threshold ([Alerter]).
//
// Because every request reserves before it is forwarded, and a reservation
// is checked and taken in one transaction against spent + held, concurrent
// requests can never spend past a cap; at most the difference between a
// request's actual cost and its reservation when the estimate was short.
package budget
