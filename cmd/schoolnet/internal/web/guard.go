package web

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// refuseForeign returns why a request that would change state (any method
// but GET and HEAD) does not come from this lab's own page, or "".
//
// A browser says where a request comes from: Sec-Fetch-Site (every
// current browser) is "same-origin" for the page's own requests, "none"
// for ones the user typed, "same-site" or "cross-site" for ones another
// page made; Origin (sent with every POST since 2020) names the page's
// scheme, host and port. A request that carries either header must show
// it comes from this server's own origin; one with neither comes from a
// script or curl, not from a page, and is let through like a shell
// command would be. This is the rule of net/http's CrossOriginProtection,
// made strict: it also compares Origin when Sec-Fetch-Site says
// same-origin, compares the scheme, and covers OPTIONS.
//
// No token is needed on top: the lab keeps no cookie or other ambient
// credential that a token would protect, a page elsewhere cannot read
// this origin's page to learn a token, and a browser too old to send
// either header still cannot send a JSON body across origins without a
// CORS preflight, which this server never grants (see refuseBody).
func refuseForeign(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return ""
	}
	own := "http://" + r.Host
	if r.TLS != nil {
		own = "https://" + r.Host
	}
	site, origin := r.Header.Get("Sec-Fetch-Site"), r.Header.Get("Origin")
	switch {
	case site != "" && site != "same-origin" && site != "none":
		return fmt.Sprintf("refused: this request was made by a page of another origin (Sec-Fetch-Site: %s); the lab takes runs and changes only from its own page, %s", site, own)
	case origin != "" && !strings.EqualFold(origin, own):
		return fmt.Sprintf("refused: this request was made by a page of %s; the lab takes runs and changes only from its own page, %s", origin, own)
	}
	return ""
}

// refuseBody returns why a request's body cannot be the page's, or "":
// a body must be declared application/json, as the page sends it, so
// that a plain HTML form or a "simple" cross-origin fetch (text/plain,
// form encodings), which browsers send without asking the server first,
// is refused whatever its Origin.
func refuseBody(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.ContentLength == 0 {
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return fmt.Sprintf("send the request body as JSON, with Content-Type: application/json (got %q)", ct)
	}
	return ""
}
