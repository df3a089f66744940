package gateway

// Finding is one guard decision about a request or its response, recorded
// as metadata only: which guard, which rule or entity type, how many times,
// what was done. It never holds the matched text, so findings can go to the
// access log and to metrics as they are.
type Finding struct {
	Guard  string  `json:"guard"`           // "injection", "secrets", "pii", "system", "markers", "canary", "output_pii", "output_secrets", "fields"
	Rule   string  `json:"rule"`            // rule family, secret rule id or entity type, e.g. "EMAIL"
	Action string  `json:"action"`          // what was done: "block", "flag", "redact", "pseudonymize", "strip", "neutralize", …
	Count  int     `json:"count"`           // occurrences
	Score  float64 `json:"score,omitempty"` // detector score, where there is one
}

// AddFinding records f, merging it into an earlier finding with the same
// guard, rule and action (counts add up, the higher score stays). Guards and
// the relay call it from the one goroutine serving the request.
func (r *Request) AddFinding(f Finding) {
	for i := range r.Findings {
		g := &r.Findings[i]
		if g.Guard == f.Guard && g.Rule == f.Rule && g.Action == f.Action {
			g.Count += f.Count
			g.Score = max(g.Score, f.Score)
			return
		}
	}
	if r.Findings == nil {
		// Most requests that have one finding get a few more (one per
		// guard); start with room for them instead of growing 1, 2, 4.
		r.Findings = make([]Finding, 0, 4)
	}
	r.Findings = append(r.Findings, f)
}
