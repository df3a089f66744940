// Package storetest is the behaviour suite that every aigate store runs, so
// that the SQLite and PostgreSQL stores keep one contract. A store package
// runs it from its own tests:
//
//	func TestKeys(t *testing.T) {
//		storetest.RunKeys(t, func(t *testing.T) keys.Store { return mustOpen(t) })
//	}
//
// Each subtest gets a fresh, empty store, so stores that share a server can
// give each one its own schema or database.
package storetest
