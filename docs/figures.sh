#!/usr/bin/env bash
# docs/figures.sh: re-runs every simulation whose figures docs/ and the
# README quote, and prints each figure in the form the docs give it, section
# by section, so that after a change to the mechanisms or defaults the docs
# can be brought up to date by copying the printed numbers.
#
#   bash docs/figures.sh                 # everything (about an hour on 2 cores)
#   bash docs/figures.sh baseline groups # only some sections
#   OUT=/tmp/figs bash docs/figures.sh   # elsewhere than out/figures
#
# A run whose folder under OUT already holds a manifest.json is not run
# again, so that sections can share runs and a stopped script can resume:
# after the code changes, use an empty OUT (rm -rf out/figures), or the
# figures printed are the old code's.
#
# Sections: baseline realism teachers sorting heldout makerun loose
# groups transfer (rotation and transfer incentives) alliance funding
# double choice evaluate. Every run uses the seed and replications the docs
# state (seed 20260101 unless a section says otherwise). Money and travel
# are the policies' own arithmetic and do not change with the mechanisms'
# parameters; the docs' cost tables are checked by the policies' tests.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-out/figures}
mkdir -p "$OUT"
SN="$OUT/schoolnet"
go build -o "$SN" ./cmd/schoolnet
sections=${*:-baseline realism teachers sorting heldout makerun loose groups transfer alliance funding double choice evaluate}
want() { [[ " $sections " == *" $1 "* ]]; }

# run NAME SCENARIO [FLAGS]: schoolnet run into $OUT/NAME (skipped if done).
run() {
	local name=$1
	shift
	[[ -f "$OUT/$name/manifest.json" ]] || "$SN" run "$@" --quiet --out "$OUT/$name" >"$OUT/$name.txt"
}

# ymean NAME GROUP YEAR COLUMN: yearly.csv's COLUMN for GROUP in YEAR,
# mean over replications.
ymean() {
	awk -F, -v g="$2" -v y="$3" -v c="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$2 == y && $3 == g { s += $k; n++ }
		END { printf "%.3f", s / n }' "$OUT/$1/yearly.csv"
}

# ydiff NAME BASE GROUP YEAR COLUMN: ymean of NAME minus ymean of BASE.
ydiff() {
	awk -v a="$(ymean "$1" "$3" "$4" "$5")" -v b="$(ymean "$2" "$3" "$4" "$5")" 'BEGIN { printf "%+.3f", a - b }'
}

# sdiff NAME BASE FILTER YEAR COLUMN: schools.csv's COLUMN in NAME minus
# the same school's in BASE (same replication and year), mean over the
# schools of NAME that pass FILTER: treated_weak (treated weak schools),
# treated (treated schools of any tier), partner_strong (strong schools in
# a pair).
sdiff() {
	awk -F, -v f="$3" -v y="$4" -v c="$5" '
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
		$col["year"] != y { next }
		{ key = $col["replication"] "," $col["school"] }
		file == 1 { base[key] = $col[c]; next }
		f == "treated_weak" && !($col["treated"] != 0 && $col["tier"] == "weak") { next }
		f == "partner_strong" && !($col["pair"] != -1 && $col["tier"] == "strong") { next }
		f == "treated" && $col["treated"] == 0 { next }
		{ s += $col[c] - base[key]; n++ }
		END { printf "%+.3f", s / n }' "$OUT/$2/schools.csv" "$OUT/$1/schools.csv"
}

# smean NAME FILTER YEAR COLUMN: schools.csv's COLUMN, mean over the
# schools that pass FILTER (member: in a group but not its lead; alliance:
# in an alliance; weak) and over replications; count: the number of such
# schools per replication.
smean() {
	awk -F, -v f="$2" -v y="$3" -v c="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["year"] != y { next }
		f == "member" && !($col["group"] != -1 && $col["group_lead"] != "true" && $col["group_lead"] != 1) { next }
		f == "alliance" && $col["alliance"] == -1 { next }
		f == "weak" && $col["tier"] != "weak" { next }
		{ s += $col[c]; n++; reps[$col["replication"]] = 1 }
		END { r = 0; for (k in reps) r++; if (c == "count") printf "%.0f", n / r; else printf "%.3f", s / n }' "$OUT/$1/schools.csv"
}

