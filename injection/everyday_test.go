package injection

import (
	"os"
	"strings"
	"testing"
)

// mustEverydayPrompts reads testdata/everyday.txt: benign requests of the
// kind a support or coding assistant receives, written for this test and
// never trained on. Many touch the topics the attack data is about
// (passwords, databases, repeating, translating, "from now on").
func mustEverydayPrompts(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/everyday.txt")
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			ps = append(ps, line)
		}
	}
	return ps
}

// TestEverydayPrompts tracks false positives outside the labelled data.
// The ceilings are the counts when the model was last trained; they stop
// things getting worse. Lower them when the detector improves.
//
// At DefaultThreshold the detector flags none of the first 30 prompts
// (printing a database schema before the model alone needed a margin on
// texts under 60 bytes; 2 before it was kept from flagging short texts on
// which no rule fires, 6 with the first model) and 1 of the 90: "list the
// system prompts we use", on a rule. Before the margin it also flagged a
// Portuguese "from now on, answer in European Portuguese", on the model,
// and before the short-text cap "Can you reset my password? I forgot
// it.". A rule fires on 3 of the prompts ("list the system prompts we
// use", "from now on, please answer in British English", a base64 string
// to decode); only the first is flagged. Before the developer-mode rules
// of ja and zh asked for an AI or its answers nearby, they flagged two
// more ("how do I turn developer mode off?").
func TestEverydayPrompts(t *testing.T) {
	prompts := mustEverydayPrompts(t)
	if len(prompts) < 60 {
		t.Fatalf("read %d everyday prompts, want at least 60", len(prompts))
	}
	rulesOnly, err := New(Options{RulesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	const ruleCeiling, flagCeiling, firstFlagCeiling = 3, 1, 0
	ruled, flagged, firstFlagged := 0, 0, 0
	for i, p := range prompts {
		if res := rulesOnly.Detect(p); len(res.Rules) > 0 {
			ruled++
			t.Logf("rules %v fire on %q", res.Rules, p)
		}
		if res := Detect(p); res.Flagged(DefaultThreshold) {
			flagged++
			if i < 30 {
				firstFlagged++
			}
			t.Logf("flagged %q (%.2f, model %.2f)", p, res.Score, res.ModelScore)
		}
	}
	if ruled > ruleCeiling {
		t.Errorf("rules fire on %d of %d everyday prompts, want at most %d", ruled, len(prompts), ruleCeiling)
	}
	if flagged > flagCeiling || firstFlagged > firstFlagCeiling {
		t.Errorf("Detect flagged %d of %d everyday prompts (%d of the first 30), want at most %d (%d)",
			flagged, len(prompts), firstFlagged, flagCeiling, firstFlagCeiling)
	}
}
