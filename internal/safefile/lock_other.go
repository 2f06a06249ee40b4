//go:build !unix && !windows

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// staleLock is how old a lock file must be before it is taken to be left by a crash.
const staleLock = 2 * time.Minute

// tryLock creates lp exclusively; the file's existence is the lock. One left behind by a
// crashed process is removed once it is older than staleLock.
func tryLock(lp string) (unlock func(), busy bool, err error) {
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		if st, serr := os.Stat(lp); serr == nil && time.Since(st.ModTime()) > staleLock {
			os.Remove(lp)
		}
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	f.Close()
	return func() { os.Remove(lp) }, false, nil
}
