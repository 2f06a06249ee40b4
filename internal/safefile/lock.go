package safefile

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockWait is how long Lock waits for another process before giving up with an error.
var LockWait = 15 * time.Second

// Lock takes an exclusive lock that guards path against other slmscope processes (the app
// and the command line at once), using the file path + ".lock" beside it. It waits up to
// LockWait, then says which file is held. Call the returned function to release it.
func Lock(path string) (unlock func(), err error) {
	lp := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(lp), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the folder for %s: %w", lp, err)
	}
	deadline := time.Now().Add(LockWait)
	for {
		unlock, busy, err := tryLock(lp)
		if err != nil {
			return nil, fmt.Errorf("cannot lock %s (%w): check the folder's permissions", lp, err)
		}
		if !busy {
			return unlock, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s is held by another slmscope for more than %s: close the other copy, or delete %s if none is running", path, LockWait, lp)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
