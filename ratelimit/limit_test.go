package ratelimit

import (
	"errors"
	"testing"
	"time"
)

func TestLimitConstructors(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  Limit
		want Limit
	}{
		{"PerSecond", PerSecond(5), Limit{Rate: 5, Burst: 5, Period: time.Second}},
		{"PerMinute", PerMinute(10), Limit{Rate: 10, Burst: 10, Period: time.Minute}},
		{"PerHour", PerHour(100), Limit{Rate: 100, Burst: 100, Period: time.Hour}},
		{"PerDay", PerDay(1000), Limit{Rate: 1000, Burst: 1000, Period: 24 * time.Hour}},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
}

func TestLimitString(t *testing.T) {
	for _, tc := range []struct {
		l    Limit
		want string
	}{
		{PerMinute(10), "10/1m0s"},
		{Limit{Rate: 10, Burst: 20, Period: time.Minute}, "10/1m0s (burst 20)"},
		{Limit{}, "0/0s"},
	} {
		if got := tc.l.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.l, got, tc.want)
		}
	}
}

func TestLimitIsZero(t *testing.T) {
	if !(Limit{}).IsZero() {
		t.Error("Limit{}.IsZero() = false, want true")
	}
	if PerSecond(1).IsZero() {
		t.Error("PerSecond(1).IsZero() = true, want false")
	}
}

func TestLimitInterval(t *testing.T) {
	for _, tc := range []struct {
		l    Limit
		want time.Duration
	}{
		{PerSecond(4), 250 * time.Millisecond},
		{PerSecond(3), 333333334}, // rounded up: never more than 3 a second
		{Limit{Rate: 3, Burst: 1, Period: 2}, 1},
		{Limit{}, 0},
	} {
		if got := tc.l.Interval(); got != tc.want {
			t.Errorf("%v.Interval() = %d, want %d", tc.l, got, tc.want)
		}
	}
}

func TestCheckCost(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Limit
		n    int
		want error
	}{
		{"ok", PerMinute(10), 1, nil},
		{"peek", PerMinute(10), 0, nil},
		{"whole-burst", PerMinute(10), 10, nil},
		{"rate-above-a-nanosecond", Limit{Rate: 1 << 40, Burst: 1, Period: time.Second}, 1, nil},
		{"zero", Limit{}, 1, ErrInvalidLimit},
		{"zero-rate", Limit{Burst: 1, Period: time.Minute}, 1, ErrInvalidLimit},
		{"zero-burst", Limit{Rate: 1, Period: time.Minute}, 1, ErrInvalidLimit},
		{"negative-period", Limit{Rate: 1, Burst: 1, Period: -time.Minute}, 1, ErrInvalidLimit},
		{"state-beyond-100-years", Limit{Rate: 1, Burst: 877_000, Period: time.Hour}, 1, ErrInvalidLimit},
		{"negative-cost", PerMinute(10), -1, ErrInvalidLimit},
		{"cost-above-burst", PerMinute(10), 11, ErrExceedsBurst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCost(tc.l, tc.n)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("CheckCost(%+v, %d) = %v, want %v", tc.l, tc.n, err, tc.want)
			}
		})
	}
}
