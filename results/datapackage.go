package results

import (
	"encoding/json"
	"io"
	"regexp"
	"strings"
)

// Resource is one table file of a result folder, as its datapackage.json
// lists it.
type Resource struct {
	// Path is the file's path in the folder, such as "schools.csv".
	Path   string
	Format Format
	Schema *Schema
}

// DataPackage is a Frictionless Tabular Data Package
// (https://specs.frictionlessdata.io/tabular-data-package/): the tables of
// a result folder with their Table Schema (each column's name, type,
// unit and description), written as datapackage.json beside them so that
// R, pandas, Stata and Frictionless tools read the columns with their
// types.
type DataPackage struct {
	// Name is lower-case letters, digits and "-._" (other characters
	// become "-"); Title and Description are for people.
	Name, Title, Description string
	Resources                []Resource
}

// packageName keeps a data package or resource name within the
// characters the specification allows.
var packageName = regexp.MustCompile(`[^a-z0-9._-]+`)

type jsonField struct {
	Name        string   `json:"name"`
	Type        Type     `json:"type"`
	Description string   `json:"description"`
	Unit        string   `json:"unit,omitempty"`
	TrueValues  []string `json:"trueValues,omitempty"`
	FalseValues []string `json:"falseValues,omitempty"`
}

type jsonSchema struct {
	Fields        []jsonField `json:"fields"`
	MissingValues []string    `json:"missingValues"`
}

type jsonDialect struct {
	Delimiter   string `json:"delimiter"`
	Header      bool   `json:"header"`
	DoubleQuote bool   `json:"doubleQuote"`
}

type jsonResource struct {
	Name        string       `json:"name"`
	Path        string       `json:"path"`
	Profile     string       `json:"profile"`
	Description string       `json:"description,omitempty"`
	Format      Format       `json:"format"`
	MediaType   string       `json:"mediatype"`
	Encoding    string       `json:"encoding,omitempty"`
	Dialect     *jsonDialect `json:"dialect,omitempty"`
	Schema      jsonSchema   `json:"schema"`
}

type jsonPackage struct {
	Profile     string         `json:"profile"`
	Name        string         `json:"name"`
	Title       string         `json:"title,omitempty"`
	Description string         `json:"description,omitempty"`
	Resources   []jsonResource `json:"resources"`
}

// Write writes the package as indented JSON. Booleans are declared with
// trueValues ["1"] and falseValues ["0"], and an empty cell is the
// missing value. "unit" is a field property of schoolnet's own (Table
// Schema allows them).
func (p *DataPackage) Write(w io.Writer) error {
	out := jsonPackage{Profile: "tabular-data-package", Name: safeName(p.Name), Title: p.Title, Description: p.Description,
		Resources: []jsonResource{}}
	for _, r := range p.Resources {
		jr := jsonResource{Name: safeName(strings.TrimSuffix(r.Path, "."+string(r.Format))), Path: r.Path,
			Description: r.Schema.Description, Format: r.Format, Schema: jsonSchema{MissingValues: []string{""}}}
		switch r.Format {
		case Parquet:
			jr.Profile, jr.MediaType = "data-resource", "application/vnd.apache.parquet"
		default:
			jr.Profile, jr.MediaType, jr.Encoding = "tabular-data-resource", "text/csv", "utf-8"
			jr.Dialect = &jsonDialect{Delimiter: ",", Header: true, DoubleQuote: true}
		}
		for _, f := range r.Schema.Fields {
			jf := jsonField{Name: f.Name, Type: f.Type, Description: plain(f.Description), Unit: f.Unit}
			if f.Type == Boolean {
				jf.TrueValues, jf.FalseValues = []string{"1"}, []string{"0"}
			}
			jr.Schema.Fields = append(jr.Schema.Fields, jf)
		}
		out.Resources = append(out.Resources, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func safeName(s string) string {
	return strings.Trim(packageName.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// plain drops the Markdown backticks of a description.
func plain(s string) string { return strings.ReplaceAll(s, "`", "") }

// WriteTable writes the table file name of schema s, in format, through
// write, and records it for the folder's datapackage.json.
func (f *Folder) WriteTable(name string, s *Schema, format Format, write func(w io.Writer) error) error {
	if err := f.Write(name, write); err != nil {
		return err
	}
	f.st.tables = append(f.st.tables, table{f.prefix, Resource{Path: name, Format: format, Schema: s}})
	return nil
}

// WriteDataPackage writes the folder's datapackage.json, listing the
// tables written with WriteTable in it (not those of its subfolders),
// under the package name, title and description. It writes nothing when
// the folder has no tables.
func (f *Folder) WriteDataPackage(name, title, description string) error {
	p := DataPackage{Name: name, Title: title, Description: description}
	for _, t := range f.st.tables {
		if t.prefix == f.prefix {
			p.Resources = append(p.Resources, t.r)
		}
	}
	if len(p.Resources) == 0 {
		return nil
	}
	return f.Write("datapackage.json", p.Write)
}

// table is a table written in a folder or a subfolder (prefix "NAME/").
type table struct {
	prefix string
	r      Resource
}
