"""What a scenario key means, in English and Dutch, for the report's "what differs".

A key such as ``policy.groups.group3.review_interval`` is read as a *subject* (group 3) and an
*attribute* (``review_interval``); the attribute's phrase ("reviewed by social services") and the
kind of its value ("every": every 12 months, never) come from the tables below. ``*`` stands
for one name (a team, a group, a household type), said in words by :data:`NAMES` where it has
some. Keys the tables do not know are turned into words from their path (``report_differs``).
"""

from __future__ import annotations

#: The sections of a scenario that hold named things: the subject of a row is one of them.
ENTITIES = {("policy", "groups"): "group", ("services",): "team", ("trajectories",): "trajectory",
            ("budgets",): "budget"}

#: The subject of a row whose key is in a top-level section (in the order the rows are shown).
SECTIONS = {
    "population": ("Population", "Bestand"), "inflow": ("Inflow", "Instroom"), "clock": ("Period", "Periode"),
    "policy": ("Policy", "Beleid"), "policy_changes": ("Policy changes", "Beleidswijzigingen"),
    "experiment": ("Experiment", "Experiment"),
    "capacity_changes": ("Capacity changes", "Capaciteitswijzigingen"),
    "klantmanagers": ("Klantmanagers", "Klantmanagers"), "services": ("Teams", "Teams"),
    "trajectories": ("Trajectories", "Trajecten"), "budgets": ("Budgets", "Budgetten"),
    "personal_budget": ("Personal budget", "Persoonsgebonden budget"), "sanctions": ("Sanctions", "Maatregelen"),
    "benefits": ("Benefits", "Uitkering"), "work_exit": ("Exits to work", "Uitstroom naar werk"),
    "part_time": ("Part-time work on benefit", "Deeltijdwerk met aanvullende bijstand"),
    "other_exits": ("Other exits", "Overige uitstroom"), "return_after_exit": ("Return after an exit", "Terugkeer na uitstroom"),
    "jobs": ("Jobs", "Banen"), "assessment": ("Assessment", "Diagnose"),
    "ladder": ("Participation ladder", "Participatieladder"), "attention": ("Attention", "Aandacht"),
}

#: Teams and budgets the shipped scenarios name, as a reader calls them; others are "team ‘name’".
TEAM_NAMES = {"wijkteam": ("Wijkteam", "Wijkteam"), "netwerkconsulent": ("Netwerkconsulenten", "Netwerkconsulenten"),
              "homecoach": ("Homecoaches", "Homecoaches")}
BUDGET_NAMES = {"reintegration": ("Reintegration budget", "Re-integratiebudget"), "wmo": ("Wmo budget", "Wmo-budget")}

#: Names that stand for ``*`` in a key, in words.
NAMES = {
    "single": ("single", "alleenstaand"), "single_parent": ("single parent", "alleenstaande ouder"),
    "couple": ("couple", "paar"), "medical": ("medical", "medisch"), "psychological": ("psychological", "psychisch"),
    "debts": ("debts", "schulden"), "addiction": ("addiction", "verslaving"),
    "criminal_record": ("criminal record", "strafblad"), "care_duties": ("care duties", "zorgtaken"),
    "language": ("language", "taal"), "no_work_experience": ("no work experience", "geen werkervaring"),
    "low": ("low", "laag"), "middle": ("middle", "middelbaar"), "high": ("high", "hoog"),
    "enforce": ("enforced", "afgedwongen"), "ask": ("asked", "gevraagd"), "waive": ("not asked", "niet gevraagd"),
    "moving": ("moving away", "verhuizing"), "partner_income": ("partner's income", "inkomen van partner"),
    "education": ("education", "opleiding"), "death": ("death", "overlijden"), "enforcement": ("enforcement", "handhaving"),
    "stable": ("stable job", "vaste baan"), "flex": ("flexible job", "flexbaan"),
    "subsidised": ("subsidised job", "gesubsidieerde baan"), "secondment": ("secondment", "detachering"),
}

