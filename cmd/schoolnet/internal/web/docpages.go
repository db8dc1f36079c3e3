package web

import (
	"bytes"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"schoolnet/docs"
)

// docPages are the documents the page links to, rendered from the
// markdown built into the binary: the model's description and the
// teacher's guide with its lesson plan.
var docPages = map[string]struct{ title, markdown string }{
	"model.html":    {"schoolnet: the model", docs.Model},
	"teaching.html": {"schoolnet: the teaching lab", docs.Teaching},
}

// pictures matches a markdown image: the pictures stay in the repository,
// so a served page says what each shows instead.
var pictures = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)

var docPage = template.Must(template.New("doc").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title><link rel="icon" href="../favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="../style.css"></head>
<body class="doc"><header class="top"><p><a href="../" style="color:#fff">← back to the teaching lab</a></p></header>
<main class="doc-body">{{.Body}}</main></body></html>
`))

var (
	docOnce  sync.Once
	docCache map[string][]byte
)

// renderDocs turns each document into a page, once. goldmark escapes any
// raw HTML in the markdown (its default), and the markdown is ours,
// compiled in.
func renderDocs() map[string][]byte {
	docOnce.Do(func() {
		docCache = map[string][]byte{}
		md := goldmark.New(goldmark.WithExtensions(extension.Table))
		for name, d := range docPages {
			src := pictures.ReplaceAllString(d.markdown, "*(picture: $1)*")
			src = strings.NewReplacer("](MODEL.md", "](model.html", "](TEACHING.md", "](teaching.html").Replace(src)
			var body, page bytes.Buffer
			if err := md.Convert([]byte(src), &body); err != nil {
				panic("web: cannot render " + name + ": " + err.Error())
			}
			docPage.Execute(&page, struct {
				Title string
				Body  template.HTML
			}{d.title, template.HTML(body.String())})
			docCache[name] = page.Bytes()
		}
	})
	return docCache
}

func (s *Server) handleDoc(w http.ResponseWriter, r *http.Request) {
	page, ok := renderDocs()[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// handleFavicon answers browsers that ask for /favicon.ico whatever the
// page says: with the page's icon.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/favicon.svg")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "max-age=86400")
	w.Write(b)
}
