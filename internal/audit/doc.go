// Package audit is the engine behind "aigate audit": the pre-deployment
// checklist run over a repository.
//
// # Pipeline
//
// Sources yield [Fragment]s, the engine runs every [Check] over them
// concurrently, and a reporter writes the [Finding]s:
//
//	WorkTree / Staged / History  →  Run  →  Text / JSON / SARIF
//
// A source is an iterator, func(yield func(Fragment, error) bool). A
// non-nil error is a problem with one input (an unreadable file, a broken
// symlink) and does not stop the scan: [Run] records it in [Result.Errors]
// and carries on. Only a source that cannot start at all (history asked for
// outside a git repository) ends the scan, with an error from the iterator
// and no fragments.
//
// # Findings never hold a secret
//
// A [Finding] carries a masked preview and a fingerprint (a SHA-256 prefix),
// never the matched text, so reports, baselines and golden files are safe to
// store and share. Secret detection itself is package secretscan's; this
// package adds the repository checks around it ([Checks] lists them all).
//
// # Suppression
//
// A finding is dropped when its line, or the line above, carries an
// "aigate:ignore CHECK-ID" comment, or when a [Baseline] holds its check
// and fingerprint.
//
// The engine knows nothing about terminals: colour and progress belong to
// the command.
package audit
