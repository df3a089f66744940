package secretscan_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/aigate-dev/aigate/secretscan"
)

func Example() {
	// A fake key generated for the example: never put a real one in code.
	r, _ := secretscan.Default().Rule("aigate-key")
	key := r.Example(rand.New(rand.NewPCG(1, 2)))

	prompt := "my key is " + key + ", why do I get 401?"
	for _, m := range secretscan.Default().ScanString(prompt) {
		fmt.Println(m.RuleID, m.Start, m.End-m.Start)
	}
	// Output: aigate-key 10 50
}
