package pii

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// monthAt returns the length of an English month name at i: the full name,
// or a three-letter abbreviation with an optional '.'; 0 if there is none.
func (s *scanner) monthAt(i int) int {
	t := s.text
	if i >= len(t) || s.wordAt(i-1) {
		return 0
	}
	switch t[i] | 0x20 {
	case 'j', 'f', 'm', 'a', 's', 'o', 'n', 'd':
	default:
		return 0
	}
	var w [9]byte
	n := 0
	for i+n < len(t) && isAlpha(t[i+n]) {
		if n == len(w) {
			return 0
		}
		w[n] = t[i+n] | 0x20
		n++
	}
	if n < 3 || s.wordAt(i+n) {
		return 0
	}
	for _, m := range monthNames {
		if string(w[:n]) == m {
			return n
		}
	}
	if n == 3 {
		for _, m := range monthNames {
			if string(w[:3]) == m[:3] {
				if i+3 < len(t) && t[i+3] == '.' {
					return 4
				}
				return 3
			}
		}
	}
	return 0
}

func num(b []byte) int {
	v := 0
	for _, c := range b {
		v = v*10 + int(c-'0')
	}
	return v
}

// digitsAt returns the length of the digit run at i.
func (s *scanner) digitsAt(i int) int {
	j := i
	for j < len(s.text) && isDigit(s.text[j]) {
		j++
	}
	return j - i
}

func yearOK(y int) bool { return y >= 1800 && y <= 2199 }

// yearAt reports a four-digit plausible year at k that ends a number.
func (s *scanner) yearAt(k int) bool {
	t := s.text
	return k+4 <= len(t) && s.digitsAt(k) == 4 && yearOK(num([]byte(t[k:k+4]))) && s.endOK(k+4)
}

// dateNumeric tries a numeric date at the digit start i: 2024-03-15 (with
// an optional time), 15/03/2024, 3.15.2024.
func (s *scanner) dateNumeric(i int) {
	t := s.text
	e := s.groups(i, "-/.", 8)
	if len(s.gl) != 3 || !(s.endOK(e) || e+1 < len(t) && t[e] == 'T' && isDigit(t[e+1])) {
		return
	}
	g := s.gl
	a, b, c := num(s.ds[:g[0]]), num(s.ds[g[0]:g[0]+g[1]]), num(s.ds[g[0]+g[1]:])
	switch {
	case g[0] == 4 && g[1] <= 2 && g[2] <= 2 && yearOK(a) && b >= 1 && b <= 12 && c >= 1 && c <= 31:
		s.addDate(i, s.timeAfter(e))
	case g[0] <= 2 && g[1] <= 2 && g[2] == 4 && yearOK(c) && a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12) && s.endOK(e):
		s.addDate(i, e)
	}
}

// dateMonthName tries a date written with a month name around the day
// number at i: "15 March 2024", "15 Mar. 2024", "March 15, 2024".
func (s *scanner) dateMonthName(i int) {
	t := s.text
	d := s.digitsAt(i)
	if d == 0 || d > 2 {
		return
	}
	if day := num([]byte(t[i : i+d])); day < 1 || day > 31 {
		return
	}
	j := i + d
	if j+1 < len(t) && t[j] == ' ' {
		if m := s.monthAt(j + 1); m > 0 {
			k := j + 1 + m
			if k < len(t) && t[k] == ',' {
				k++
			}
			if k < len(t) && t[k] == ' ' && s.yearAt(k+1) {
				s.addDate(i, k+5)
				return
			}
		}
	}
	if i < 4 || t[i-1] != ' ' {
		return
	}
	we := i - 1 // end of the word before
	if t[we-1] == '.' {
		we--
	}
	ws := we
	for ws > 0 && isAlpha(t[ws-1]) {
		ws--
	}
	if ws == we || s.monthAt(ws) != i-1-ws {
		return
	}
	k := j
	if k < len(t) && t[k] == ',' {
		k++
	}
	if k < len(t) && t[k] == ' ' && s.yearAt(k+1) {
		s.addDate(ws, k+5)
	}
}

// addDate records a date: DATE_OF_BIRTH when a birth cue precedes it,
// DATE_TIME otherwise. Bare years and weekdays are never reported: on their
// own they identify no one.
func (s *scanner) addDate(start, end int) {
	if s.cue(start, 40, birthCues) {
		s.add(DateOfBirth, start, end, 0.85)
	} else {
		s.add(DateTime, start, end, 0.8)
	}
}

// timeAfter extends an ISO date ending at e over " 14:11:22", "T14:11",
// fractional seconds and a zone (Z, +07:00).
func (s *scanner) timeAfter(e int) int {
	t := s.text
	if e+6 > len(t) || (t[e] != ' ' && t[e] != 'T') {
		return e
	}
	j := e + 1
	if !(isDigit(t[j]) && isDigit(t[j+1]) && t[j+2] == ':' && isDigit(t[j+3]) && isDigit(t[j+4])) {
		return e
	}
	j += 5
	if j+3 <= len(t) && t[j] == ':' && isDigit(t[j+1]) && isDigit(t[j+2]) {
		j += 3
		if j+1 < len(t) && t[j] == '.' && isDigit(t[j+1]) {
			j++
			for j < len(t) && isDigit(t[j]) {
				j++
			}
		}
	}
	if j < len(t) && t[j] == 'Z' {
		j++
	} else if j+6 <= len(t) && (t[j] == '+' || t[j] == '-') && isDigit(t[j+1]) && isDigit(t[j+2]) && t[j+3] == ':' {
		j += 6
	}
	if s.wordAt(j) {
		return e
	}
	return j
}
