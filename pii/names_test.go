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
		{"street-unit", "Send it to 12 Oak Lane, Apt. 4 please", map[string]Type{"12 Oak Lane": StreetAddress, "Apt. 4": StreetAddress}},
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

// TestFindStreetAddress pins exactly which spans are reported as street
// addresses, for the address shapes found and for prose that must not be.
func TestFindStreetAddress(t *testing.T) {
	d := mustNew(t, Options{Types: []Type{StreetAddress}})
	tests := []struct {
		name string
		text string
		want []string // every StreetAddress span, in order
	}{
		{"us-suffix", "The shop is at 69 Farnell Street, next to the bank", []string{"69 Farnell Street"}},
		{"us-abbrev", "Drop it at 2450 Crown St. before noon", []string{"2450 Crown St."}},
		{"us-two-suffixes", "Turn at 100 Park Avenue and wait", []string{"100 Park Avenue"}},
		{"us-trailing-st", "Stop at 11 Botley Road St. please", []string{"11 Botley Road"}},
		{"us-unit-same-line", "Send it to 12 Oak Lane, Apt. 4 please", []string{"12 Oak Lane", "Apt. 4"}},
		{"us-unit-next-line", "Ship to:\n> 217 Lovers Lane\n> Suite 680\n> Thanks", []string{"217 Lovers Lane", "Suite 680"}},
		{"us-city-state-zip", "Mail it to 1600 Pennsylvania Avenue, Washington, DC 20500 today", []string{"1600 Pennsylvania Avenue, Washington, DC 20500"}},
		{"us-next-line-zip", "Please return to 742 Evergreen Terrace Apt. 2\nSPRINGFIELD, OR 97403 in case of an issue.", []string{"742 Evergreen Terrace Apt. 2\nSPRINGFIELD, OR 97403"}},
		{"tail-country", "It went to Hauptstraße 5, Berlin, Germany 10115 last week", []string{"Hauptstraße 5, Berlin, Germany 10115"}},
		{"tail-lines", "Address:\n14 Rue de Rivoli\n Paris\n France", []string{"14 Rue de Rivoli\n Paris\n France"}},
		{"tail-city-only", "She lives at 12 Calle Mayor 3, Madrid and likes it", []string{"Calle Mayor 3"}},
		{"uk", "He lives at 221 Baker Street now", []string{"221 Baker Street"}},
		{"german", "Wir wohnen in der Hauptstraße 5 seit Mai", []string{"Hauptstraße 5"}},
		{"french-number-first", "Rendez-vous au 29 Rue de Tanger demain", []string{"29 Rue de Tanger"}},
		{"french-lower", "chez moi, 36 rue de la Paix", []string{"36 rue de la Paix"}},
		{"prefix-stops-at-unit", "Go to 63 Avenue du Golf Suite 910 now", []string{"63 Avenue du Golf", "Suite 910"}},
		{"spanish", "Vivo en Calle Mayor 3, Madrid", []string{"Calle Mayor 3"}},
		{"italian", "La sede è in Via Roma 10", []string{"Via Roma 10"}},
		{"cue-no-street-word", "Kevin had given Alma his address: Harjukuja 54, Seinäjoki", []string{"Harjukuja 54"}},
		{"cue-two-words", "The bus station is on Pod Floriánem 1677", []string{"Pod Floriánem 1677"}},
		{"line-after-number", "Maria Lind\n\n20789 Allika 46\n Suite 501", []string{"Allika 46", "Suite 501"}},
		{"hungarian", "Az iroda a Rákóczi út 13. alatt van", []string{"Rákóczi út 13."}},
		{"norwegian-lower", "Vi bor i Kungs gata 4, Oslo", []string{"Kungs gata 4"}},
		{"avda", "Oficina en Avda. Rio Nalon 58, Soto", []string{"Avda. Rio Nalon 58"}},
		{"str-abbrev", "He lives at 136 Filadelfeos Str., Klirou", []string{"136 Filadelfeos Str."}},
		{"number-name-number", "Can you check the following? 51709 Spinatsch 94 Apt. 615", []string{"Spinatsch 94", "Apt. 615"}},
		{"po-box", "The bus station is on P.O. Box 104", []string{"P.O. Box 104"}},
		{"po-box-plain", "Write to PO Box 77, thanks", []string{"PO Box 77"}},
		{"military-psc", "Send it to PSC 4355, Box 4187\nAPO AP 28906 please", []string{"PSC 4355, Box 4187\nAPO AP 28906"}},
		{"military-unit", "Please return to Unit 4719 Box 7394\nDPO AE 70942 in case of an issue.", []string{"Unit 4719 Box 7394\nDPO AE 70942"}},
		{"military-ship", "I'll meet you at USS Constitution\nFPO AA 34090 after the concert.", []string{"USS Constitution\nFPO AA 34090"}},

		{"miles-road", "I walked 5 miles down the road to the Main Street market", nil},
		{"version-way", "Version 2 Way forward is the plan", nil},
		{"saint", "We met on 3 St. Patrick's Day", nil},
		{"number-st", "The bus drops you off at Nieuwe Baan. 473 St. is closed", nil},
		{"name-number-no-cue", "He scored in Game 7 and Windows 10 crashed", nil},
		{"cue-product", "The device is on Windows 10 and it works", nil},
		{"unit-alone", "Unit 4 covers fractions; see Suite 2 of the score", nil},
		{"chapter-verse", "Read Chapter 3 Verse 16, then pray", nil},
		{"year-product", "We met in 2019 Windows 10, sadly", nil},
		{"gate-lower", "Meet me at Terminal gate 5, ok", nil},
		{"po-not-box", "The PO number is 12345", nil},
		{"short-words-at-end", "see u", nil},
		{"p-at-end", "plan p", nil},
		{"military-incomplete", "PSC 4355, Box 4187 is the form code", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range d.Find(tt.text) {
				if e.Type == StreetAddress {
					got = append(got, tt.text[e.Start:e.End])
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Find(%q) street addresses = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
