//go:build race

package ui

// raceFactor scales time budgets under the race detector, which slows Go code 5–10×.
const raceFactor = 8
