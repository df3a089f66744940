package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The best-effort types use no model and no name list: only cues and word
// shapes, in one left-to-right pass over the words of the text.
//
//   - PERSON: a run of one to four capitalised words (Unicode-aware, with
//     initials such as "R." and particles such as "van", "de") that follows
//     a cue ("my name is", "name:", "I'm", "Mr.", "Dr.", "dear", "hi", "ask",
//     "with", "by", …), or a run of two or more capitalised words that is not
//     at the start of a sentence, or that starts a line or sentence and is
//     followed by a lower-case verb-like word. After "my name is" and "name:"
//     lower-case words count too. Runs containing organisation, street or
//     place words, or a known country, are not persons.
//   - STREET_ADDRESS: a house number followed by up to four capitalised
//     words ending in a street suffix (Street, St., Avenue, Road, Lane, …)
//     after at least one name word; a word ending in a European street
//     suffix (-straße, -strasse, -weg, -straat, -gatan, -vägen, -katu, -vej,
//     -gade, -utca) followed by a number, or a lower-case street word
//     ("út", "tér", "gata") and a number after the name; a street prefix (Rue, Via, Calle,
//     Avenida, Rua, ul.) with the capitalised words and number after it, or
//     with a house number before it ("29 rue de Tanger"); one to three
//     capitalised words and a house number after an address cue ("lives
//     at", "address:") or after a building number that starts a line or
//     follows "at", "in", "on", "to" or punctuation; PO boxes
//     and US military addresses (PSC/Unit … Box …, APO/FPO/DPO AA/AE/AP and
//     a ZIP code). "Apt. 12", "Suite 4" after the street, on the same or the
//     next line, are spans of their own, unless a city, region code,
//     postcode or country tail closes the address: then it is one span.
//   - LOCATION: a country name (from a built-in list), or capitalised words
//     after a place cue ("from", "based in", "live in", "moved to", "I'm in",
//     "located in", "visit", …).
//
// Expect modest precision and recall: the evaluation in internal/eval says
// how modest.

type word struct {
	s, e    int
	title   bool // first rune upper case, some later rune lower case
	lower   bool // all lower case
	upper   bool // all upper case, two runes or more
	initial bool // a single upper-case letter
}

// nextWord returns the word starting at or after i, or ok=false.
func (s *scanner) nextWord(i int) (w word, ok bool) {
	t := s.text
	for i < len(t) {
		c := t[i]
		if c < utf8.RuneSelf {
			if isAlpha(c) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(t[i:])
		if unicode.IsLetter(r) {
			break
		}
		i += n
	}
	if i >= len(t) {
		return w, false
	}
	w.s = i
	first := true
	nUpper, nLower, n := 0, 0, 0
	for i < len(t) {
		c := t[i]
		if isLower(c) {
			nLower++
			n++
			first = false
			i++
			continue
		}
		if isUpper(c) {
			if first {
				w.title = true
			}
			nUpper++
			n++
			first = false
			i++
			continue
		}
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(t[i:])
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			if unicode.IsUpper(r) {
				if first {
					w.title = true
				}
				nUpper++
			} else {
				nLower++
			}
			first = false
			n++
			i += size
			continue
		case (c == '\'' || c == '-') && i+1 < len(t) && isAlpha(t[i+1]):
			if c == '\'' && (t[i+1]|0x20) == 's' && !s.wordAt(i+2) {
				break // possessive: "Laine's" is the word "Laine"
			}
			i++
			continue
		}
		break
	}
	w.e = i
	w.initial = n == 1 && nUpper == 1
	w.title = w.title && nLower > 0
	w.lower = nUpper == 0
	w.upper = nLower == 0 && n >= 2
	return w, true
}

// lowerWord returns the word in lower case, or "" for words over 16 bytes
// (no cue, stop word or suffix is that long).
func (s *scanner) lowerWord(w word) string {
	if w.e-w.s > 16 {
		return ""
	}
	return strings.ToLower(s.text[w.s:w.e]) // allocates only if w has upper case
}

// endsWithCue reports whether the text before i ends, ASCII
// case-insensitively, with one of cues followed by optional spaces.
func (s *scanner) endsWithCue(i int, cues []string) (string, bool) {
	t := s.text
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '\t') {
		j--
	}
	if j == i && i > 0 && t[i-1] != '\n' {
		return "", false
	}
	if j == 0 {
		return "", false
	}
	last := t[j-1]
	if isUpper(last) {
		last += 'a' - 'A'
	}
	for _, c := range cues {
		if j >= len(c) && c[len(c)-1] == last && strings.EqualFold(t[j-len(c):j], c) && !s.wordAt(j-len(c)-1) {
			return c, true
		}
	}
	return "", false
}

