package budget

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Micros is an amount of money in millionths of a US dollar. It is never a
// float: sums and comparisons are exact.
type Micros int64

// Dollar is one US dollar.
const Dollar Micros = 1_000_000

// String formats m as dollars with at least two decimals and no trailing
// zeros beyond them: "$5.00", "$0.000150", "-$1.25".
func (m Micros) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	s := fmt.Sprintf("%d.%06d", m/Dollar, m%Dollar)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	return sign + "$" + s
}

// ParseMicros parses a dollar amount such as "5", "5.00", "$0.25" or
// "0.000150" (at most six decimals).
func ParseMicros(s string) (Micros, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "$")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" || len(frac) > 6 || strings.ContainsAny(whole+frac, "+-") {
		return 0, fmt.Errorf("invalid amount %q: write dollars such as 5.00", s)
	}
	w, err := strconv.ParseInt(cmpOr(whole, "0"), 10, 64)
	if err != nil || w > math.MaxInt64/int64(Dollar)-1 {
		return 0, fmt.Errorf("invalid amount %q: write dollars such as 5.00", s)
	}
	f := int64(0)
	if frac != "" {
		f, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid amount %q: write dollars such as 5.00", s)
		}
	}
	return Micros(w)*Dollar + Micros(f), nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Period is how often a budget starts again.
type Period string

// The budget periods. Periods are calendar-aligned in UTC: a day starts at
// 00:00, a week on Monday, a month on the 1st.
const (
	PeriodNone  Period = "none" // a lifetime cap: never resets
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// Valid reports whether p is one of the periods.
func (p Period) Valid() bool {
	switch p {
	case PeriodNone, PeriodDay, PeriodWeek, PeriodMonth:
		return true
	}
	return false
}

// Window returns the start and end of the period containing t. For
// PeriodNone the start is the Unix epoch and the end is the zero time.
func (p Period) Window(t time.Time) (start, end time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case PeriodDay:
		return day, day.AddDate(0, 0, 1)
	case PeriodWeek:
		off := (int(day.Weekday()) + 6) % 7 // Monday is 0
		s := day.AddDate(0, 0, -off)
		return s, s.AddDate(0, 0, 7)
	case PeriodMonth:
		s := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 1, 0)
	default:
		return time.Unix(0, 0).UTC(), time.Time{}
	}
}

// Amount is a budget setting: a cap and the period it applies to. The zero
// Amount means no budget.
type Amount struct {
	Cap    Micros
	Period Period
}

// IsZero reports whether a is unset.
func (a Amount) IsZero() bool { return a.Cap == 0 && a.Period == "" }

// String formats a as "5.00/month" (the form ParseAmount reads), or "" for
// the zero Amount.
func (a Amount) String() string {
	if a.IsZero() {
		return ""
	}
	return strings.TrimPrefix(a.Cap.String(), "$") + "/" + string(a.Period)
}

// ParseAmount reads "5.00/month", "20/day", "100/week" or "50/none" (a cap
// that never resets). An empty string is the zero Amount.
func ParseAmount(s string) (Amount, error) {
	if strings.TrimSpace(s) == "" {
		return Amount{}, nil
	}
	amt, per, ok := strings.Cut(s, "/")
	if !ok {
		return Amount{}, errors.New("budget must be AMOUNT/PERIOD, such as 5.00/month (period: day, week, month or none)")
	}
	m, err := ParseMicros(amt)
	if err != nil {
		return Amount{}, err
	}
	p := Period(strings.TrimSpace(per))
	if !p.Valid() {
		return Amount{}, fmt.Errorf("budget period %q: must be day, week, month or none", per)
	}
	if m <= 0 {
		return Amount{}, errors.New("budget amount must be positive")
	}
	return Amount{Cap: m, Period: p}, nil
}
