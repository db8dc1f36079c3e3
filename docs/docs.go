// Package docs holds schoolnet's documentation, the markdown files of this
// folder, and embeds the ones the program quotes, so that what it prints
// about the model (the report's caveats, the teaching lab's docs) is the
// text readers of docs/*.md see, from one source.
package docs

import _ "embed"

// Model is docs/MODEL.md, the model description (ODD protocol).
//
//go:embed MODEL.md
var Model string

// Teaching is docs/TEACHING.md, the teaching lab's guide and lesson plan,
// which the lab serves to its page.
//
//go:embed TEACHING.md
var Teaching string