# (English, Dutch, kind of value) per attribute, relative to the subject. Kind "dist": a distribution,
# read field by field (mean, low, high …) by ``report_differs``.
_REFERRAL_CONTACT = ("chance per klantmanager contact or review", "kans per gesprek met klantmanager of herbeoordeling")
#: The earnings release (inkomstenvrijlating), of the policy or of a group: "" is the whole release (null or set)
_RELEASE = {
    "": ("earnings release (vrijlating)", "inkomstenvrijlating", "generic"),
    ".share": ("share of part-time earnings kept (vrijlating)", "deel van inkomsten uit deeltijdwerk dat men houdt",
               "share"),
    ".cap": ("most of the earnings kept", "maximaal vrijgelaten bedrag", "generic"),
    ".duration": ("earnings kept for at most", "inkomsten vrijgelaten gedurende ten hoogste", "generic"),
}
GROUP = {
    "handler": ("guided by", "begeleid door", "handler"),
    "handler_uptake": ("taking up that guidance", "deelname aan die begeleiding", "choice"),
    "contact_interval": ("time between contacts with the klantmanager", "tijd tussen gesprekken met de klantmanager",
                         "dist"),
    "review_interval": ("reviewed by social services", "herbeoordeeld door Sociale Zaken", "every"),
    "obligations.job_search": ("obligation to look for work", "sollicitatieplicht", "choice"),
    "obligations.tegenprestatie": ("tegenprestatie (unpaid work in return)", "tegenprestatie", "choice"),
    "service_referrals.*.probability": (f"referral to team {{0}}: {_REFERRAL_CONTACT[0]}",
                                        f"verwijzing naar team {{0}}: {_REFERRAL_CONTACT[1]}", "share"),
    "service_referrals.*.uptake": ("referral to team {0}: taking it up", "verwijzing naar team {0}: deelname", "choice"),
    "trajectory_referral.probability": (f"referral to a trajectory: {_REFERRAL_CONTACT[0]}",
                                        f"verwijzing naar een traject: {_REFERRAL_CONTACT[1]}", "share"),
    "trajectory_referral.uptake": ("referral to a trajectory: taking it up", "verwijzing naar een traject: deelname", "choice"),
    "trajectories": ("trajectories open to them", "trajecten voor hen", "names"),
    "personal_budget": ("personal budget (stipejild)", "persoonsgebonden budget (stipejild)", "generic"),
    **{f"earnings_release{key}": value for key, value in _RELEASE.items()},
}
_CASE = ("chance a case ends", "kans dat een begeleiding eindigt")
TEAM = {
    "slots": ("capacity: clients helped at the same time", "capaciteit: klanten tegelijk geholpen", "places"),
    "staff": ("staff", "personeel", "fte"),
    "cost_per_year_per_staff": ("cost per staff member", "kosten per medewerker", "generic"),
    "service_time": ("time a case takes", "duur van een begeleiding", "dist"),
    "contact_interval": ("time between contacts during a case", "tijd tussen contacten tijdens een begeleiding", "dist"),
    "attention_multiplier": ("effect of a contact on motivation and trust", "effect van een contact op motivatie en vertrouwen",
                             "times"),
    "group_priority.*": ("queue priority of {0} (lower goes first)", "voorrang van {0} in de wachtrij (lager gaat voor)",
                         "generic"),
    "outcomes.volunteer_work": (f"{_CASE[0]} in volunteer work", f"{_CASE[1]} in vrijwilligerswerk", "share"),
    "outcomes.social_activity": (f"{_CASE[0]} in a social activity", f"{_CASE[1]} in een sociale activiteit", "share"),
    "outcomes.back_to_social_services": (f"{_CASE[0]} with a hand-back to social services",
                                         f"{_CASE[1]} met terugverwijzing naar Sociale Zaken", "share"),
    "outcomes.barrier_removal": ("chance a case removes a barrier", "kans dat een begeleiding een belemmering wegneemt", "share"),
    "outcomes.ladder_step_up": ("chance a case moves the client a rung up",
                                "kans dat een begeleiding de klant een trede hoger brengt",
                                "share"),
    "follow_up": ("clients it guides are seen again", "begeleide klanten opnieuw gezien", "after"),
    "urgent_care.arrivals": ("urgent cases from outside the benefit (they go first)",
                             "spoedzaken van buiten de bijstand (gaan voor)", "per_year"),
    "urgent_care.service_time": ("time an urgent case takes", "duur van een spoedzaak", "dist"),
    "target.back_to_social_services_per_year": ("yearly target: clients handed back to social services",
                                                "jaardoel: klanten terug naar Sociale Zaken", "per_year"),
    "target.volunteer_placements_per_year": ("yearly target: volunteer placements", "jaardoel: plaatsingen in vrijwilligerswerk",
                                             "per_year"),
    "target.pressure": ("extra effort while behind the target", "extra inzet bij achterstand op het jaardoel", "extra"),
}
_AFTER = ("after completion", "na afloop")
TRAJECTORY = {
    "kind": ("kind", "soort", "generic"), "enabled": ("offered", "aangeboden", "generic"),
    "eligible_phases": ("open to", "open voor", "phases"),
    "slots": ("capacity: clients at the same time", "capaciteit: klanten tegelijk", "places"),
    "queue": ("order of the waiting list", "volgorde van de wachtlijst", "choice"),
    "duration": ("duration", "duur", "dist"), "cost_start": ("cost at the start", "kosten bij de start", "generic"),
    "cost_per_month": ("cost per month", "kosten per maand", "generic"),
    "contract": ("contract with the provider", "contract met de aanbieder", "choice"),
    "contract_bonus": ("bonus per client placed", "bonus per geplaatste klant", "generic"),
    "contract_window": ("time the provider has to earn the bonus", "termijn voor de bonus", "generic"),
    "budget": ("paid from", "betaald uit", "choice"),
    "dropout_probability": ("chance of dropping out", "kans op uitval", "share"),
    "lock_in_multiplier": ("chance of finding work meanwhile (lock-in)", "kans op werk tijdens het traject (lock-in)", "times"),
    "offer_self_exit_probability": ("chance the offer alone ends the benefit",
                                    "kans dat het aanbod alleen al de uitkering beëindigt",
                                    "share"),
    "on_completion.work_hazard_multiplier": (f"{_AFTER[0]}: chance of work", f"{_AFTER[1]}: kans op werk", "times"),
    "on_completion.effect_duration": (f"{_AFTER[0]}: the effect lasts", f"{_AFTER[1]}: het effect duurt", "generic"),
    "on_completion.phase_change": (f"{_AFTER[0]}: change of phase", f"{_AFTER[1]}: verandering van fase", "generic"),
    "on_completion.ladder_rung_min": (f"{_AFTER[0]}: at least on rung", f"{_AFTER[1]}: minstens op trede", "generic"),
    "on_completion.motivation_gain": (f"{_AFTER[0]}: gain in motivation", f"{_AFTER[1]}: toename van de motivatie", "share"),
    "on_completion.barrier_removal": (f"{_AFTER[0]}: chance a barrier goes", f"{_AFTER[1]}: kans dat een belemmering verdwijnt",
                                      "share"),
    "on_completion.exit_to_work_probability": (f"{_AFTER[0]}: chance of a job straight away",
                                               f"{_AFTER[1]}: kans op direct een baan",
                                               "share"),
    "on_completion.job_type": (f"{_AFTER[0]}: kind of job", f"{_AFTER[1]}: soort baan", "choice"),
}
BUDGET = {
    "annual_amount": ("amount per year", "bedrag per jaar", "generic"),
    "replenish_on": ("renewed on", "aangevuld op", "date"),
    "carry_over": ("unspent money carried over", "restant gaat mee naar het volgende jaar", "generic"),
    "cuts": ("cuts", "bezuinigingen", "generic"),
    "cuts.*.from": ("a cut from", "een bezuiniging vanaf", "date"),
    "cuts.*.annual_amount": ("a cut: amount per year from then on", "een bezuiniging: bedrag per jaar vanaf dan", "generic"),
    "when_spent": ("when it is spent", "als het op is", "choice"),
}
_SECTION_KEYS = {
    "population": {
        "initial_stock": ("clients on benefit at the start", "klanten in de bijstand bij de start", "clients"),
        "age": ("age", "leeftijd", "dist"), "share_male": ("share of men", "aandeel mannen", "share"),
        "household.*": ("household: {0}", "huishouden: {0}", "share"),
        "migrant_background": ("share with a migrant background", "aandeel met een migratieachtergrond", "share"),
        "statushouder_share_of_migrants": ("share of statushouders among them", "aandeel statushouders daarvan", "share"),
        "education.*": ("education: {0}", "opleiding: {0}", "share"),
        "barriers.*": ("share with a barrier: {0}", "aandeel met een belemmering: {0}", "share"),
        "motivation": ("motivation", "motivatie", "dist"), "trust": ("trust", "vertrouwen", "dist"),
        "initial_duration": ("time on benefit at the start", "duur in de bijstand bij de start", "dist"),
        "time_since_last_contact": ("time since the last contact at the start", "tijd sinds het laatste contact bij de start",
                                    "dist"),
    },
    "inflow": {
        "applications": ("new applications", "nieuwe aanvragen", "generic"),
        "multiplier_by_year.*": ("applications in {0}", "aanvragen in {0}", "times"),
        "age": ("age of newcomers", "leeftijd van nieuwkomers", "dist"),
        "barrier_probability_multiplier": ("barriers among newcomers", "belemmeringen bij nieuwkomers", "times"),
        "motivation_shift": ("extra motivation of newcomers", "extra motivatie van nieuwkomers", "generic"),
        "work_first.enabled": ("Work First at application", "Work First bij de aanvraag", "generic"),
        "work_first.deterred": ("Work First: share of applicants who withdraw",
                                "Work First: aandeel aanvragers dat afziet", "share"),
        "home_visit.enabled": ("home visit at application", "huisbezoek bij de aanvraag", "generic"),
        "home_visit.deterred": ("home visit: share of applicants who withdraw",
                                "huisbezoek: aandeel aanvragers dat afziet", "share"),
        "youth_rule.enabled": ("youth rule", "jongerenregel", "generic"),
        "youth_rule.age_limit": ("youth rule: up to age", "jongerenregel: tot de leeftijd", "generic"),
        "youth_rule.redirected": ("youth rule: share sent to school or work",
                                  "jongerenregel: aandeel naar school of werk", "share"),
    },
    "clock": {
        "start": ("start of the simulation", "start van de simulatie", "date"),
        "warmup": ("warm-up before the observation window", "inloop vóór de waarnemingsperiode", "generic"),
        "horizon": ("end of the observation window, counted from the start", "einde van de waarnemingsperiode, vanaf de start",
                    "generic"),
        "follow_up": ("follow-up after the window", "naloop na de periode", "generic"),
    },
    "klantmanagers": {
        "count": ("number of klantmanagers", "aantal klantmanagers", "generic"),
        "caseload": ("clients per klantmanager", "klanten per klantmanager", "generic"),
        "caseload_review": ("caseloads re-prioritised", "caseload opnieuw geprioriteerd", "every"),
        "cost_per_year": ("cost per klantmanager", "kosten per klantmanager", "generic"),
        "group_priority.*": ("priority of {0} (lower goes first)", "voorrang van {0} (lager gaat voor)", "generic"),
        "ring_fenced.*": ("places kept for {0}", "plaatsen gereserveerd voor {0}", "generic"),
    },
    "policy": {
        "phase_to_group.*": ("clients in phase {0} belong to", "klanten in fase {0} horen bij", "group"),
        "intake_assessment": ("assessment of social circumstances at intake", "aandacht voor de leefsituatie bij de intake",
                              "generic"),
        "uptake.voluntary_intercept": ("voluntary uptake: base level", "vrijwillige deelname: basisniveau", "generic"),
        "uptake.voluntary_motivation_effect": ("voluntary uptake: effect of motivation",
                                               "vrijwillige deelname: effect van motivatie",
                                               "generic"),
        "uptake.voluntary_trust_effect": ("voluntary uptake: effect of trust", "vrijwillige deelname: effect van vertrouwen",
                                          "generic"),
        "uptake.obligatory_refusal": ("obligatory: share who still refuse", "verplicht: aandeel dat toch weigert", "share"),
        **{f"earnings_release{key}": value for key, value in _RELEASE.items()},
    },
    "sanctions": {
        "noncompliance_probability": ("chance of a violation per check", "kans op een overtreding per controle", "share"),
        "detection_probability": ("chance a violation is found", "kans dat een overtreding wordt ontdekt", "share"),
        "benefit_cut_share": ("share of the benefit cut", "deel van de uitkering dat wordt gekort", "share"),
        "cut_duration": ("length of a cut", "duur van een korting", "generic"),
        "tegenprestatie_start.*": ("chance per contact that a tegenprestatie starts, when {0}",
                                   "kans per contact dat een tegenprestatie start, indien {0}", "share"),
    },
    "other_exits": {"pension_age": ("pension age (AOW)", "AOW-leeftijd", "generic"),
                    "rates.*": ("exits by {0}", "uitstroom door {0}", "generic")},
    "work_exit": {"labour_market_by_year.*": ("labour market in {0}", "arbeidsmarkt in {0}", "times")},
    "part_time": {
        "start_rate_by_phase.*": ("starts of part-time work in phase {0}", "start van deeltijdwerk in fase {0}", "generic"),
        "motivation_effect": ("effect of motivation on starting", "effect van motivatie op starten", "generic"),
        "release_effect": ("effect of the release on starting", "effect van de vrijlating op starten", "generic"),
        "end_rate": ("ends of part-time work", "einde van deeltijdwerk", "generic"),
        "exit_multiplier": ("exit to work while working part-time", "uitstroom naar werk tijdens deeltijdwerk", "times"),
        "earnings_per_month": ("earnings per month", "inkomsten per maand", "dist"),
    },
    "personal_budget": {
        "amount": ("amount", "bedrag", "generic"), "period": ("once per", "eens per", "generic"),
        "budget": ("paid from", "betaald uit", "choice"),
        "motivation_gain": ("gain in motivation", "toename van de motivatie", "share"),
        "barrier_removal": ("chance a barrier goes", "kans dat een belemmering verdwijnt", "share"),
    },
    "benefits": {"monthly_norm.*": ("benefit norm: {0}", "bijstandsnorm: {0}", "generic")},
}

