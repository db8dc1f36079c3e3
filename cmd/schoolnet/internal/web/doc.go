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
//   - POST /api/runs/{id}/cancel, GET /api/queue.
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
// docs/TEACHING.md describes the page, its controls and these limits.
package web
