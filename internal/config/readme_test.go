package config

import (
	"os"
	"regexp"
	"testing"
)

// TestREADMEExamples keeps the configuration README.md shows true: every
// yaml block in it must load strictly and validate.
func TestREADMEExamples(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(data, -1)
	if len(blocks) < 3 {
		t.Fatalf("found %d yaml blocks in README.md, want the examples", len(blocks))
	}
	for i, b := range blocks {
		f, err := Parse("README.md", b[1])
		if err == nil {
			err = f.Validate()
		}
		if err != nil {
			t.Errorf("README yaml block %d: %v", i+1, err)
		}
	}
}