# pdiff NAME BASE GROUP YEAR COLUMN: yearly.csv's COLUMN for GROUP in YEAR,
# NAME minus BASE paired by replication: mean ± the half-width of its 95%
# interval (t with replications − 1 degrees of freedom, as compare).
pdiff() {
	awk -F, -v g="$3" -v y="$4" -v c="$5" '
		FNR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; file++; next }
		$2 != y || $3 != g { next }
		file == 1 { base[$1] = $k; next }
		{ d[$1] = $k - base[$1]; n++ }
		END {
			split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262", t, " ")
			for (r in d) m += d[r] / n
			for (r in d) v += (d[r] - m) ^ 2 / (n - 1)
			printf "%+.3f ±%.3f", m, t[n - 1] * sqrt(v / n)
		}' "$OUT/$2/yearly.csv" "$OUT/$1/yearly.csv"
}

# modelvariant NAME BASE TABLE KEY=VALUE...: a scenario file extending BASE
# whose [TABLE] (model, run) has the given keys changed.
modelvariant() {
	local name=$1 base=${2%.toml}.toml table=$3
	shift 3
	{
		printf 'extends = "%s"\nname = "%s"\n\n[%s]\n' "$base" "$name" "$table"
		printf '%s\n' "$@"
	} >"$OUT/$name.toml"
}

# variant NAME BASE POLICY KIND KEY=VALUE...: a scenario file extending
# BASE (a shipped scenario's name or a .toml file; extends names it with
# .toml, so that a result folder of the same name beside the file is not
# taken for it) whose policy POLICY (of KIND) has the given keys changed.
variant() {
	local name=$1 base=${2%.toml}.toml policy=$3 kind=$4
	shift 4
	{
		printf 'extends = "%s"\nname = "%s"\n\n[[policy]]\nkind = "%s"\nname = "%s"\n' "$base" "$name" "$kind" "$policy"
		printf '%s\n' "$@"
	} >"$OUT/$name.toml"
}

if want baseline; then
	echo "== baseline (docs/MODEL.md section 1 'Baseline patterns'; seed 20260101, 4 replications)"
	run baseline baseline
	cat "$OUT/baseline.txt"
	for g in all strong average weak local migrant; do
		printf '%-8s year 0: composite %s peer_relations %s climate %s morale %s effectiveness %s turnover %s ses %s\n' "$g" \
			"$(ymean baseline $g 0 composite)" "$(ymean baseline $g 0 peer_relations)" "$(ymean baseline $g 0 climate)" \
			"$(ymean baseline $g 0 morale)" "$(ymean baseline $g 0 effectiveness)" "$(ymean baseline $g 0 turnover)" "$(ymean baseline $g 0 ses)"
	done
	for y in 0 6; do
		printf 'year %d: between_share %s gap_strong_weak %s gap_migrant_local %s gap_ses_q4_q1 %s\n' $y \
			"$(ymean baseline all $y between_share)" "$(ymean baseline all $y gap_strong_weak)" \
			"$(ymean baseline all $y gap_migrant_local)" "$(ymean baseline all $y gap_ses_q4_q1)"
	done
	echo
fi

if want realism; then
	echo "== realism checks (docs/MODEL.md section 1; growth on the vertical scale)"
	go test ./sim -run 'BaselineLooksLike|NoFirstGradeDip' -count=1 -v | grep -E 'realism_test|^(ok|FAIL|---)'
	echo
fi

if want teachers; then
	echo "== the teacher market (docs/MODEL.md section 1 'Teacher market', 7.22; seed 20260101, 4 replications)"
	run baseline baseline
	modelvariant notransfer baseline model 'transfer_search = 0'
	run notransfer "$OUT/notransfer.toml"
	for s in baseline notransfer; do
		awk -v s=$s -v e0="$(ymean $s strong 0 effectiveness) $(ymean $s weak 0 effectiveness)" \
			-v e6="$(ymean $s strong 6 effectiveness) $(ymean $s weak 6 effectiveness)" \
			-v g0="$(ymean $s all 0 gap_strong_weak)" -v g6="$(ymean $s all 6 gap_strong_weak)" \
			-v w0="$(ymean $s weak 0 composite)" -v w6="$(ymean $s weak 6 composite)" -v mv="$(ymean $s all 1 movers)" 'BEGIN {
			split(e0, a, " "); split(e6, b, " ")
			printf "%-10s teacher effectiveness gap strong-weak year 0 %.3f, widening %+.4f a year; composite gap %.3f -> %.3f (%+.4f a year); weak composite year 6 minus year 0 %+.3f; movers year 1 %.3f\n",
				s, a[1] - a[2], ((b[1] - b[2]) - (a[1] - a[2])) / 6, g0, g6, (g6 - g0) / 6, w6 - w0, mv }'
	done
	go test ./sim -run 'TestBaselineTeacherMobility' -count=1 -v | grep -E 'mobility_test|^(ok|FAIL|---)'
	echo
fi

