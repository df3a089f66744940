package pii

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Type names a kind of personal data. The values are stable and appear in
// configuration, reports and placeholders.
type Type string

const (
	Email         Type = "EMAIL"
	Phone         Type = "PHONE"
	CreditCard    Type = "CREDIT_CARD"
	IBAN          Type = "IBAN"
	USSSN         Type = "US_SSN"
	IPAddress     Type = "IP_ADDRESS"
	DateOfBirth   Type = "DATE_OF_BIRTH" // a full date with a birth cue before it ("born", "DOB", ...)
	DateTime      Type = "DATE_TIME"     // any other full calendar date, optionally with a time
	UKNINO        Type = "UK_NINO"
	SGNRIC        Type = "SG_NRIC" // NRIC and FIN
	THID          Type = "TH_ID"
	VNCCCD        Type = "VN_CCCD"
	INAadhaar     Type = "IN_AADHAAR"
	BRCPF         Type = "BR_CPF"
	Person        Type = "PERSON"         // best effort, see doc.go
	StreetAddress Type = "STREET_ADDRESS" // best effort, see doc.go
	Location      Type = "LOCATION"       // best effort, see doc.go
)

// allTypes is every type, structured ones first; typeCount of them.
var allTypes = [typeCount]Type{Email, Phone, CreditCard, IBAN, USSSN, IPAddress, DateOfBirth, DateTime,
	UKNINO, SGNRIC, THID, VNCCCD, INAadhaar, BRCPF, Person, StreetAddress, Location}

const (
	typeCount       = 17
	structuredCount = 14
)

// AllTypes lists every type the package detects, structured types first.
func AllTypes() []Type { return slices.Clone(allTypes[:]) }

// StructuredTypes lists the types found by format and checksum rules (no
// heuristics). They are the set the throughput target applies to.
func StructuredTypes() []Type { return slices.Clone(allTypes[:structuredCount]) }

// priority orders overlapping candidates: the higher value wins. Checksummed
// types beat structural ones, which beat cue-based and heuristic ones.
func (t Type) priority() int {
	switch t {
	case Email:
		return 100
	case IBAN:
		return 95
	case CreditCard:
		return 90
	case SGNRIC, UKNINO:
		return 88
	case BRCPF:
		return 86
	case THID:
		return 85
	case INAadhaar:
		return 84
	case USSSN:
		return 80
	case IPAddress:
		return 78
	case VNCCCD:
		return 76
	case DateOfBirth:
		return 72
	case DateTime:
		return 70
	case Phone:
		return 60
	case StreetAddress:
		return 30
	case Person:
		return 20
	case Location:
		return 10
	}
	return 0
}

// Entity is one detected item. It holds offsets, never the matched text:
// text[e.Start:e.End] is the value.
type Entity struct {
	Type       Type
	Start, End int     // byte offsets into the scanned text
	Confidence float64 // in (0, 1]; checksum-validated types score ≥ 0.9
}

// Options configures a Detector. The zero value detects every type in
// [AllTypes] with US as the default phone region.
type Options struct {
	// Types limits detection to these types. Nil or empty means AllTypes.
	// Disabled types still take part in overlap resolution, so a card
	// number is never reported as a phone number because CREDIT_CARD is off.
	Types []Type
	// Region is the ISO 3166-1 alpha-2 region used to validate phone numbers
	// written without a +country prefix. Empty means "US".
	Region string
	// MinConfidence drops entities scoring below it. Zero keeps everything.
	MinConfidence float64
}

// Detector finds personal data in text. It is immutable after New and safe
// for concurrent use. The zero Detector behaves like New(Options{}).
type Detector struct {
	enabled  [typeCount]bool
	set      bool // enabled has been filled in by New
	region   string
	minConf  float64
	anyNames bool // a heuristic type is enabled
}

func (t Type) index() int {
	for i, u := range allTypes {
		if u == t {
			return i
		}
	}
	return -1
}

