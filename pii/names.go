package pii

// names finds PERSON, STREET_ADDRESS and LOCATION on a best-effort basis.
func (s *scanner) names() {}
