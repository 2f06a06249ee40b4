//go:build !race

package ui

// raceFactor scales time budgets under the race detector (1 without it).
const raceFactor = 1