# statmean NAME STATISTIC GRADE TIER SUBJECT FIRST LAST: statistics.csv's
# STATISTIC (grade 0 and tier "none" where it is not by them), mean over
# replications and the years FIRST to LAST.
statmean() {
	awk -F, -v st="$2" -v g="$3" -v t="$4" -v k="$5" -v a="$6" -v b="$7" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["statistic"] == st && $col["grade"] == g && $col["tier"] == t && $col["subject"] == k &&
			$col["first_year"] >= a && $col["first_year"] <= b && $col["value"] != "" { s += $col["value"]; n++ }
		END { printf "%.3f", s / n }' "$OUT/$1/statistics.csv"
}

if want sorting; then
	echo "== teacher sorting between tiers against its evidence (docs/MODEL.md section 1 'Where the value-added gap comes from', docs/VALIDATION.md; seed 20260101, 4 replications)"
	run baseline baseline
	# The teacher market with transfer_advantage and attrition_weakness at
	# the low ends of their ranges and hire_reputation at the 5% point of
	# its posterior, and without transfers' pull towards reputation; the
	# school inputs' per-unit effects off; the market's differences off;
	# both.
	low=('transfer_advantage = 0.5' 'attrition_weakness = 0.4' 'hire_reputation = 0.0035')
	inputs=('climate_effect = 0' 'resource_effect = 0' 'peer_achievement_effect = 0' 'peer_relation_effect = 0' 'engagement_effect = 0' 'style_effect = 0')
	market=('transfer_advantage = 0' 'attrition_weakness = 0' 'hire_reputation = 0' 'attrition_effectiveness = 0' 'teacher_experience_gain = 0')
	modelvariant sort-low baseline model "${low[@]}"
	modelvariant sort-nopull baseline model 'transfer_advantage = 0'
	modelvariant sort-noinputs baseline model "${inputs[@]}"
	modelvariant sort-nomarket baseline model "${market[@]}"
	modelvariant sort-neither baseline model "${inputs[@]}" "${market[@]}"
	for s in baseline sort-low sort-nopull sort-noinputs sort-nomarket sort-neither; do
		[[ $s == baseline ]] || run $s "$OUT/$s.toml"
		printf '%-13s teacher effectiveness strong-weak year 0 %s, year 3 %s, year 6 %s; value-added gap (growth_gap_strong_weak, composite, grades 8-9, years 1-6) %s %s; composite gap year 6 %s\n' $s \
			"$(awk -v a="$(ymean $s strong 0 effectiveness)" -v b="$(ymean $s weak 0 effectiveness)" 'BEGIN { printf "%.3f", a - b }')" \
			"$(awk -v a="$(ymean $s strong 3 effectiveness)" -v b="$(ymean $s weak 3 effectiveness)" 'BEGIN { printf "%.3f", a - b }')" \
			"$(awk -v a="$(ymean $s strong 6 effectiveness)" -v b="$(ymean $s weak 6 effectiveness)" 'BEGIN { printf "%.3f", a - b }')" \
			"$(statmean $s growth_gap_strong_weak 8 none composite 1 6)" "$(statmean $s growth_gap_strong_weak 9 none composite 1 6)" \
			"$(ymean $s all 6 gap_strong_weak)"
	done
	echo "-- rotation and the SSP with less sorting (low) and without transfers' pull (nopull): weak schools' composite against each one's own baseline, and the change, paired by replication"
	for v in low nopull; do
		case $v in low) keys=("${low[@]}") ;; nopull) keys=('transfer_advantage = 0') ;; esac
		modelvariant rotation-$v rotation-only model "${keys[@]}"
		modelvariant ssp-$v shanghai-ssp model "${keys[@]}"
	done
	# didci Y A B: a reform's gain for weak schools in year Y with the
	# market's variant (files B: its baseline, its reform) less the gain at
	# the defaults (files A), paired by replication, with its 95% interval.
	didci() {
		local y=$1
		shift
		awk -F, -v y="$y" '
			FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; f++; next }
			$col["group"] != "weak" || $col["year"] != y { next }
			{ x[f, $col["replication"]] = $col["composite"]; reps[$col["replication"]] = 1 }
			END { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262", t, " ")
				for (r in reps) { d = (x[4, r] - x[3, r]) - (x[2, r] - x[1, r]); s += d; ss += d * d; n++ }
				m = s / n; h = t[n - 1] * sqrt((ss - n * m * m) / (n - 1) / n); printf "%+.3f [%+.3f, %+.3f]", m, m - h, m + h }' "$@"
	}
	for y in 3 6; do
		for v in default low nopull; do
			if [[ $v == default ]]; then set -- baseline rotation-only shanghai-ssp; else set -- "$OUT/sort-$v.toml" "$OUT/rotation-$v.toml" "$OUT/ssp-$v.toml"; fi
			[[ -f "$OUT/sort-cmp-$v-$y/manifest.json" ]] || "$SN" compare "$@" --reps 4 --year $y --quiet --out "$OUT/sort-cmp-$v-$y" >"$OUT/sort-cmp-$v-$y.txt"
			printf 'year %s, %-7s ' $y $v
			grep -A4 '^weak_composite' "$OUT/sort-cmp-$v-$y.txt" | tail -2 | awk '{ printf "%s %s %s %s   ", $1, $3, $4, $5 } END { print "" }'
		done
		for v in low nopull; do
			d=$OUT/sort-cmp-default-$y e=$OUT/sort-cmp-$v-$y
			printf 'year %s, %s less default, paired: rotation %s, SSP %s\n' $y $v \
				"$(didci $y $d/baseline/yearly.csv $d/rotation-only/yearly.csv $e/sort-$v/yearly.csv $e/rotation-$v/yearly.csv)" \
				"$(didci $y $d/baseline/yearly.csv $d/shanghai-ssp/yearly.csv $e/sort-$v/yearly.csv $e/ssp-$v/yearly.csv)"
		done
	done
	echo "-- the reference grade SD on the latent scale (to read effectiveness in SD of the grade): growth_latent / growth, baseline, composite, grades 8 and 9, years 1-6"
	echo "$(statmean baseline growth_latent 8 all composite 1 6) / $(statmean baseline growth 8 all composite 1 6), $(statmean baseline growth_latent 9 all composite 1 6) / $(statmean baseline growth 9 all composite 1 6)"
	echo