var (
	personStrongCues = []string{"my name is", "name is", "name:", "names:", "i'm", "i am", "im", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "dr.", "dr", "prof.", "dear", "signed", "regards,", "sincerely,", "named", "called", "call me", "last name?", "first name?", "name?", "this is", "partner's name", "speak to", "talk to", "spoke with", "spoke to"}
	personLowerCues  = []string{"my name is", "name is", "name:", "last name?", "first name?", "name?"}
	personWeakCues   = []string{"hi", "hello", "hey", "thanks", "thank you", "with", "by", "ask", "add", "meet", "met", "tell", "told", "contact", "follow up with", "heard", "under", "for", "to", "from", "and", "cc", "love", "miss you"}
	placeCues        = []string{"from", "based in", "live in", "lives in", "living in", "lived in", "moved to", "move to", "i'm in", "im in", "located in", "visit", "visiting", "trip to", "travel to", "flew to", "city of", "born in", "grew up in", "office in", "near", "serving southern", "serving northern", "serving eastern", "serving western", "serving"}
	streetSuffixes   = map[string]bool{"street": true, "st": true, "avenue": true, "ave": true, "road": true, "rd": true, "boulevard": true, "blvd": true, "lane": true, "ln": true, "drive": true, "dr": true, "court": true, "ct": true, "way": true, "place": true, "pl": true, "terrace": true, "circle": true, "highway": true, "hwy": true, "parkway": true, "pkwy": true, "square": true, "sq": true, "str": true, "loop": true, "trail": true, "crescent": true, "close": true, "grove": true, "gardens": true, "row": true, "alley": true, "plaza": true, "pike": true, "points": true, "ridge": true, "heights": true, "park": true}
	streetEndings    = []string{"straße", "strasse", "str.", "weg", "straat", "laan", "gracht", "gatan", "vägen", "vagen", "veien", "vej", "gade", "katu", "tie", "utca", "ulica", "allee", "platz", "ring", "gasse", "steig"}
	streetPrefixes   = map[string]bool{"avda": true, "rue": true, "via": true, "calle": true, "avenida": true, "rua": true, "ul": true, "ulica": true, "viale": true, "piazza": true, "chemin": true, "boulevard": true, "avenue": true, "camino": true, "carrer": true, "plac": true}
	unitWords        = []string{"apt.", "apt", "suite", "unit", "flat", "floor", "ste."}
	notNameWords     = map[string]bool{"the": true, "a": true, "an": true, "i": true, "we": true, "you": true, "he": true, "she": true, "it": true, "they": true, "this": true, "that": true, "these": true, "my": true, "our": true, "your": true, "his": true, "her": true, "if": true, "in": true, "on": true, "at": true, "to": true, "of": true, "for": true, "and": true, "or": true, "but": true, "so": true, "what": true, "when": true, "where": true, "who": true, "why": true, "how": true, "is": true, "are": true, "was": true, "can": true, "could": true, "would": true, "will": true, "please": true, "hi": true, "hello": true, "dear": true, "thanks": true, "yes": true, "no": true, "ok": true, "not": true, "just": true, "also": true, "there": true, "here": true, "all": true, "as": true, "do": true, "did": true, "have": true, "has": true, "be": true, "with": true, "by": true, "from": true, "about": true, "after": true, "before": true, "during": true, "since": true, "until": true, "while": true, "new": true, "good": true, "great": true, "best": true, "happy": true, "one": true, "two": true, "first": true, "last": true, "next": true, "mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "madam": true, "name": true, "phone": true, "email": true, "e-mail": true, "address": true, "date": true, "website": true, "personal": true, "info": true, "office": true, "fax": true, "suite": true, "apt": true, "unit": true, "box": true, "god": true, "lol": true, "rt": true, "re": true, "fw": true, "fwd": true, "note": true, "today": true, "tomorrow": true, "yesterday": true, "tonight": true, "christmas": true, "easter": true, "english": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true, "january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true, "im": true, "i'm": true, "let's": true, "it's": true, "that's": true, "don't": true, "get": true, "go": true, "my's": true, "need": true, "want": true, "like": true, "love": true, "see": true, "check": true, "follow": true, "watch": true, "read": true, "via": true, "rue": true, "calle": true}
	orgWords         = map[string]bool{"inc": true, "ltd": true, "llc": true, "corp": true, "corporation": true, "company": true, "co": true, "group": true, "bank": true, "university": true, "college": true, "school": true, "hospital": true, "orchestra": true, "club": true, "weekly": true, "times": true, "news": true, "partners": true, "systems": true, "services": true, "solutions": true, "insurance": true, "capital": true, "foundation": true, "institute": true, "association": true, "agency": true, "department": true, "ministry": true, "council": true, "church": true, "museum": true, "airport": true, "station": true, "hotel": true, "restaurant": true, "cafe": true, "center": true, "centre": true, "street": true, "avenue": true, "road": true, "city": true, "county": true, "state": true, "river": true, "lake": true, "mountain": true, "island": true, "north": true, "south": true, "east": true, "west": true, "northern": true, "southern": true, "eastern": true, "western": true, "american": true, "british": true, "european": true, "national": true, "international": true, "global": true, "united": true, "boogie": true, "snake": true, "tube": true, "entertainment": true, "guilty": true, "pleasures": true, "musicians": true,
		"tower": true, "deck": true, "theater": true, "theatre": true, "transit": true, "market": true, "markets": true, "route": true, "pass": true, "gateway": true, "port": true, "streets": true, "st": true, "memoranda": true, "orders": true, "movies": true, "community": true, "observatory": true, "labs": true, "house": true, "hall": true, "library": true, "studio": true, "studios": true, "records": true, "media": true, "network": true, "tv": true, "press": true, "review": true, "motors": true, "industries": true, "technologies": true, "technology": true, "software": true, "pharmaceuticals": true, "airlines": true, "holdings": true, "enterprises": true, "consulting": true, "associates": true, "brothers": true, "trust": true, "fund": true, "park": true, "square": true, "bridge": true, "castle": true, "palace": true, "beach": true, "valley": true, "mount": true, "bay": true, "coast": true, "county's": true, "district": true, "province": true, "region": true, "kingdom": true, "republic": true, "empire": true, "federation": true, "league": true, "cup": true, "festival": true, "awards": true, "series": true, "season": true, "show": true, "game": true, "games": true, "app": true, "store": true, "mall": true, "day": true, "week": true, "year": true}
)

