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
# Sections: baseline realism makerun loose groups rotation alliance
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
sections=${*:-baseline realism makerun loose groups rotation alliance double choice evaluate}
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
# partner_strong (strong schools in a pair).
sdiff() {
	awk -F, -v f="$3" -v y="$4" -v c="$5" '
		FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
		$col["year"] != y { next }
		{ key = $col["replication"] "," $col["school"] }
		file == 1 { base[key] = $col[c]; next }
		f == "treated_weak" && !($col["treated"] != 0 && $col["tier"] == "weak") { next }
		f == "partner_strong" && !($col["pair"] != -1 && $col["tier"] == "strong") { next }
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
		f == "member" && !($col["group"] != -1 && $col["group_lead"] == 0) { next }
		f == "alliance" && $col["alliance"] == -1 { next }
		f == "weak" && $col["tier"] != "weak" { next }
		{ s += $col[c]; n++; reps[$col["replication"]] = 1 }
		END { r = 0; for (k in reps) r++; if (c == "count") printf "%.0f", n / r; else printf "%.3f", s / n }' "$OUT/$1/schools.csv"
}

# variant NAME BASE POLICY KIND KEY=VALUE...: a scenario file extending
# BASE whose policy POLICY (of KIND) has the given keys changed.
variant() {
	local name=$1 base=$2 policy=$3 kind=$4
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

if want makerun; then
	echo "== make run (README 'What make run shows'): schoolnet compare, the headline reforms"
	[[ -f "$OUT/compare/manifest.json" ]] || "$SN" compare --quiet --out "$OUT/compare" >"$OUT/compare.txt"
	cat "$OUT/compare.txt"
	echo
fi

if want loose; then
	echo "== loose-collaboration (docs/SCENARIOS.md, pairing; 2 replications)"
	run base2 baseline --reps 2
	run loose loose-collaboration --reps 2
	variant loose-attainment loose-collaboration loose-pairing pairing 'focus = "attainment"'
	run loose-attainment "$OUT/loose-attainment.toml" --reps 2
	for v in loose loose-attainment; do
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

if want rotation; then
	echo "== rotation-only (docs/SCENARIOS.md, rotation; 2 replications; tier mean minus baseline)"
	run base2 baseline --reps 2
	run rotation rotation-only --reps 2
	for y in 1 3 6; do
		printf 'year %d: weak %s strong %s\n' $y "$(ydiff rotation base2 weak $y composite)" "$(ydiff rotation base2 strong $y composite)"
	done
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

if want double; then
	echo "== double-teacher (docs/SCENARIOS.md, double-teacher; 2 replications; weak schools minus baseline)"
	run base2 baseline --reps 2
	run double double-teacher --reps 2
	variant double-full double-teacher double-teacher double-teacher 'connectivity = "full"'
	run double-full "$OUT/double-full.toml" --reps 2
	for s in double double-full; do
		for y in 1 3 6; do
			printf '%s year %d: maths %s chinese %s english %s science %s composite %s (level %s)\n' $s $y \
				"$(ydiff $s base2 weak $y maths)" "$(ydiff $s base2 weak $y chinese)" "$(ydiff $s base2 weak $y english)" \
				"$(ydiff $s base2 weak $y science)" "$(ydiff $s base2 weak $y composite)" "$(ymean $s weak $y composite)"
		done
	done
	echo
fi

if want choice; then
	echo "== school choice (docs/SCENARIOS.md, school-choice 'Behaviour and sensitivity'; 2 replications, year 6)"
	run base2 baseline --reps 2
	run choice school-choice --reps 2
	for w in 1.5 2 3; do
		variant "choice-rw$w" school-choice choice school-choice "reputation_weight = $w"
		run "choice-rw$w" "$OUT/choice-rw$w.toml" --reps 2
	done
	variant choice-lottery school-choice choice school-choice 'admission = "lottery"'
	run choice-lottery "$OUT/choice-lottery.toml" --reps 2
	for s in base2 choice choice-rw1.5 choice-rw2 choice-rw3 choice-lottery; do
		printf '%-15s between %s gap S-W %s weak %s strong %s\n' $s "$(ymean $s all 6 between_share)" \
			"$(ymean $s all 6 gap_strong_weak)" "$(ymean $s weak 6 composite)" "$(ymean $s strong 6 composite)"
	done
	echo
fi

if want evaluate; then
	echo "== the evaluation lab (docs/EVALUATION.md; seed 20260101, the scenario's 10 replications)"
	e() {
		local name=$1
		shift
		[[ -f "$OUT/$name/manifest.json" ]] || "$SN" evaluate "$@" --quiet --out "$OUT/$name" >"$OUT/$name.txt"
		cat "$OUT/$name.txt"
	}
	e ssp-study shanghai-ssp-study --outcomes maths,chinese,composite
	for s in 0 1 2 4; do
		echo "-- select.strength $s"
		e "ssp-strength$s" shanghai-ssp-study --strength $s --design did,psm-did,rct --mediation=false
	done
	echo "-- what it would take (docs/ssp-study-implausible.toml)"
	e ssp-implausible docs/ssp-study-implausible.toml --reps 6 --design did,psm-did
	echo "-- the test worlds"
	go test ./results/evaluate -run 'Lottery|Selection|ChangesNothing' -count=1 -v | grep -E '_test.go|^(ok|FAIL|---)'
	echo
fi
