package statistics

// Replication is one replication's values, as Collector.Values returns
// them: the rows of statistics.csv (package results writes it).
type Replication struct {
	Replication int
	Values      []Value
}
