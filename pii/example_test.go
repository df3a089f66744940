package pii_test

import (
	"fmt"

	"github.com/aigate-dev/aigate/pii"
)

func Example() {
	d, err := pii.New(pii.Options{Types: pii.StructuredTypes()})
	if err != nil {
		panic(err)
	}
	policy := pii.Policy{Default: pii.Redact, Types: map[pii.Type]pii.Action{
		pii.Email: pii.Pseudonymize,
		pii.Phone: pii.Mask,
	}}

	r := pii.NewRedactor(d) // one per request
	prompt, report := r.Apply("Mail ana@example.com or call +1 201-555-0123 from 10.0.0.7", policy)
	fmt.Println(prompt)
	fmt.Println(report.Counts[pii.Email], report.Counts[pii.Phone], report.IsBlocked())

	// The model's answer streams back in chunks; placeholders may be split.
	rs := r.Vault().NewRestorer()
	out := rs.Next("Sure, I will write to <EMA") + rs.Next("IL_1> today.") + rs.Close()
	fmt.Println(out)
	// Output:
	// Mail <EMAIL_1> or call +* ***-***-0123 from [IP_ADDRESS]
	// 1 1 false
	// Sure, I will write to ana@example.com today.
}

// ApplyEdits says where each replacement went, for a caller that writes
// them into another form of the text.
func ExampleRedactor_ApplyEdits() {
	d, err := pii.New(pii.Options{Types: pii.StructuredTypes()})
	if err != nil {
		panic(err)
	}
	text := `{"to": "ana@example.com", "phone": 14155550100, "sent": 1700000000}`
	out, edits, _ := pii.NewRedactor(d).ApplyEdits(text, pii.Policy{Default: pii.Pseudonymize})
	fmt.Println(out)
	for _, e := range edits {
		fmt.Println(e.Type, e.Start, e.End, e.New)
	}
	// Output:
	// {"to": "<EMAIL_1>", "phone": <PHONE_1>, "sent": 1700000000}
	// EMAIL 8 23 <EMAIL_1>
	// PHONE 35 46 <PHONE_1>
}