fi

# pairci DIR NAME GROUP YEAR COLUMN: yearly.csv's COLUMN for GROUP in
# YEAR of the compare folder DIR's scenario NAME minus its baseline's,
# paired by replication, with its 95% interval [low, high] (t with
# replications − 1 degrees of freedom, as compare).
pairci() {
	awk -F, -v g="$3" -v y="$4" -v c="$5" '
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; f++; next }
		$col["group"] != g || $col["year"] != y { next }
		f == 1 { base[$col["replication"]] = $col[c]; next }
		{ d = $col[c] - base[$col["replication"]]; s += d; ss += d * d; n++ }
		END { m = s / n; h = tq(n - 1) * sqrt((ss - n * m * m) / (n - 1) / n); printf "%+.3f [%+.3f, %+.3f]", m, m - h, m + h }
		function tq(df,  t) { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262", t, " "); return t[df] }' \
		"$OUT/$1/baseline/yearly.csv" "$OUT/$1/$2/yearly.csv"
}

# treatedci DIR NAME YEAR COLUMN: schools.csv's COLUMN in YEAR, NAME's
# treated schools minus the same schools in DIR's baseline, their mean
# per replication, then over replications with its 95% interval.
treatedci() {
	awk -F, -v y="$3" -v c="$4" '
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; f++; next }
		$col["year"] != y { next }
		f == 1 { base[$col["replication"] "," $col["school"]] = $col[c]; next }
		$col["treated"] == 1 { r = $col["replication"]; s[r] += $col[c] - base[r "," $col["school"]]; n[r]++ }
		END { for (r in s) { d = s[r] / n[r]; t += d; tt += d * d; k++ }
			m = t / k; h = tq(k - 1) * sqrt((tt - k * m * m) / (k - 1) / k); printf "%+.3f [%+.3f, %+.3f]", m, m - h, m + h }
		function tq(df,  t) { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262", t, " "); return t[df] }' \
		"$OUT/$1/baseline/schools.csv" "$OUT/$1/$2/schools.csv"
}

