package secretscan

import "bytes"

// placeholderWords are fillers that documentation puts where a key goes.
// They are at least five letters long so that a random key contains one
// by chance about once in a million.
var placeholderWords = [...]string{
	"example", "xxxxx", "your_", "your-", "-here", "_here", "placeholder",
	"redacted", "dummy", "insert", "replace", "change", "sample", "fake_", "fake-",
	"...", "…", "<", ">", "{{", "${", "*****",
}

// IsPlaceholder reports whether secret looks like a stand-in rather than a
// random key: a documentation word (EXAMPLE, your-…-here, xxxxx, redacted),
// six or more repeats of one character, an alphabet or digit run of six
// (abcdef, 123456), or fewer than seven distinct characters in a long value
// (abc123abc123…).
func IsPlaceholder(secret []byte) bool {
	var buf [512]byte
	low := buf[:0]
	for _, c := range secret {
		low = append(low, lower[c])
	}
	for _, w := range placeholderWords {
		if bytes.Contains(low, []byte(w)) {
			return true
		}
	}
	run, seq := 1, 1
	var seen [256]bool
	distinct := 0
	for i, c := range secret {
		if !seen[c] {
			seen[c] = true
			distinct++
		}
		if i == 0 {
			continue
		}
		p := secret[i-1]
		if c == p {
			run++
		} else {
			run = 1
		}
		if isAlnum(c) && isAlnum(p) && lower[c] == lower[p]+1 {
			seq++
		} else {
			seq = 1
		}
		if run >= 6 || seq >= 6 {
			return true
		}
	}
	return len(secret) >= 20 && distinct < 7
}
