//go:build !unix

package safefile

// SyncDir does nothing where folders cannot be opened for flushing (Windows); renames there
// are made durable by the file system's own journal.
func SyncDir(string) {}
