// Package web is the teaching lab that `schoolnet serve` runs: a local
// page to move a policy control, run a scenario, and see what the reform
// does, side by side with a pinned run.
//
// # Overview
//
// [Server] is an http.Handler. It serves one page whose HTML, CSS and
// JavaScript are embedded in the binary (no CDN, no network), and a small
// JSON API under /api that the page calls:
//
//   - GET /api/config, /api/scenarios, /api/scenarios/{name}: the limits,
//     the chart series, the shipped scenarios and their control values;
//   - POST /api/inspect: read an uploaded scenario file (validator
//     messages come back as {"error": ...});
//   - POST /api/runs: run a scenario with the page's [Settings]; the
//     answer carries the run's ID;
//   - GET /api/runs/{id}/events: the run's progress as server-sent events
//     (its queue place, each year's means and 95% intervals as every
//     replication finishes it, the summary when done);
//   - GET /api/runs/{id}/network, /files/{file}, /results.zip: the school
//     network by year and the result files of docs/RESULTS.md;
//   - GET /api/compare?a=ID&b=ID: paired differences of two runs
//     (results.Compare, common random numbers);
//   - POST /api/runs/{id}/cancel, GET /api/queue;
//   - class mode (class.go): POST /api/class (the teacher starts a
//     session), GET /api/class, POST /api/class/join (a student joins
//     with the code), GET /api/class/board, POST /api/class/remove and
//     POST /api/class/end, with the teacher's or a student's token in
//     the X-Class-Token header;
//   - GET /docs/{name}: docs/MODEL.md and docs/TEACHING.md as pages.
//
// # Speed
//
// Each replication's world at the end of year 0 depends only on the
// school system, the model's parameters, the seed and the calendar, not
// on the reforms, which act from year 1. The server keeps those worlds in
// an LRU cache within Options.WorldCache bytes (worlds.go) and every run
// forks them (sim.Engine.Fork), so that a reform's first chart point
// comes at once and its files are byte for byte those of sim.Replicate. A
// run of a scenario that has finished before takes its numbers.
//
// # Safety
//
// Runs live in memory and are known only by an ID of 128 random bits
// (crypto/rand): there is no list of runs, so a request can read only the
// results of runs whose IDs it was given, which in practice means the runs
// its own page started. Uploaded scenarios are parsed with
// scenarios.ParseUntrusted, which never reads the server's disk and
// refuses files nested deeper than scenarios.MaxNesting (or over its other
// bounds) before decoding them. Each run is checked against [Options]'
// limits (schools, planned students, replications, years, upload size);
// at most MaxRunning simulate at once, the rest wait in a first-come queue
// of at most MaxQueued; a run that no page watches for Options.Grace (the
// page was closed) is cancelled.
//
// A request that would change state (any method but GET and HEAD) must
// come from the lab's own page: a browser's Origin and Sec-Fetch-Site
// headers, when present, must name this server's origin, and a body must
// be JSON, so that no page elsewhere can start or stop runs (see
// refuseForeign for why no token is needed). The request's JSON, the
// settings included, is decoded strictly: an unknown field is refused by
// name. At most MaxParsing requests read a scenario at once; one that
// finds them all busy is refused (503), and each has 10 seconds to send
// its body. A panic in a run fails that run alone, with "internal error,
// please report it" and the scenario's hash; one in a request answers it
// with an internal error; the server goes on either way.
//
// In class mode the teacher's actions need the teacher token (printed by
// the serve command, never served), a student's runs the student's token;
// students run only the session's scenario, years, replications and
// seed, one run at a time within a budget; join attempts are rate limited
// per address; and [AllowHosts] keeps a lab served beyond loopback to its
// own addresses (DNS rebinding).
//
// docs/TEACHING.md describes the page, its controls and these limits.
package web