// countries is the gazetteer for LOCATION (English short names, lower case).
var countries = map[string]bool{
	"new zealand": true, "united kingdom": true, "united states": true, "south africa": true, "south korea": true, "north korea": true,
	"saudi arabia": true, "sri lanka": true, "costa rica": true, "el salvador": true, "czech republic": true, "hong kong": true,
	"puerto rico": true, "dominican republic": true, "ivory coast": true, "east timor": true, "papua new": true, "sierra leone": true,
	"afghanistan": true, "albania": true, "algeria": true, "america": true, "andorra": true, "angola": true,
	"argentina": true, "armenia": true, "australia": true, "austria": true, "azerbaijan": true, "bahamas": true,
	"bahrain": true, "bangladesh": true, "barbados": true, "belarus": true, "belgium": true, "belize": true,
	"benin": true, "bhutan": true, "bolivia": true, "bosnia": true, "botswana": true, "brazil": true,
	"britain": true, "brunei": true, "bulgaria": true, "burundi": true, "cambodia": true, "cameroon": true,
	"canada": true, "chad": true, "chile": true, "china": true, "colombia": true, "comoros": true,
	"congo": true, "croatia": true, "cuba": true, "cyprus": true, "czechia": true, "denmark": true,
	"djibouti": true, "dominica": true, "ecuador": true, "egypt": true, "england": true, "eritrea": true,
	"estonia": true, "eswatini": true, "ethiopia": true, "fiji": true, "finland": true, "france": true,
	"gabon": true, "gambia": true, "georgia": true, "germany": true, "ghana": true, "greece": true,
	"greenland": true, "grenada": true, "guatemala": true, "guinea": true, "guyana": true, "haiti": true,
	"holland": true, "honduras": true, "hungary": true, "iceland": true, "india": true, "indonesia": true,
	"iran": true, "iraq": true, "ireland": true, "israel": true, "italy": true, "jamaica": true,
	"japan": true, "jordan": true, "kazakhstan": true, "kenya": true, "kiribati": true, "korea": true,
	"kosovo": true, "kuwait": true, "kyrgyzstan": true, "laos": true, "latvia": true, "lebanon": true,
	"lesotho": true, "liberia": true, "libya": true, "liechtenstein": true, "lithuania": true, "luxembourg": true,
	"madagascar": true, "malawi": true, "malaysia": true, "maldives": true, "mali": true, "malta": true,
	"mauritania": true, "mauritius": true, "mexico": true, "micronesia": true, "moldova": true, "monaco": true,
	"mongolia": true, "montenegro": true, "morocco": true, "mozambique": true, "myanmar": true, "namibia": true,
	"nauru": true, "nepal": true, "netherlands": true, "nicaragua": true, "niger": true, "nigeria": true,
	"norway": true, "oman": true, "pakistan": true, "palau": true, "palestine": true, "panama": true,
	"paraguay": true, "peru": true, "philippines": true, "poland": true, "portugal": true, "qatar": true,
	"romania": true, "russia": true, "rwanda": true, "samoa": true, "scotland": true, "senegal": true,
	"serbia": true, "seychelles": true, "singapore": true, "slovakia": true, "slovenia": true, "somalia": true,
	"spain": true, "sudan": true, "suriname": true, "sweden": true, "switzerland": true, "syria": true,
	"taiwan": true, "tajikistan": true, "tanzania": true, "thailand": true, "togo": true, "tonga": true,
	"tunisia": true, "turkey": true, "turkmenistan": true, "tuvalu": true, "uganda": true, "uk": true,
	"ukraine": true, "uruguay": true, "usa": true, "uzbekistan": true, "vanuatu": true, "venezuela": true,
	"vietnam": true, "wales": true, "yemen": true, "zambia": true, "zimbabwe": true,
}