_SECTION_KEYS["policy_changes"] = {"": ("number of policy changes", "aantal beleidswijzigingen", "count")}
_SECTION_KEYS["capacity_changes"] = {"": ("number of capacity changes", "aantal capaciteitswijzigingen", "count")}

#: Attribute phrases per subject kind: the named things, then each top-level section.
ATTRIBUTES: dict[str, dict[str, tuple[str, str, str]]] = {
    "group": GROUP, "team": TEAM, "trajectory": TRAJECTORY, "budget": BUDGET, **_SECTION_KEYS}

#: A distribution's fields, as a qualifier of its phrase and the form of its value.
DIST_FIELDS = {
    "mean": ("", "", "on_average"), "value": ("", "", ""), "low": ("", "", "from"), "high": ("", "", "to"),
    "sd": (" (spread)", " (spreiding)", ""), "dist": (" (distribution)", " (verdeling)", ""),
    "a": (" (shape a)", " (vorm a)", ""), "b": (" (shape b)", " (vorm b)", ""),
    "bins": (" (classes)", " (klassen)", ""), "weights": (" (weights)", " (gewichten)", ""),
}

#: Words of key names the tables do not know, for the Dutch path-into-words fallback.
WORDS_NL = {
    "probability": "kans", "rate": "tempo", "rates": "tempo's", "multiplier": "factor", "share": "aandeel",
    "duration": "duur", "effect": "effect", "weight": "gewicht", "weights": "gewichten", "motivation": "motivatie",
    "trust": "vertrouwen", "gain": "toename", "per": "per", "contact": "contact", "year": "jaar", "by": "naar",
    "phase": "fase", "rung": "trede", "work": "werk", "exit": "uitstroom", "job": "baan", "jobs": "banen",
    "types": "soorten", "return": "terugkeer", "to": "naar", "benefit": "uitkering", "age": "leeftijd", "noise": "ruis",
    "cutoffs": "grenzen", "drift": "terugval", "down": "omlaag", "after": "na", "no": "geen", "loss": "verlies",
    "threat": "dreiging", "hazard": "kans", "delay": "vertraging", "mix": "verdeling", "base": "basis", "odds": "kans",
    "half": "halve", "life": "waarde", "decay": "afname", "initial": "begin", "assessment": "diagnose",
}