if want heldout; then
	echo "== the test-only studies (docs/VALIDATION.md 'What the runs give'; seed 20260101, 4 replications, paired with the baseline)"
	# compare DIR YEAR SCENARIO...: schoolnet compare into $OUT/DIR.
	cmpto() {
		local dir=$1 year=$2
		shift 2
		[[ -f "$OUT/$dir/manifest.json" ]] || "$SN" compare baseline "$@" --reps 4 --year "$year" --quiet --out "$OUT/$dir" >"$OUT/$dir.txt"
	}
	for y in 3 6; do
		cmpto heldout-double-$y $y double-teacher double-teacher-wellrun
		cmpto heldout-groups-$y $y federation chengdu-education-groups
		for s in double-teacher double-teacher-wellrun; do
			echo "remote lessons, year $y, $s: weak schools $(pairci heldout-double-$y $s weak $y composite)"
		done
		for s in federation chengdu-education-groups; do
			echo "groups, year $y, $s: all schools $(pairci heldout-groups-$y $s all $y composite); strong $(pairci heldout-groups-$y $s strong $y composite); weak $(pairci heldout-groups-$y $s weak $y composite); SES quartile 1 $(pairci heldout-groups-$y $s ses_q1 $y composite), quartile 4 $(pairci heldout-groups-$y $s ses_q4 $y composite)"
		done
	done
	for y in 2 4; do
		cmpto heldout-priority-$y $y priority-education priority-education-unlabelled
		for s in priority-education priority-education-unlabelled; do
			echo "priority education, year $y, $s: funded schools against the same schools in the baseline $(treatedci heldout-priority-$y $s $y composite)"
		done
	done
	echo "-- effectiveness over the year of a move (Jackson 2013)"
	go test ./sim -run 'TestBaselineTeacherMobility' -count=1 -v | grep -E 'mobility_test|^(ok|FAIL|---)'
	echo
fi

if want makerun; then
	echo "== the headline reforms at the defaults (README 'What make run shows'): schoolnet compare"
	[[ -f "$OUT/compare/manifest.json" ]] || "$SN" compare --quiet --out "$OUT/compare" >"$OUT/compare.txt"
	cat "$OUT/compare.txt"
	echo "== make run (docs/UNCERTAINTY.md 'make run'): the same over four parameter draws"
	[[ -f "$OUT/compare-ensemble/manifest.json" ]] ||
		"$SN" compare --ensemble prior --reps 8 --draws 4 --quiet --out "$OUT/compare-ensemble" >"$OUT/compare-ensemble.txt"
	cat "$OUT/compare-ensemble.txt"
	echo
fi

if want loose; then
	echo "== loose-collaboration (docs/SCENARIOS.md, pairing; 2 replications)"
	run base2 baseline --reps 2
	run loose loose-collaboration --reps 2
	variant loose-attainment loose-collaboration loose-pairing pairing 'focus = "attainment"'
	run loose-attainment "$OUT/loose-attainment.toml" --reps 2
	modelvariant loose-nointake loose-collaboration model 'intake_response = 0'
	run loose-nointake "$OUT/loose-nointake.toml" --reps 2
	for v in loose loose-nointake loose-attainment; do
		printf '%s: paired weak schools vs the same schools in the baseline, years 1-3: %s %s %s; peer relations year 3 %s; strong partners %s %s %s\n' $v \
			"$(sdiff $v base2 treated_weak 1 composite)" "$(sdiff $v base2 treated_weak 2 composite)" "$(sdiff $v base2 treated_weak 3 composite)" \
			"$(sdiff $v base2 treated_weak 3 peer_relations)" \
			"$(sdiff $v base2 partner_strong 1 composite)" "$(sdiff $v base2 partner_strong 2 composite)" "$(sdiff $v base2 partner_strong 3 composite)"
	done
	"$SN" compare baseline loose-collaboration --reps 2 --year 3 --quiet --out "$OUT/compare-loose" | sed -n '/^weak_composite/,/^$/p'
	echo
fi

if want groups; then
	echo "== education groups (docs/SCENARIOS.md, education-group; 2 replications; tier mean minus baseline)"
	run base2 baseline --reps 2
	for s in chengdu-education-groups federation; do
		run "$s" "$s" --reps 2
		for y in 3 6; do
			printf '%s year %d: weak %s average %s strong %s trust %s\n' $s $y \
				"$(ydiff $s base2 weak $y composite)" "$(ydiff $s base2 average $y composite)" "$(ydiff $s base2 strong $y composite)" \
				"$(smean $s member $y trust)"
		done
	done
	echo
fi