// New returns a Detector for opts. It reports an unknown type or region.
func New(opts Options) (*Detector, error) {
	if opts.MinConfidence < 0 || opts.MinConfidence > 1 {
		return nil, fmt.Errorf("pii: min confidence %v outside [0, 1]", opts.MinConfidence)
	}
	d := &Detector{set: true, region: strings.ToUpper(opts.Region), minConf: opts.MinConfidence}
	if d.region == "" {
		d.region = "US"
	}
	if _, ok := phonenumbers.GetSupportedRegions()[d.region]; !ok {
		return nil, fmt.Errorf("pii: unknown phone region %q", opts.Region)
	}
	// Compile the default region's phone patterns now, not on a request.
	_ = phoneTab().region(d.region)
	types := opts.Types
	if len(types) == 0 {
		types = allTypes[:]
	}
	for _, t := range types {
		i := t.index()
		if i < 0 {
			return nil, fmt.Errorf("pii: unknown type %q", t)
		}
		d.enabled[i] = true
	}
	d.anyNames = d.enabled[Person.index()] || d.enabled[StreetAddress.index()] || d.enabled[Location.index()]
	return d, nil
}

func (d *Detector) on(t Type) bool {
	if d == nil || !d.set {
		return true
	}
	return d.enabled[t.index()]
}

func (d *Detector) phoneRegion() string {
	if d == nil || d.region == "" {
		return "US"
	}
	return d.region
}

// Find returns the entities in text, sorted by Start, without overlaps.
// A nil *Detector behaves like the zero Detector.
func (d *Detector) Find(text string) []Entity {
	s := getScanner()
	defer putScanner(s)
	kept := d.find(s, text)
	if len(kept) == 0 {
		return nil
	}
	return append([]Entity(nil), kept...)
}

// find is Find writing into the buffers of s: the result is valid until s
// is used again.
func (d *Detector) find(s *scanner, text string) []Entity {
	s.text, s.region = text, d.phoneRegion()
	s.found, s.ds, s.gl = s.found[:0], s.ds[:0], s.gl[:0]
	s.emails()
	s.numbers()
	s.ipv6()
	if d == nil || !d.set || d.anyNames {
		s.names()
	}
	out := s.resolve()
	minConf := 0.0
	if d != nil {
		minConf = d.minConf
	}
	kept := out[:0]
	for _, e := range out {
		if d.on(e.Type) && e.Confidence >= minConf {
			kept = append(kept, e)
		}
	}
	return kept
}

// scanners recycles scanners and their buffers: allocating the candidate
// and scratch slices anew for every text was most of Find's allocations.
var scanners = sync.Pool{New: func() any { return new(scanner) }}

func getScanner() *scanner { return scanners.Get().(*scanner) }

// putScanner returns s to the pool, unless a huge text grew its buffers:
// the pool should not pin that memory.
func putScanner(s *scanner) {
	s.text = ""
	if cap(s.found) > 1024 || cap(s.kept) > 1024 {
		return
	}
	scanners.Put(s)
}

// resolve drops overlapping candidates: the higher-priority type wins, then
// the longer span, then the earlier one. It sorts s.found and returns the
// survivors in s.kept.
func (s *scanner) resolve() []Entity {
	c := s.found
	if len(c) < 2 {
		return c
	}
	slices.SortFunc(c, func(a, b Entity) int {
		if pa, pb := a.Type.priority(), b.Type.priority(); pa != pb {
			return pb - pa
		}
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return lb - la
		}
		return a.Start - b.Start
	})
	// out stays sorted by Start and free of overlaps, so one binary search
	// finds the only neighbours a candidate can clash with.
	out := s.kept[:0]
	if cap(out) < len(c) {
		out = make([]Entity, 0, len(c)) // no regrowth while inserting
	}
	for _, e := range c {
		k, _ := slices.BinarySearchFunc(out, e.Start, func(o Entity, start int) int { return o.Start - start })
		if k > 0 && out[k-1].End > e.Start || k < len(out) && out[k].Start < e.End {
			continue
		}
		out = slices.Insert(out, k, e)
	}
	s.kept = out
	return out
}
