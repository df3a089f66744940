package keys_test

import (
	"testing"

	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/secretscan"
)

// TestSecretscanFindsGeneratedKeys keeps the key format and the scanner's
// aigate-key rule in step: every generated key is found, nothing else is.
func TestSecretscanFindsGeneratedKeys(t *testing.T) {
	s := secretscan.Default()
	for range 200 {
		k, err := keys.Generate()
		if err != nil {
			t.Fatal(err)
		}
		text := "token = \"" + k.Reveal() + "\"\n"
		ms := s.ScanString(text)
		if len(ms) != 1 || ms[0].RuleID == "" || text[ms[0].Start:ms[0].End] != k.Reveal() {
			t.Fatalf("scanner found %v in a line holding a generated key", ms)
		}
		broken := []byte(k.Reveal())
		broken[10] = flip(broken[10])
		for _, m := range s.Scan(broken) {
			if m.RuleID == "aigate-key" {
				t.Fatal("scanner reported an aigate key whose checksum is broken")
			}
		}
	}
}

func flip(c byte) byte {
	if c == 'a' {
		return 'b'
	}
	return 'a'
}
