//go:build !linux

package engine

// oomKills is 0 where the kernel does not count out-of-memory kills for us.
func oomKills() uint64 { return 0 }

// oomCountable is false here: a SIGKILL slmscope did not send is taken to be for memory.
func oomCountable() bool { return false }
