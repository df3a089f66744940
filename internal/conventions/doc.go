// Package conventions holds no code: its tests check the rules the rest of
// the tree follows, so a change that breaks one fails CI instead of a
// review. Every package has exactly one package comment; the public
// detector and limiter packages import nothing of aigate's and no net/http;
// the domain package imports no other aigate package; and the binary does
// not link the testing package.
package conventions
