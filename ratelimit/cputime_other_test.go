//go:build !unix

package ratelimit_test

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
