package estimate

import "runtime"

// isFusedArch reports whether the Go compiler fuses x*y+z on this
// architecture, where x/exp/stats' last bit may differ from Quantile's.
var isFusedArch = runtime.GOARCH != "amd64" && runtime.GOARCH != "386"