if want transfer; then
	echo "== rotation-only and transfer-incentive (docs/SCENARIOS.md, rotation and transfer-incentive; 4 replications; tier mean minus baseline, paired)"
	run baseline baseline
	modelvariant baseline-portable baseline model 'context_share_junior = 0'
	run baseline-portable "$OUT/baseline-portable.toml"
	run rotation4 rotation-only
	modelvariant rotation4-portable rotation-only model 'context_share_junior = 0'
	run rotation4-portable "$OUT/rotation4-portable.toml"
	for y in 1 3 6; do
		printf 'rotation-only year %d: weak %s strong %s; all value added portable: weak %s strong %s\n' $y \
			"$(pdiff rotation4 baseline weak $y composite)" "$(pdiff rotation4 baseline strong $y composite)" \
			"$(pdiff rotation4-portable baseline-portable weak $y composite)" "$(pdiff rotation4-portable baseline-portable strong $y composite)"
	done
	printf 'rotation-only weak teacher effectiveness vs baseline, year 1: %s (all portable %s); money a year %s\n' \
		"$(ydiff rotation4 baseline weak 1 effectiveness)" "$(ydiff rotation4-portable baseline-portable weak 1 effectiveness)" "$(ymean rotation4 all 1 cost_money)"
	run transfer transfer-incentive
	for y in 1 3 6; do
		printf 'transfer-incentive year %d: weak %s strong %s\n' $y "$(pdiff transfer baseline weak $y composite)" "$(pdiff transfer baseline strong $y composite)"
	done
	printf 'transfer-incentive: money years 1-3 %s %s %s; movers year 1 %s (baseline %s)\n' \
		"$(ymean transfer all 1 cost_money)" "$(ymean transfer all 2 cost_money)" "$(ymean transfer all 3 cost_money)" \
		"$(ymean transfer all 1 movers)" "$(ymean baseline all 1 movers)"
	SCHOOLNET_FIGURES=1 go test ./sim/policy -run 'Transfer' -count=1 -v | grep -E 'transfer_(figures_)?test|^(ok|FAIL)'
	echo
fi

if want alliance; then
	echo "== curriculum alliances (docs/SCENARIOS.md, curriculum-alliance; 2 replications)"
	run base2 baseline --reps 2
	printf 'baseline weak composite, year 6: %s\n' "$(ymean base2 weak 6 composite)"
	for s in curriculum-alliance curriculum-alliance-review; do
		run "$s" "$s" --reps 2
		printf '%s: weak composite year 6 %s (%s); weak resources vs baseline year 1 %s, year 6 %s; members year 1 %s, year 6 %s; teacher hours per member year 1 %s, year 6 %s\n' $s \
			"$(ymean $s weak 6 composite)" "$(ydiff $s base2 weak 6 composite)" \
			"$(ydiff $s base2 weak 1 resources)" "$(ydiff $s base2 weak 6 resources)" \
			"$(smean $s alliance 1 count)" "$(smean $s alliance 6 count)" \
			"$(smean $s alliance 1 cost_teacher_hours)" "$(smean $s alliance 6 cost_teacher_hours)"
	done
	echo
fi

if want funding; then
	echo "== funding (docs/SCENARIOS.md, funding 'Results'; 4 replications; funded schools minus the same schools in the baseline)"
	off='resource_pupils = 0
spending_concavity = 0
routine_training = 0
facility_lag_weeks = 0
funding_crowd_out = 0
training_fadeout = 0
label_attrition = 0
label_stigma = 0
label_intake_ses = 0'
	modelvariant base8 baseline run 'years = 8'
	modelvariant funding8 funding-only run 'years = 8'
	modelvariant base8-before "$OUT/base8.toml" model "$off"
	modelvariant funding8-before "$OUT/funding8.toml" model "$off"
	for t in weak strong; do
		variant "fund-$t" "$OUT/funding8.toml" ssp-funding funding 'per_school = 1000000' "[policy.select]" 'rule = "all"' "tier = \"$t\"" 'share = 1'
		modelvariant "fund-$t-before" "$OUT/fund-$t.toml" model "$off"
	done
	for s in base8 funding8 base8-before funding8-before fund-weak fund-strong fund-weak-before fund-strong-before; do run $s "$OUT/$s.toml"; done
	for p in "funding8 base8" "funding8-before base8-before" "fund-weak base8" "fund-strong base8" "fund-weak-before base8-before" "fund-strong-before base8-before"; do
		set -- $p
		printf '%-20s years 1-8:' $1
		for y in 1 2 3 4 5 6 7 8; do printf ' %s' "$(sdiff $1 $2 treated $y composite)"; done
		printf '\n'
	done
	modelvariant funding8-nointake "$OUT/funding8.toml" model 'intake_response = 0'
	modelvariant funding8-before-nointake "$OUT/funding8-before.toml" model 'intake_response = 0'
	modelvariant base8-before-nointake "$OUT/base8-before.toml" model 'intake_response = 0'
	for s in funding8-nointake funding8-before-nointake base8-before-nointake; do run $s "$OUT/$s.toml"; done
	for p in "funding8-nointake base8" "funding8-before-nointake base8-before-nointake"; do
		set -- $p
		printf '%-24s years 1-8:' $1
		for y in 1 2 3 4 5 6 7 8; do printf ' %s' "$(sdiff $1 $2 treated $y composite)"; done
		printf '\n'
	done
	modelvariant priority-noflight priority-education model 'label_intake_ses = 0'
	modelvariant priority-nointake priority-education model 'intake_response = 0'
	modelvariant priority-unlabelled-nointake priority-education-unlabelled model 'intake_response = 0'
	modelvariant priority-labeltop priority-education model 'label_attrition = 0.5' 'label_stigma = 0.5' 'label_intake_ses = 0.25'
	for s in priority-education priority-education-unlabelled; do run $s $s; done
	for s in priority-noflight priority-nointake priority-unlabelled-nointake priority-labeltop; do run $s "$OUT/$s.toml"; done
	for s in priority-education-unlabelled priority-education priority-noflight priority-unlabelled-nointake priority-nointake priority-labeltop; do
		printf '%-30s years 2 4 5 6 8: %s %s %s %s %s; teacher effectiveness year 4 %s; ses year 4 %s\n' $s \
			"$(sdiff $s base8 treated 2 composite)" "$(sdiff $s base8 treated 4 composite)" "$(sdiff $s base8 treated 5 composite)" \
			"$(sdiff $s base8 treated 6 composite)" "$(sdiff $s base8 treated 8 composite)" \
			"$(sdiff $s base8 treated 4 effectiveness)" "$(sdiff $s base8 treated 4 ses)"
	done
	echo