// names is the word pass for PERSON, STREET_ADDRESS and LOCATION.
func (s *scanner) names() {
	t := s.text
	var ws [6]word // the current run of candidate words
	for i := 0; i < len(t); {
		w, ok := s.nextWord(i)
		if !ok {
			return
		}
		i = w.e
		// Street prefix: "Rue de la Gare 12", "Via Roma 5", "ul. Biskupa 118".
		// Box addresses: "PO Box 12", "PSC 4355, Box 4187\nAPO AP 28906".
		if !w.lower && (t[w.s] == 'P' || t[w.s] == 'U') && s.boxWord(w) {
			if e := s.boxAddress(w); e > 0 {
				i = e
				continue
			}
		}
		// "29 Rue de Tanger", "36 rue de la Paix": the number comes first.
		// Of the lower-case prefixes only French "rue" is tried: the check
		// runs on every word.
		if w.title && streetPrefixes[string(s.lowerBuf(w))] || w.lower && w.e-w.s == 3 && t[w.s:w.e] == "rue" || w.e-w.s == 2 && t[w.s] == 'u' && t[w.s+1] == 'l' && w.e < len(t) && t[w.e] == '.' {
			num := s.numberBefore(w.s)
			if w.title || num >= 0 {
				if e, numbered := s.streetTail(w.e); e > w.e {
					start := w.s
					if !numbered && num >= 0 {
						start = num
					}
					if numbered || num >= 0 {
						s.addStreet(start, e, 0.55)
					}
					i = e
					continue
				}
			}
		}
		if w.upper && !w.title {
			// "based in NAANTALI", "I'm in ΠΑΦΟΣ": upper-case place after a cue.
			if _, ok := s.endsWithCue(w.s, placeCues); ok && !s.wordAt(w.e) {
				s.add(Location, w.s, w.e, 0.5)
			}
			continue
		}
		if !w.title && !(w.lower && s.lowerNameCue(w.s)) {
			continue
		}
		// Collect a run of capitalised words (with initials and particles).
		n := 0
		ws[n] = w
		n++
		end := w.e
		for n < len(ws) {
			j := end
			if j < len(t) && t[j] == '.' && ws[n-1].initial { // initial "R."
				j++
				end = j
			}
			if j >= len(t) || t[j] != ' ' {
				break
			}
			nw, ok := s.nextWord(j)
			if !ok || nw.s != j+1 {
				break
			}
			particle := nw.lower && nameParticles[s.lowerWord(nw)] && s.titleAfter(nw.e)
			if !(nw.title || nw.initial || particle || w.lower && nw.lower && s.lowerNameCue(w.s) && !notNameWords[s.lowerWord(nw)]) {
				break
			}
			ws[n] = nw
			n++
			end = nw.e
		}
		i = end
		s.classifyRun(ws[:n], end)
	}
}

var nameParticles = map[string]bool{"van": true, "von": true, "de": true, "der": true, "den": true, "ten": true, "ter": true, "da": true, "di": true, "du": true, "le": true, "la": true, "del": true, "della": true, "dos": true, "das": true, "bin": true, "ibn": true, "al": true, "el": true}

// titleAfter reports a capitalised word right after " " at e.
func (s *scanner) titleAfter(e int) bool {
	if e+1 >= len(s.text) || s.text[e] != ' ' {
		return false
	}
	w, ok := s.nextWord(e + 1)
	return ok && w.s == e+1 && w.title
}

// lowerNameCue reports a cue after which a lower-case name is expected.
func (s *scanner) lowerNameCue(i int) bool {
	j := i
	for j > 0 && s.text[j-1] == ' ' {
		j--
	}
	if j == 0 || (s.text[j-1]|0x20) != 's' && s.text[j-1] != ':' && s.text[j-1] != '?' {
		return false
	}
	_, ok := s.endsWithCue(i, personLowerCues)
	return ok
}

// lowerBuf returns w in lower case in a scratch buffer that the next call
// overwrites; map lookups with string(b) do not allocate.
func (s *scanner) lowerBuf(w word) []byte {
	s.lw = s.lw[:0]
	if w.e-w.s > 24 {
		return s.lw
	}
	for _, r := range s.text[w.s:w.e] {
		s.lw = utf8.AppendRune(s.lw, unicode.ToLower(r))
	}
	return s.lw
}

// wordInfo caches what the word lists say about one word of a run.
type wordInfo struct {
	org, country, notName, suffix, ending, endingWord bool
}

func (s *scanner) info(w word) wordInfo {
	b := s.lowerBuf(w)
	in := wordInfo{org: orgWords[string(b)], country: countries[string(b)], notName: notNameWords[string(b)], suffix: streetSuffixes[string(b)]}
	for _, suf := range streetEndings {
		if len(b) > len(suf)+2 && string(b[len(b)-len(suf):]) == suf {
			in.ending = true
		}
		if string(b) == suf {
			in.endingWord = true
		}
	}
	return in
}

// countryPair reports a two-word country name such as "New Zealand".
func (s *scanner) countryPair(a, b word) bool {
	if b.e-a.s > 40 {
		return false
	}
	var buf [48]byte
	k := append(buf[:0], s.lowerBuf(a)...)
	k = append(k, ' ')
	k = append(k, s.lowerBuf(b)...)
	return countries[string(k)]
}

