#!/usr/bin/python3
"""Golden DID figures for TestDIDMatchesStatsmodels, from statsmodels.

The panel study_students.csv and study_schools.csv was exported by

    schoolnet evaluate scenario.toml --export-data --design did,rct \
        --mediation=false --out DIR

(scenario.toml beside this script). For every study (replication and
assignment) and outcome, this script estimates the two-period difference in
differences with school fixed effects on the designs' sample (eligible = 1):

    y_ist = a_s + g*post_t + tau*(treated_s * post_t) + e_ist

by the within transformation (y, post and treated*post centred on their
school means, then OLS without a constant), with standard errors clustered
by school. statsmodels' cluster covariance applies the CR1 small-sample
factor G/(G-1) * (N-1)/(N-K) with K = 2 regressors: the school effects,
nested in the clusters, are not counted, as Stata's xtreg, fe and R's
fixest (fixef.K = "nested") do. It writes did_golden.csv.

Run with Debian's python3-statsmodels (0.13.5 made the stored figures):

    apt-get install -y python3-statsmodels
    /usr/bin/python3 did_statsmodels.py > did_golden.csv
"""
import sys

import pandas as pd
import statsmodels
import statsmodels.api as sm

OUTCOMES = ["maths", "chinese", "english", "science", "composite"]

students = pd.read_csv("study_students.csv")
sample = students[students.eligible == 1].copy()
sample["tp"] = sample.treated * sample.post

print("replication,assignment,outcome,estimate,se,clusters,observations,statsmodels")
for (rep, assignment), d in sample.groupby(["replication", "assignment"], sort=True):
    for outcome in OUTCOMES:
        cols = [outcome, "post", "tp"]
        within = d[cols] - d.groupby("school")[cols].transform("mean")
        fit = sm.OLS(within[outcome], within[["post", "tp"]]).fit(
            cov_type="cluster", cov_kwds={"groups": d.school})
        print("%d,%s,%s,%.17g,%.17g,%d,%d,%s" % (
            rep, assignment, outcome, fit.params["tp"], fit.bse["tp"],
            d.school.nunique(), len(d), statsmodels.__version__))
sys.exit(0)
