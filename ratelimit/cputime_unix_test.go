//go:build unix

package ratelimit_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, user and system, all
// threads. Benchmarks divide by it to report throughput per core-second,
// which other load on a shared machine does not distort as it does ns/op.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
