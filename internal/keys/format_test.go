package keys_test

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func mustGenerate(t testing.TB) string {
	t.Helper()
	s, err := keys.Generate()
	if err != nil {
		t.Fatalf("Generate() = %v", err)
	}
	return s.Reveal()
}

func TestGenerate(t *testing.T) {
	if keys.Length != 50 {
		t.Fatalf("Length = %d, want 50 (client messages say so)", keys.Length)
	}
	const n = 1000
	seen := make(map[string]bool, n)
	counts := make(map[rune]int)
	for range n {
		k := mustGenerate(t)
		if len(k) != keys.Length || !strings.HasPrefix(k, keys.Prefix) {
			t.Fatalf("generated key has length %d and prefix %t; want %d and %q", len(k), strings.HasPrefix(k, keys.Prefix), keys.Length, keys.Prefix)
		}
		if err := checkParse(k); err != nil {
			t.Fatalf("Parse(generated key) = %v", err)
		}
		if seen[k] {
			t.Fatal("Generate returned the same key twice")
		}
		seen[k] = true
		for _, c := range k[len(keys.Prefix) : len(keys.Prefix)+keys.RandomLength] {
			counts[c]++
		}
	}
	// 40,000 random characters: each of the 62 is expected about 645 times.
	for _, c := range base62 {
		if counts[c] < 400 || counts[c] > 900 {
			t.Errorf("character %q appeared %d times in %d keys, want about 645", c, counts[c], n)
		}
	}
	if len(counts) != 62 {
		t.Errorf("random part used %d distinct characters, want 62", len(counts))
	}
}

func checkParse(s string) error {
	_, err := keys.Parse(s)
	return err
}

// Every single-character change must be caught: CRC-32 detects every error
// burst up to 32 bits, so a change in the random part always alters the
// checksum, and a change in the checksum alters its value.
func TestSingleCharacterChangeIsCaught(t *testing.T) {
	for range 100 {
		k := []byte(mustGenerate(t))
		for i := range k {
			orig := k[i]
			for _, c := range []byte(base62 + "_-+/=. agkAGK") {
				if c == orig {
					continue
				}
				k[i] = c
				if keys.Valid(string(k)) {
					t.Fatalf("changing character %d of a valid key still parses", i)
				}
			}
			k[i] = orig
		}
		// Swapping neighbours, the commonest typo, is caught too.
		for i := len(keys.Prefix); i+1 < len(k); i++ {
			if k[i] == k[i+1] {
				continue
			}
			k[i], k[i+1] = k[i+1], k[i]
			if keys.Valid(string(k)) {
				t.Fatalf("swapping characters %d and %d of a valid key still parses", i, i+1)
			}
			k[i], k[i+1] = k[i+1], k[i]
		}
	}
}

func TestParseRejectsLookAlikes(t *testing.T) {
	k := mustGenerate(t)
	body := k[len(keys.Prefix):]
	tests := []struct{ name, s string }{
		{"empty", ""},
		{"prefix-only", keys.Prefix},
		{"one-short", k[:len(k)-1]},
		{"one-long", k + "0"},
		{"trailing-newline", k + "\n"},
		{"leading-space", " " + k[:len(k)-1]},
		{"dash-prefix", "agk-" + body},
		{"uppercase-prefix", "AGK_" + body},
		{"other-prefix", "sk-_" + body},
		{"underscore-in-body", keys.Prefix + "_" + body[1:]},
		{"dash-in-body", keys.Prefix + body[:20] + "-" + body[21:]},
		{"non-ascii", keys.Prefix + "é" + body[2:]},
		{"placeholder-x", keys.Prefix + strings.Repeat("X", 46)},
		{"placeholder-zero", keys.Prefix + strings.Repeat("0", 46)},
		{"placeholder-alphabet", keys.Prefix + (base62 + base62)[:46]},
		{"checksum-zeroed", k[:len(k)-keys.ChecksumLength] + "000000"},
		{"checksum-overflow", k[:len(k)-keys.ChecksumLength] + "zzzzzz"},
		{"openai-shaped", "sk-proj-" + body[:42]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keys.Parse(tt.s)
			if !errors.Is(err, keys.ErrMalformed) {
				t.Fatalf("Parse(%s) = %v, want ErrMalformed", tt.name, err)
			}
			if keys.Valid(tt.s) {
				t.Errorf("Valid(%s) = true, want false", tt.name)
			}
			if strings.Contains(err.Error(), body[:8]) {
				t.Errorf("Parse(%s) error quotes the input", tt.name)
			}
		})
	}
}

func TestHash(t *testing.T) {
	k := mustGenerate(t)
	want := sha256.Sum256([]byte(k))
	if got := keys.Hash(gateway.NewSecret(k)); got != want {
		t.Error("Hash(key) is not the SHA-256 of the key")
	}
	p, err := keys.Parse(k)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash() != want {
		t.Error("Parsed.Hash() is not the SHA-256 of the key")
	}
	if !p.Secret().Equal(gateway.NewSecret(k)) {
		t.Error("Parsed.Secret() is not the parsed key")
	}
	if keys.Hash(gateway.NewSecret(mustGenerate(t))) == want {
		t.Error("two keys hash alike")
	}
}

func TestNewID(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id, err := keys.NewID()
		if err != nil {
			t.Fatal(err)
		}
		if !keys.ValidID(id) || len(id) != 15 || !strings.HasPrefix(id, "vk_") {
			t.Fatalf("NewID() = %q, want vk_ and 12 of [0-9a-v]", id)
		}
		if seen[id] {
			t.Fatalf("NewID() returned %q twice", id)
		}
		seen[id] = true
	}
	for _, id := range []string{"", "vk_", "vk_0123456789a", "vk_0123456789abc", "vk_0123456789aw", "VK_0123456789ab", "vk_0123456789A_"} {
		if keys.ValidID(id) {
			t.Errorf("ValidID(%q) = true, want false", id)
		}
	}
}

func FuzzParse(f *testing.F) {
	k := mustGenerate(f)
	for _, s := range []string{"", keys.Prefix, k, k[:len(k)-1] + "0", "agk-" + k[4:], keys.Prefix + strings.Repeat("z", 46)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := keys.Parse(s)
		if err != nil {
			if !errors.Is(err, keys.ErrMalformed) {
				t.Fatalf("Parse error %v does not wrap ErrMalformed", err)
			}
			if len(s) >= 8 && strings.Contains(err.Error(), s) {
				t.Fatal("Parse error quotes its input")
			}
			if keys.Valid(s) {
				t.Fatal("Valid = true for a string Parse rejects")
			}
			return
		}
		if len(s) != keys.Length || !strings.HasPrefix(s, keys.Prefix) {
			t.Fatalf("Parse accepted a string of length %d", len(s))
		}
		for _, c := range s[len(keys.Prefix):] {
			if !strings.ContainsRune(base62, c) {
				t.Fatalf("Parse accepted non-base62 %q", c)
			}
		}
		if p.Secret().Reveal() != s || p.Hash() != sha256.Sum256([]byte(s)) {
			t.Fatal("Parsed does not hold the input")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	k := mustGenerate(b)
	for b.Loop() {
		if _, err := keys.Parse(k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := keys.Generate(); err != nil {
			b.Fatal(err)
		}
	}
}
