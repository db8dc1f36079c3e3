# Golden values of TestQuantileMatchesR: R's quantile() with its defaults
# (type = 7, Hyndman & Fan 1996) on fixed vectors. Run with Debian's
# r-base-core (4.2.2 made quantile7.csv):
#
#   Rscript quantile7.R
#
# quantile7-data.csv holds the vectors (name, value, in order, 17 digits)
# and quantile7.csv, per vector and p, quantile(x, p) with 17 digits.
vectors <- list(
  five = c(1, 2, 3, 4, 10),
  two = c(-1.5, 2.25),
  one = c(0.7),
  ties = c(3, 3, 3, 1, 1, 8, 8, 8, 8),
  unsorted = c(0.91, -0.12, 0.33, 0.05, -0.78, 0.64, 0.27, -0.41, 0.18, 0.72, -0.05),
  bootstrap = sin(1:200) * exp(cos(1:200))  # 200 replicates of a statistic, as a bootstrap gives
)
probs <- c(0, 0.025, 0.05, 0.1, 0.25, 1/3, 0.5, 0.9, 0.975, 1)
data <- file("quantile7-data.csv", "w")
out <- file("quantile7.csv", "w")
cat("vector,value\n", file = data)
cat("vector,p,quantile\n", file = out)
for (name in names(vectors)) {
  for (x in vectors[[name]]) cat(sprintf("%s,%.17g\n", name, x), file = data)
  for (p in probs) {
    cat(sprintf("%s,%.17g,%.17g\n", name, p, quantile(vectors[[name]], p, names = FALSE)), file = out)
  }
}
close(data)
close(out)