func (s *scanner) classifyRun(run []word, end int) {
	t := s.text
	start := run[0].s
	// The commonest run by far: one capitalised word opening a sentence
	// ("The", "Revenue"). Only a country, a street word or "Kevin had …"
	// can make it an entity, so skip the cue checks.
	if len(run) == 1 && !run[0].lower && s.sentenceStart(start) && !(end+1 < len(t) && t[end] == ' ' && isDigit(t[end+1]) && s.addressCue(start)) {
		in := s.info(run[0])
		switch {
		case in.country:
			s.add(Location, run[0].s, run[0].e, 0.7)
		case in.ending:
			if e := s.numberAfter(run[0].e); e > 0 {
				s.addStreet(run[0].s, e, 0.6)
			}
		case in.notName || in.org:
		case s.auxAfter(end):
			s.add(Person, start, end, 0.4)
		default:
			if _, ok := s.endsWithCue(start, personStrongCues); ok {
				s.add(Person, start, end, 0.75)
			}
		}
		return
	}
	var infoBuf [6]wordInfo
	infos := infoBuf[:len(run)]
	hasOrg, hasCountry := false, false
	for k, w := range run {
		infos[k] = s.info(w)
		hasOrg = hasOrg || infos[k].org
		hasCountry = hasCountry || infos[k].country
	}
	// European street word followed by a number: "Parijsstraat 8".
	for k := range run {
		if infos[k].ending || infos[k].endingWord && k > 0 {
			if e := s.numberAfter(run[k].e); e > 0 {
				s.addStreet(run[0].s, e, 0.6)
				return
			}
		}
	}
	// A lower-case street word between the name and the number:
	// "Erzsébet tér 19.", "Rákóczi út 13.", "Kungs gata 4".
	if len(run) <= 3 {
		if e := s.streetWordAfter(end); e > 0 {
			s.addStreet(start, e, 0.55)
			return
		}
	}
	// Street name and house number with no street word ("Harjukuja 54",
	// "Pod Floriánem 1677"), taken only right after an address cue ("lives
	// at", "address:") or as a line of its own after a building number.
	if len(run) <= 3 && end+1 < len(t) && t[end] == ' ' && isDigit(t[end+1]) && !hasOrg && !hasCountry && !infos[0].notName {
		if e := s.numberAfter(end); e > 0 && e-end <= 5 && s.lineEndAfter(e) || e > 0 && e+1 < len(t) && t[e] == ' ' && s.unitAt(e+1) > 0 {
			cue := false
			if b := s.numberBefore(start); b >= 0 {
				cue = s.lineStart(b) || s.addressCue(b) || s.numberCue(b)
			} else {
				cue = s.addressCue(start)
			}
			if cue {
				s.addStreet(start, e, 0.5)
				return
			}
		}
	}
	// House number before the run and a street suffix in it: "69 Farnell Street".
	// The suffix must follow a name ("3 St. Patrick's", "Version 2 Way"
	// are not streets), and a trailing "St." after a full suffix word is
	// not a second one ("11 Botley Road St.").
	if num := s.numberBefore(start); num >= 0 {
		for k := len(run) - 1; k >= 1; k-- {
			if infos[k].suffix {
				if k >= 2 && infos[k-1].suffix && run[k].e-run[k].s == 2 {
					k--
				}
				e := run[k].e
				if e < len(t) && t[e] == '.' {
					e++
				}
				s.addStreet(num, e, 0.6)
				return
			}
		}
	}
	for k := 0; k+1 < len(run) && len(run) <= 3; k++ {
		if s.countryPair(run[k], run[k+1]) {
			s.add(Location, run[k].s, run[k+1].e, 0.7)
			return
		}
	}
	if hasCountry && len(run) <= 2 {
		for k := range run {
			if infos[k].country {
				s.add(Location, run[k].s, run[k].e, 0.7)
			}
		}
		return
	}
	if _, ok := s.endsWithCue(start, placeCues); ok && !hasOrg && len(run) <= 3 && !infos[0].notName {
		s.add(Location, start, end, 0.5)
		return
	}
	if hasOrg {
		return
	}
	// Trim leading words that cannot be part of a name.
	for len(run) > 0 && infos[0].notName {
		run, infos = run[1:], infos[1:]
	}
	for len(run) > 0 && infos[len(infos)-1].notName {
		run, infos = run[:len(run)-1], infos[:len(infos)-1]
	}
	if len(run) == 0 {
		return
	}
	start, end = run[0].s, run[len(run)-1].e
	if len(run) > 4 {
		return
	}
	_, strong := s.endsWithCue(start, personStrongCues)
	_, weak := s.endsWithCue(start, personWeakCues)
	sentenceStart := s.sentenceStart(start)
	switch {
	case strong:
		s.add(Person, start, end, 0.75)
	case len(run) >= 2 && !sentenceStart:
		s.add(Person, start, end, 0.5)
	case len(run) >= 2 && sentenceStart && s.verbAfter(end):
		s.add(Person, start, end, 0.5)
	case len(run) >= 2 && sentenceStart && s.lineEndAfter(end):
		s.add(Person, start, end, 0.45)
	case weak && !sentenceStart:
		s.add(Person, start, end, 0.4)
	case len(run) == 1 && s.auxAfter(end):
		s.add(Person, start, end, 0.4)
	}
}

// sentenceStart reports whether i begins a sentence or line.
func (s *scanner) sentenceStart(i int) bool {
	t := s.text
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '\t' || t[j-1] == '"' || t[j-1] == '(' || t[j-1] == '>') {
		j--
	}
	if j == 0 {
		return true
	}
	switch t[j-1] {
	case '.', '!', '?', '\n', ':', ';', '*', '-':
		return true
	}
	return false
}

