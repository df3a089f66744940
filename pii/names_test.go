package pii

import (
	"strings"
	"testing"
)

func TestFindBestEffort(t *testing.T) {
	d := mustNew(t, Options{Types: []Type{Person, StreetAddress, Location}})
	tests := []struct {
		name string
		text string
		want map[string]Type // value → type expected among the results
	}{
		{"my-name-is", "Hello, my name is Anna Berg and I need help", map[string]Type{"Anna Berg": Person}},
		{"my-name-is-lower", "my name is borna jerković but everyone calls me borna", map[string]Type{"borna jerković": Person}},
		{"title", "Please ask Mr. Marcin Wiśniewski to call", map[string]Type{"Marcin Wiśniewski": Person}},
		{"initial", "Stefanía K. Oddgeirsdóttir will be talking", map[string]Type{"Stefanía K. Oddgeirsdóttir": Person}},
		{"particle", "I spoke with Willemine ten Pas yesterday", map[string]Type{"Willemine ten Pas": Person}},
		{"possessive", "I read Åsa Laine's report", map[string]Type{"Åsa Laine": Person}},
		{"subject", "Kevin had given Alma his keys", map[string]Type{"Kevin": Person}},
		{"street-suffix", "The shop is at 69 Farnell Street, next to the bank", map[string]Type{"69 Farnell Street": StreetAddress}},
		{"street-unit", "Send it to 12 Oak Lane, Apt. 4 please", map[string]Type{"12 Oak Lane, Apt. 4": StreetAddress}},
		{"street-ending", "The bus station is on Villacher Strasse 89", map[string]Type{"Villacher Strasse 89": StreetAddress}},
		{"street-compound", "We live at Parijsstraat 8 now", map[string]Type{"Parijsstraat 8": StreetAddress}},
		{"street-prefix", "Meet me at Rue de la Gare 12 tomorrow", map[string]Type{"Rue de la Gare 12": StreetAddress}},
		{"country", "I'm originally from Iceland", map[string]Type{"Iceland": Location}},
		{"country-pair", "She moved to New Zealand last year", map[string]Type{"New Zealand": Location}},
		{"place-cue", "Telenav is a design agency based in Kulusuk.", map[string]Type{"Kulusuk": Location}},
		{"place-cue-upper", "I'm in ÖSTERSKÄR, at the conference", map[string]Type{"ÖSTERSKÄR": Location}},
		{"no-names", "The quarterly review covered fourteen projects. Revenue grew.", nil},
		{"org-not-person", "They work at Allstate Insurance Group in town", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]Type{}
			for _, e := range d.Find(tt.text) {
				got[tt.text[e.Start:e.End]] = e.Type
			}
			for v, typ := range tt.want {
				if got[v] != typ {
					t.Errorf("Find = [%s], want %s at %d-%d", describe(d.Find(tt.text)), typ, strings.Index(tt.text, v), strings.Index(tt.text, v)+len(v))
				}
			}
			if tt.want == nil && len(got) > 0 {
				t.Errorf("Find = [%s], want none", describe(d.Find(tt.text)))
			}
		})
	}
}