fi

if want double; then
	echo "== double-teacher (docs/SCENARIOS.md, double-teacher; 2 replications; weak schools minus baseline)"
	run base2 baseline --reps 2
	run double double-teacher --reps 2
	variant double-full double-teacher double-teacher double-teacher 'connectivity = "full"'
	run double-full "$OUT/double-full.toml" --reps 2
	modelvariant double-direct double-teacher model 'remote_learning = 0'
	run double-direct "$OUT/double-direct.toml" --reps 2
	run double-wellrun double-teacher-wellrun --reps 2
	modelvariant double-wellrun-direct double-teacher-wellrun model 'remote_learning = 0'
	run double-wellrun-direct "$OUT/double-wellrun-direct.toml" --reps 2
	for s in double double-direct double-full; do
		for y in 1 3 6; do
			printf '%s year %d: maths %s chinese %s english %s science %s composite %s (level %s)\n' $s $y \
				"$(ydiff $s base2 weak $y maths)" "$(ydiff $s base2 weak $y chinese)" "$(ydiff $s base2 weak $y english)" \
				"$(ydiff $s base2 weak $y science)" "$(ydiff $s base2 weak $y composite)" "$(ymean $s weak $y composite)"
		done
	done
	for s in double-wellrun double-wellrun-direct; do
		for y in 1 2 3 4 6; do
			printf '%s year %d: maths %s chinese %s english %s science %s composite %s; weak teacher effectiveness %s\n' $s $y \
				"$(ydiff $s base2 weak $y maths)" "$(ydiff $s base2 weak $y chinese)" "$(ydiff $s base2 weak $y english)" \
				"$(ydiff $s base2 weak $y science)" "$(ydiff $s base2 weak $y composite)" "$(ydiff $s base2 weak $y effectiveness)"
		done
	done
	printf 'double weak teacher effectiveness year 6: %s; money a year %s, teacher hours a year %s; full: money year 1 %s, year 2 %s\n' \
		"$(ydiff double base2 weak 6 effectiveness)" "$(ymean double all 2 cost_money)" "$(ymean double all 2 cost_teacher_hours)" \
		"$(ymean double-full all 1 cost_money)" "$(ymean double-full all 2 cost_money)"
	echo
fi

if want choice; then
	echo "== school choice (docs/SCENARIOS.md, school-choice 'Behaviour and sensitivity'; 4 replications, year 6, paired differences from the baseline)"
	run baseline baseline
	variant choice-fee40 school-choice choice school-choice 'choice_fee = 40000'
	variant choice-nofee school-choice choice school-choice 'choice_fee = 0'
	variant choice-sesblind school-choice choice school-choice 'ses_reputation = 0' 'ses_distance = 0' 'consider_ses = 0' 'default_ses = 0'
	variant choice-lottery school-choice choice school-choice 'admission = "lottery"'
	variant choice-rw2 school-choice choice school-choice 'reputation_weight = 2'
	variant choice-exit school-choice choice school-choice 'exit_share = 0.1'
	variant choice-uniform school-choice choice school-choice 'ses_reputation = 0' 'ses_distance = 0' 'consider = 0' 'consider_ses = 0' \
		'default_share = 0' 'default_ses = 0' 'peer_weight = 0' 'choice_fee = 0' 'exit_share = 0' 'resident_priority = false'
	variant voucher-nofee voucher-chile voucher school-choice 'choice_fee = 0'
	run choice school-choice
	run voucher voucher-chile
	for s in choice-fee40 choice-nofee choice-sesblind choice-lottery choice-rw2 choice-exit choice-uniform voucher-nofee; do run $s "$OUT/$s.toml"; done
	printf '%-16s between %s gap S-W %s weak %s all %s ses_segregation %s\n' baseline "$(ymean baseline all 6 between_share)" \
		"$(ymean baseline all 6 gap_strong_weak)" "$(ymean baseline weak 6 composite)" "$(ymean baseline all 6 composite)" "$(ymean baseline all 6 ses_segregation)"
	for s in choice choice-fee40 choice-nofee choice-sesblind choice-lottery choice-rw2 choice-exit choice-uniform voucher voucher-nofee; do
		printf '%-16s between %s gap S-W %s weak %s all %s ses_segregation %s (with the exit sector %s; exit share %s)\n' $s \
			"$(pdiff $s baseline all 6 between_share)" "$(pdiff $s baseline all 6 gap_strong_weak)" "$(pdiff $s baseline weak 6 composite)" \
			"$(pdiff $s baseline all 6 composite)" "$(pdiff $s baseline all 6 ses_segregation)" "$(pdiff $s baseline all 6 ses_segregation_all)" \
			"$(ymean $s all 6 exit_share)"
	done
	echo
