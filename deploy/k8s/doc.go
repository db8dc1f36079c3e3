// Package k8s holds the test of schoolnet's Kubernetes manifests
// (sweep-job.yaml): each object is decoded strictly into the Kubernetes
// API's own Go types (k8s.io/api), offline, so that a misspelt or
// misplaced field, a wrong type or an unparsable quantity fails the test
// before it fails a cluster; then the sweep's own rules are checked. It
// is a module of its own so that schoolnet's go.mod does not carry the
// Kubernetes API; make test runs it.
package k8s
