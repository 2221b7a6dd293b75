#!/usr/bin/env bash
# Wall time and peak memory of one 10-year Tilburg replication, and of one with a population
# ten times larger (staff, slots and budgets scaled with it), plus SimPy events per second.
#   bash bench/tilburg_scale.sh            (needs /usr/bin/time: apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
ten_years=(--set "clock.horizon=10 years" --set "clock.follow_up=0 days" --no-event-log)
scale10=(--set population.initial_stock=74000 --set "inflow.applications=13000 per year"
         --set klantmanagers.count=230 --set services.wijkteam.slots=600 --set services.wijkteam.staff=300
         --set "services.wijkteam.urgent_care.arrivals=1000 per year" --set services.netwerkconsulent.slots=550
         --set services.netwerkconsulent.staff=40
         --set "budgets.reintegration.annual_amount=€30,000,000 per year" --set "budgets.wmo.annual_amount=€6,000,000 per year")
for trajectory in coaching scholing werkervaringsplaats participatie zorg work_first detachering basisbaan; do
  slots=$($PY -c "import simulation; print(simulation.load_scenario('scenarios/tilburg.yaml').model.trajectories['$trajectory'].slots * 10)")
  scale10+=(--set "trajectories.$trajectory.slots=$slots")
done
run() {
  local label=$1; shift
  echo "== $label"
  /usr/bin/time -v "$PY" -m simulation run scenarios/tilburg.yaml --seed 1 "$@" 2> /tmp/meedoen-bench-time.txt \
    | grep -E "events in|Average stock|Exits to work per year"
  grep -E "Elapsed \(wall clock\)|Maximum resident set size" /tmp/meedoen-bench-time.txt
}
run "Tilburg, 10 years" "${ten_years[@]}"
run "Tilburg x10 population, 10 years" "${ten_years[@]}" "${scale10[@]}"