fi

if want evaluate; then
	echo "== the evaluation lab (docs/EVALUATION.md, in the order of 'Reproducing every figure'; seed 20260101, the scenario's 10 replications)"
	e() {
		local name=$1
		shift
		[[ -f "$OUT/$name/manifest.json" ]] || "$SN" evaluate "$@" --quiet --out "$OUT/$name" >"$OUT/$name.txt"
		cat "$OUT/$name.txt"
	}
	# spread NAME: per design and subject, the mean SE the studies report
	# beside the real spread of their estimates (sd_estimate) and the
	# number of the replications whose interval holds their truth.
	spread() {
		awk -F, '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			$col["design"] == "truth" || ($col["outcome"] != "maths" && $col["outcome"] != "chinese") { next }
			{ printf "  %-8s %-8s SE %s spread %s, interval holds the truth in %d of %d\n", $col["design"], $col["outcome"], $col["se"], $col["sd_estimate"], $col["coverage"] * $col["replications"] + 0.5, $col["replications"] }' "$OUT/$1/evaluation.csv"
	}
	# added NAME CONFIG: bias.csv's true effect and added bias (with its
	# interval) of CONFIG for maths and chinese.
	added() {
		awk -F, -v c="$2" '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			$col["config"] != c || ($col["outcome"] != "maths" && $col["outcome"] != "chinese") { next }
			{ printf "  %-6s %-8s %-8s true %s added %s [%s, %s] bias %s\n", c, $col["design"], $col["outcome"], $col["true_effect"], $col["added_bias"], $col["added_bias_ci_low"], $col["added_bias_ci_high"], $col["bias"] }' "$OUT/$1/bias.csv"
	}
	echo "-- every source on ('Results with the defaults', 'Bias by source', mediation, balance)"
	e ssp-study shanghai-ssp-study --outcomes maths,chinese,composite
	spread ssp-study
	for c in none dip measurement intake inflation all; do added ssp-study $c; done
	echo "-- every source off (--sources none)"
	e ssp-none shanghai-ssp-study --sources none --decompose=false --outcomes maths,chinese,composite
	spread ssp-none
	echo "-- dip and measurement together"
	e ssp-dipmeas shanghai-ssp-study --sources dip,measurement --mediation=false
	added ssp-dipmeas all
	echo "-- every source at the top of its range (docs/ssp-study-biases-high.toml)"
	e ssp-high docs/ssp-study-biases-high.toml --mediation=false
	for c in dip measurement intake inflation all; do added ssp-high $c; done
	echo "-- the same, dip and measurement together"
	e ssp-high-dipmeas docs/ssp-study-biases-high.toml --sources dip,measurement --mediation=false
	added ssp-high-dipmeas all
	for s in 0 2 4; do
		echo "-- select.strength $s, every source off"
		e "ssp-strength$s" shanghai-ssp-study --sources none --strength $s --design did,psm-did,rct --mediation=false --decompose=false
	done
	echo "-- what the mechanisms alone would take (docs/ssp-study-implausible.toml)"
	e ssp-implausible docs/ssp-study-implausible.toml --reps 6 --design did,psm-did --sources none --mediation=false --decompose=false
	echo "-- the test worlds"
	go test ./results/evaluate -run 'Lottery|Selection|ChangesNothing|Inflation|Dip|IntakeResponse' -count=1 -v | grep -E '_test.go|^(ok|FAIL|---)'
	echo
fi
