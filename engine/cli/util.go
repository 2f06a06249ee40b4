package cli

import "strings"

// oneLine folds a multi-line error into the single stderr line the exit-1 contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