// verbAfter reports a lower-case word after end on the same line
// ("Isaac Heath speak", "Maria listed").
func (s *scanner) verbAfter(end int) bool {
	t := s.text
	if end+2 >= len(t) || t[end] != ' ' || !isLower(t[end+1]) {
		return false
	}
	w, ok := s.nextWord(end + 1)
	return ok && w.lower && !notNameWords[s.lowerWord(w)] || ok && (s.lowerWord(w) == "will" || s.lowerWord(w) == "is" || s.lowerWord(w) == "was" || s.lowerWord(w) == "has")
}

var auxVerbs = map[string]bool{"is": true, "was": true, "had": true, "has": true, "will": true, "said": true, "says": true, "told": true, "asked": true, "gave": true, "wrote": true, "lives": true, "works": true}

// auxAfter reports "Kevin had …", "Roxanne is …": a name-like subject.
func (s *scanner) auxAfter(end int) bool {
	t := s.text
	if end+2 >= len(t) || t[end] != ' ' || !isLower(t[end+1]) {
		return false
	}
	w, ok := s.nextWord(end + 1)
	return ok && auxVerbs[s.lowerWord(w)]
}

func (s *scanner) lineEndAfter(end int) bool {
	t := s.text
	return end >= len(t) || t[end] == '\n' || t[end] == ','
}

// numberAfter returns the end of " 123" (or " 12a") after e, or -1.
func (s *scanner) numberAfter(e int) int {
	t := s.text
	if e+1 >= len(t) || t[e] != ' ' || !isDigit(t[e+1]) {
		return -1
	}
	j := e + 1
	for j < len(t) && j-e <= 5 && isDigit(t[j]) {
		j++
	}
	if j < len(t) && isLower(t[j]) && !s.wordAt(j+1) {
		j++
	}
	if s.wordAt(j) {
		return -1
	}
	return j
}

// numberBefore returns the start of a house number "123 " just before i, or -1.
func (s *scanner) numberBefore(i int) int {
	t := s.text
	if i < 2 || t[i-1] != ' ' || !isDigit(t[i-2]) {
		return -1
	}
	j := i - 1
	for j > 0 && i-j <= 6 && isDigit(t[j-1]) {
		j--
	}
	if s.wordAt(j - 1) {
		return -1
	}
	return j
}

// streetTail extends a street prefix over capitalised words, particles
// and a house number on the same line. It reports whether it ended on the
// number. It stops before a unit word ("Suite 4") or "and".
func (s *scanner) streetTail(e int) (end int, numbered bool) {
	t := s.text
	if e < len(t) && t[e] == '.' {
		e++
	}
	end = -1
	j := e
	for k := 0; k < 6; k++ {
		if j >= len(t) || t[j] != ' ' {
			break
		}
		if e2 := s.numberAfter(j); e2 > 0 {
			return e2, true
		}
		w, ok := s.nextWord(j)
		if !ok || w.s != j+1 || !(w.title || w.upper || (w.lower && w.e-w.s <= 4) || t[w.s+1] == '\'') {
			break
		}
		if lw := s.lowerBuf(w); string(lw) == "and" || string(lw) == "et" || string(lw) == "st" || isUnitWord(lw) {
			break
		}
		j = w.e
		if !w.lower || w.e-w.s > 3 {
			end = j
		}
	}
	return end, false
}

// isUnitWord reports "apt", "suite" and the like (lw is lower case).
func isUnitWord(lw []byte) bool {
	for _, u := range unitWords {
		if string(lw) == strings.TrimSuffix(u, ".") {
			return true
		}
	}
	return false
}

// addStreet reports the street at start..e with what follows it. Units
// (", Apt. 263", " Suite 464" on the same line, or "Apt. 12" opening the
// next line) are secondary address lines and are reported on their own,
// unless a city-and-postcode tail follows them: then the whole address,
// from any building number before start to the tail's end, is one span.
func (s *scanner) addStreet(start, e int, conf float64) {
	t := s.text
	var units [2][2]int
	n := 0
	j := e
	for n < len(units) {
		k := j
		if k < len(t) && t[k] == ',' {
			k++
		}
		if k < len(t) && t[k] == '\n' {
			// The next line, after indentation or quoting ("> ").
			k++
			for m := 0; m < 4 && k < len(t) && (t[k] == ' ' || t[k] == '\t' || t[k] == '>' || t[k] == '?'); m++ {
				k++
			}
		} else if k < len(t) && t[k] == ' ' {
			k++
		} else {
			break
		}
		u := s.unitAt(k)
		if u < 0 {
			break
		}
		units[n] = [2]int{k, u}
		n++
		j = u
	}
	if end := s.addressTail(j); end > j {
		if b := s.numberBefore(start); b >= 0 {
			start = b
		}
		s.add(StreetAddress, start, end, conf)
		return
	}
	s.add(StreetAddress, start, e, conf)
	for _, u := range units[:n] {
		s.add(StreetAddress, u[0], u[1], 0.5)
	}
}

