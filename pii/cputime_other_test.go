//go:build !linux

package pii

import "time"

func threadCPU() time.Duration { return 0 }
