package class

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"slmscope/engine/assets"
	"slmscope/engine/results/resultstest"
)

var externalRef = regexp.MustCompile(`(?i)(https?:|^//)`)

// TestClassReportIsOfflineHTML: the class report parses as HTML, has every section, and
// references nothing outside itself.
func TestClassReportIsOfflineHTML(t *testing.T) {
	if _, err := assets.EChartsJS(); errors.Is(err, assets.ErrNotSetUp) {
		t.Skip("runtime files not set up: run `make setup`")
	}
	dir := t.TempDir()
	if err := resultstest.Folder(dir, 5, saved); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "broken.json", []byte("{"))
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, c); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("SLMSCOPE_CLASS_OUT"); p != "" {
		_ = os.WriteFile(p, buf.Bytes(), 0o644)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "src", "href", "action", "srcset", "poster", "data", "xlink:href":
					if externalRef.MatchString(a.Val) || a.Val != "" {
						t.Errorf("<%s %s=%q> references a resource", n.Data, a.Key, a.Val)
					}
				case "style":
					if strings.Contains(strings.ToLower(a.Val), "url(") {
						t.Errorf("<%s style=%q> references a URL", n.Data, a.Val)
					}
				}
			}
			if n.Data == "link" {
				t.Errorf("a <link> element: the report must inline everything")
			}
		}
		if n.Type == html.TextNode && (n.Parent == nil || n.Parent.Data != "script") {
			text.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, want := range []string{"Desk 1", "Desk 5", "broken.json", "Generation speed against memory bandwidth",
		"How many machines in this room can run Llama-3.1-8B Q4_K_M", RPCLabel, "The median machine is Desk 3", "5 predictions"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the report does not say %q", want)
		}
	}
}