// addressTail returns the end of the city, region, postcode and country
// that close an address ending at e ("\nGRASSE, PA 39551", ", Lascano,
// Uruguay 80694", "\n Ettelgem\n Belgium"), or -1. Each part is on the
// same line after ", " or " ", or on the next line with at most one space
// of indentation; the tail must end in a postcode, a two- or three-letter
// region code with a postcode, or a country, or it is not taken.
func (s *scanner) addressTail(e int) int {
	t := s.text
	end := -1
	j := e
	for part := 0; part < 5; part++ {
		k := j
		switch {
		case k+1 < len(t) && t[k] == ',' && t[k+1] == ' ':
			k += 2
		case k+1 < len(t) && t[k] == '\n' && t[k+1] == ',':
			k += 2
			if k < len(t) && t[k] == ' ' {
				k++
			}
		case k < len(t) && t[k] == '\n':
			k++
			if k < len(t) && t[k] == ' ' {
				k++
			}
		case k < len(t) && t[k] == ' ' && part > 0 || k < len(t) && t[k] == ' ' && k+1 < len(t) && isUpper(t[k+1]):
			k++
		default:
			return end
		}
		if k < len(t) && isDigit(t[k]) {
			// A bare postcode closes the address.
			if p := s.postcodeAt(k); p > 0 {
				return p
			}
			return end
		}
		// Words: a city, a region code, or a country, then maybe a postcode.
		w, ok := s.nextWord(k)
		if !ok || w.s != k || !(w.title || w.upper) {
			return end
		}
		first := w
		country := false
		last := w
		for m := 0; m < 4; m++ {
			in := countries[string(s.lowerBuf(last))]
			if m > 0 && !in {
				in = s.countryPair(first, last)
			}
			country = country || in
			if last.e+1 >= len(t) || t[last.e] != ' ' {
				break
			}
			nw, ok := s.nextWord(last.e + 1)
			if !ok || nw.s != last.e+1 || !(nw.title || nw.upper || nw.lower && nw.e-nw.s <= 3 && s.titleAfter(nw.e)) {
				break
			}
			if isUnitWord(s.lowerBuf(nw)) {
				break
			}
			last = nw
		}
		j = last.e
		region := last.upper && last.e-last.s <= 3 && first.s != last.s
		if j+1 < len(t) && t[j] == ' ' && isDigit(t[j+1]) {
			if p := s.postcodeAt(j + 1); p > 0 {
				if country || region || last.upper && last.e-last.s <= 3 {
					return p
				}
				return end
			}
		}
		if country || region && (j == len(t) || strings.IndexByte(".,;!?\n", t[j]) >= 0) {
			end = j
		}
	}
	return end
}

// postcodeAt returns the end of a 4-6 digit postcode at k, or -1.
func (s *scanner) postcodeAt(k int) int {
	t := s.text
	j := k
	for j < len(t) && j-k < 7 && isDigit(t[j]) {
		j++
	}
	if n := j - k; n < 4 || n > 6 || s.wordAt(j) {
		return -1
	}
	return j
}

// unitAt returns the end of "Apt. 12" / "Suite 4B" starting at j, or -1.
func (s *scanner) unitAt(j int) int {
	t := s.text
	for _, u := range unitWords {
		if j+len(u) < len(t) && strings.EqualFold(t[j:j+len(u)], u) {
			if k := s.numberAfter(j + len(u)); k > 0 {
				return k
			}
		}
	}
	return -1
}

// boxWord is a cheap filter for boxAddress: the word may start "PO Box",
// "P.O. Box", "Post Office Box", "Postbox", "PSC", "Unit" or "USS". Only
// words with a capital are tried, to keep the check off the common path.
func (s *scanner) boxWord(w word) bool {
	t := s.text
	n := w.e - w.s
	switch t[w.s] | 0x20 {
	case 'p':
		if n == 1 {
			return w.e < len(t) && t[w.e] == '.'
		}
		c := t[w.s+1] | 0x20
		return n == 2 && c == 'o' || n == 3 && c == 's' || (n == 4 || n == 7) && c == 'o'
	case 'u':
		if n < 3 {
			return false
		}
		c := t[w.s+1] | 0x20
		return n == 4 && c == 'n' || n >= 3 && n <= 5 && c == 's'
	}
	return false
}

