package gateway

// Span is a range of [Request.Raw]: Raw[Start:End].
type Span struct{ Start, End int }

// Within reports whether t lies inside s.
func (s Span) Within(t *Text) bool { return s.Start <= t.Start && t.End <= s.End }
