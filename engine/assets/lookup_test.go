package assets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindOrder builds every combination the search order cares about in one temporary tree:
//
//	root/app/bin/slmscope        the binary (ExeDir root/app/bin)
//	root/app/bin/runtime         portable runtime
//	root/usr/lib/slmscope        package runtime
//	root/env                     $SLMSCOPE_RUNTIME_DIR
//	root/app/.runtime            source tree, above the binary
//	root/work/sub (cwd), root/work/.runtime
func TestFindOrder(t *testing.T) {
	tests := []struct {
		name    string
		present []string // runtime folders to create, relative to root
		env     string   // relative to root; "" = unset
		noExe   bool     // the binary's folder is unknown
		want    string   // relative to root
		kind    Kind
		wantErr string
	}{
		{name: "portable first", present: []string{"app/bin/runtime", "usr/lib/slmscope", "env", "app/.runtime"}, env: "env", want: "app/bin/runtime", kind: KindPortable},
		{name: "package before env", present: []string{"usr/lib/slmscope", "env", "app/.runtime"}, env: "env", want: "usr/lib/slmscope", kind: KindSystem},
		{name: "env before source tree", present: []string{"env", "app/.runtime"}, env: "env", want: "env", kind: KindEnv},
		{name: "source tree above the binary", present: []string{"app/.runtime", "work/.runtime"}, want: "app/.runtime", kind: KindSource},
		{name: "source tree above the working directory", present: []string{"work/.runtime"}, want: "work/.runtime", kind: KindSource},
		{name: "no binary folder", present: []string{"work/.runtime"}, noExe: true, want: "work/.runtime", kind: KindSource},
		{name: "empty runtime/ beside the binary is not a runtime", present: []string{"work/.runtime"}, want: "work/.runtime", kind: KindSource},
		{name: "env that is not a folder", present: []string{"app/.runtime"}, env: "missing", wantErr: EnvRuntimeDir + "="},
		{name: "nothing anywhere", wantErr: "beside the binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"app/bin/runtime", "work/sub"} { // runtime/ exists but is empty
				if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range tt.present {
				mkRuntime(t, filepath.Join(root, p))
			}
			l := Locations{
				ExeDir:  filepath.Join(root, "app/bin"),
				System:  filepath.Join(root, "usr/lib/slmscope"),
				WorkDir: filepath.Join(root, "work/sub"),
			}
			if tt.noExe {
				l.ExeDir = ""
			}
			if tt.env != "" {
				l.Env = filepath.Join(root, tt.env)
			}
			got, err := l.Find()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Find() = %+v, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(root, tt.want); got.Dir != want || got.Kind != tt.kind {
				t.Errorf("Find() = %+v, want %s (kind %d)", got, want, tt.kind)
			}
		})
	}
}

// TestNotFoundNamesEveryPlace checks the error lists each place in search order.
func TestNotFoundNamesEveryPlace(t *testing.T) {
	root := t.TempDir()
	l := Locations{ExeDir: filepath.Join(root, "bin"), System: filepath.Join(root, "sys"), WorkDir: filepath.Join(root, "wd")}
	_, err := l.Find()
	if !errors.Is(err, ErrNotSetUp) {
		t.Fatalf("err = %v, want ErrNotSetUp", err)
	}
	msg := err.Error()
	places := []string{
		filepath.Join(root, "bin", PortableDir),
		filepath.Join(root, "sys"),
		"$" + EnvRuntimeDir,
		filepath.Join(root, "bin", SourceDir),
		filepath.Join(root, "wd", SourceDir),
	}
	last := -1
	for _, p := range places {
		i := strings.Index(msg, p)
		if i <= last {
			t.Errorf("%q missing or out of order in: %s", p, msg)
		}
		last = i
	}
}

func TestDefaultLocations(t *testing.T) {
	t.Setenv(EnvRuntimeDir, "/some/where")
	l := DefaultLocations()
	if l.Env != "/some/where" || l.ExeDir == "" || l.WorkDir == "" {
		t.Errorf("DefaultLocations() = %+v", l)
	}
}
