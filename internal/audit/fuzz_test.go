package audit

import (
	"bytes"
	"testing"

	"github.com/aigate-dev/aigate/secretscan"
)

// FuzzCheck runs every check over arbitrary text under a few kinds of path:
// no panic, and every finding placed inside the text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`client = OpenAI(api_key="a1b2c3d4e5f6g7h8i9")`,
		"system_prompt = f\"hi {user_input}\"\nprint(f\"{api_key}\")",
		"fetch(`/v1?key=${apiKey}`)", "NEXT_PUBLIC_OPENAI_API_KEY=x", "\"\\\"{${",
	} {
		f.Add(s)
	}
	d := detector{sc: secretscan.Default()}
	f.Fuzz(func(t *testing.T, text string) {
		lines := bytes.Count([]byte(text), []byte("\n")) + 1
		for _, p := range []string{"a.py", "b.ts", "c.go", ".env", "dist/x.js", "n.ipynb"} {
			for _, fd := range d.check(Fragment{Path: p, Data: []byte(text)}) {
				if fd.Line < 0 || fd.Line > lines {
					t.Fatalf("%s: finding at line %d of %d", p, fd.Line, lines)
				}
			}
		}
	})
}

// FuzzParseDiff feeds arbitrary text to the diff parser: no panic, and
// line maps as long as the data they describe.
func FuzzParseDiff(f *testing.F) {
	f.Add("commit 0123456789012345678901234567890123456789\ndiff --git a/x b/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n")
	f.Add("diff --git \"a/\\303\\251\" \"b/\\303\\251\"\nBinary files /dev/null and b/x differ\n")
	f.Fuzz(func(t *testing.T, text string) {
		parseDiff(bytes.NewReader([]byte(text)), "", func(fr Fragment, err error) bool {
			if fr.Data != nil && bytes.Count(fr.Data, []byte("\n")) != len(fr.Lines) {
				t.Fatalf("fragment %q: %d lines, %d line numbers", fr.Path, bytes.Count(fr.Data, []byte("\n")), len(fr.Lines))
			}
			return true
		})
	})
}