// boxAddress reports a post-office box or a US military address starting
// at w and returns its end, or -1: "PO Box 12", "P.O. Box 12", "Post
// Office Box 12", "Postbox 12", or "PSC 4355, Box 4187", "Unit 8505 Box
// 9220" or "USS Name" followed by "APO", "FPO" or "DPO", a two-letter code
// and a ZIP code.
func (s *scanner) boxAddress(w word) int {
	t := s.text
	rest := t[w.s:]
	for _, p := range poBoxes {
		if len(rest) > len(p) && strings.EqualFold(rest[:len(p)], p) {
			if e := s.numberAfter(w.s + len(p)); e > 0 && !s.wordAt(w.s-1) {
				s.addStreet(w.s, e, 0.7)
				return e
			}
			return -1
		}
	}
	if s.wordAt(w.s - 1) {
		return -1
	}
	lw := s.lowerBuf(w)
	j := -1
	switch string(lw) {
	case "psc", "unit":
		// "PSC 4355, Box 4187" / "Unit 8505 Box 9220"
		n := s.numberAfter(w.e)
		if n < 0 {
			return -1
		}
		if n < len(t) && t[n] == ',' {
			n++
		}
		if n+4 < len(t) && strings.EqualFold(t[n:n+4], " box") {
			j = s.numberAfter(n + 4)
		}
	case "uss", "usns", "usnv", "uscgc":
		// The ship's name: up to three words on this line.
		j = w.e
		for k := 0; k < 3 && j < len(t) && t[j] == ' '; k++ {
			nw, ok := s.nextWord(j + 1)
			if !ok || nw.s != j+1 || militaryPost(t[nw.s:]) {
				break
			}
			j = nw.e
		}
		if j == w.e {
			return -1
		}
	default:
		return -1
	}
	if j < 0 || j+1 >= len(t) || t[j] != '\n' && t[j] != ' ' {
		return -1
	}
	k := j + 1
	if !militaryPost(t[k:]) {
		return -1
	}
	e := k + len("APO AA ")
	z := e
	for z < len(t) && isDigit(t[z]) {
		z++
	}
	if z-e != 5 || s.wordAt(z) {
		return -1
	}
	s.add(StreetAddress, w.s, z, 0.8)
	return z
}

var poBoxes = []string{"po box", "p.o. box", "p. o. box", "post office box", "postbox", "p.o.box"}

// militaryPost reports "APO AE ", "FPO AP ", "DPO AA " (any case) at the
// start of r.
func militaryPost(r string) bool {
	if len(r) < 7 || r[3] != ' ' || r[6] != ' ' {
		return false
	}
	if !strings.EqualFold(r[:3], "apo") && !strings.EqualFold(r[:3], "fpo") && !strings.EqualFold(r[:3], "dpo") {
		return false
	}
	return strings.EqualFold(r[4:6], "aa") || strings.EqualFold(r[4:6], "ae") || strings.EqualFold(r[4:6], "ap")
}

// lowerStreetWord reports a street word written in lower case after the
// name, and whether its house number takes a dot (Hungarian "19."). A
// switch, not a map: no hashing, and no map to build at start-up.
func lowerStreetWord(w string) (dot, ok bool) {
	switch w {
	case "út", "útja", "utca", "tér", "körút", "köz", "sor", "rakpart", "rkp":
		return true, true
	case "gata", "gatan", "vei", "veien", "vej", "gade", "põik", "tänav", "iela", "gatve", "ulica", "cesta", "ulice", "náměstí", "trg":
		return false, true
	}
	return false, false
}

// streetWordAfter returns the end of " tér 19." after a name ending at
// end: a lower-case street word and a house number, or -1.
func (s *scanner) streetWordAfter(end int) int {
	t := s.text
	if end+2 >= len(t) || t[end] != ' ' || !(isLower(t[end+1]) || t[end+1] >= 0x80) {
		return -1
	}
	// Cheap test first: a digit after the next word.
	j := end + 2
	for j < len(t) && j-end <= 12 && t[j] != ' ' {
		j++
	}
	if j+1 >= len(t) || t[j] != ' ' || !isDigit(t[j+1]) {
		return -1
	}
	w, ok := s.nextWord(end + 1)
	if !ok || w.s != end+1 || !w.lower || w.e-w.s > 9 {
		return -1
	}
	dot, ok := lowerStreetWord(t[w.s:w.e])
	if !ok {
		return -1
	}
	e := s.numberAfter(w.e)
	if e > 0 && dot && e < len(t) && t[e] == '.' {
		e++
	}
	return e
}

// numberCue reports what may come before the building number of a
// "12 Name 34" address: "at", "to", "in", "on" or a comma, colon or
// question mark.
func (s *scanner) numberCue(b int) bool {
	t := s.text
	if b < 2 || t[b-1] != ' ' {
		return false
	}
	if b+4 < len(t) && t[b+4] == ' ' && (t[b:b+2] == "19" || t[b:b+2] == "20") {
		return false // a year: "in 2019 Windows 10, …"
	}
	switch t[b-2] {
	case ',', ':', '?':
		return true
	}
	_, ok := s.endsWithCue(b, numberCues)
	return ok
}

var numberCues = []string{"at", "to", "in", "on"}

var addressCues = []string{"address:", "address is", "lives at", "live at", "living at", "lived at", "located at", "is on", "is at", "sent to", "send to", "ship to", "deliver to", "delivered to", "return to", "side of", "corner of"}

// addressCue reports an address cue right before i ("lives at ").
func (s *scanner) addressCue(i int) bool {
	_, ok := s.endsWithCue(i, addressCues)
	return ok
}

// lineStart reports whether i starts a line, after indentation or quoting.
func (s *scanner) lineStart(i int) bool {
	t := s.text
	j := i
	for j > 0 && i-j < 6 && (t[j-1] == ' ' || t[j-1] == '\t' || t[j-1] == '>' || t[j-1] == '?') {
		j--
	}
	return j == 0 || t[j-1] == '\n'
}
