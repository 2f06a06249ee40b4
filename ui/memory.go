package ui

import (
	"context"
	"time"

	"slmscope/hwprobe"
)

// availableMemory is RAM a model may use now (cgroup-aware) and where the figure came from;
// 0 when it cannot be read.
func availableMemory() (uint64, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ram, err := hwprobe.Memory(ctx)
	if err != nil || ram.AvailableBytes == 0 {
		return 0, ""
	}
	src := "measured now, " + ram.Source
	if ram.CgroupLimitBytes > 0 {
		src += ", capped by the cgroup limit"
	}
	return ram.AvailableBytes, src
}
