"""Charters: the presets load clean and cite the seeds, a charter renders and reads back, and every
problem in a team's file names the file, the key and the fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.charter import Charter, Person, load_preset, parse_charter, preset_names, read_charter
from remit.charter.loader import read_charter_data
from remit.charter.presets import preset_data
from remit.charter.render import render_charter, set_roster
from remit.charter.roster import parse_person, sample_roster
from remit.kernel.errors import CharterInvalid

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SOURCE = "teams/checkout/remit.toml"


@pytest.fixture(scope="module")
def seed_text() -> str:
    texts = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not texts:
        pytest.skip(f"the seed texts are missing: expected *.txt under {SEEDS}")
    return "\n".join(path.read_text(encoding="utf-8") for path in texts)


# --- presets --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_loads_with_no_problems_at_all(name):
    charter, problems = read_charter_data(preset_data(name), f"preset {name}")

    assert charter is not None
    assert [str(problem) for problem in problems] == []
    assert load_preset(name).domains == charter.domains


@pytest.mark.parametrize("name", preset_names())
def test_every_why_in_a_preset_is_verbatim_in_the_seeds(name, seed_text):
    whys = [
        (domain.name, grant.role, grant.why)
        for domain in load_preset(name).domains.values()
        for grant in domain.grants.values()
        if grant.why
    ]

    assert whys, f"preset {name} cites no seed sentence"
    assert [why for why in whys if why[2] not in seed_text] == []


@pytest.mark.parametrize("name", preset_names())
def test_every_right_in_a_preset_says_where_it_comes_from(name):
    silent = [
        f"{domain.name}.{grant.role}"
        for domain in load_preset(name).domains.values()
        for grant in domain.grants.values()
        if not (grant.why or grant.note)
    ]

    assert silent == []


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_keeps_the_release_a_dual_key_that_both_can_block(name):
    release = load_preset(name).domain("release")

    assert release is not None
    assert release.deciders[0] == "pm"
    assert len(release.deciders) == 2
    assert release.block_scopes["pm"] == ["business", "market"]
    assert release.block_scopes[release.deciders[1]] == ["safety", "technical"]


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_has_a_charter_domain(name):
    assert load_preset(name).domain("charter") is not None


# --- rendering ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", preset_names())
def test_a_rendered_preset_reads_back_with_equal_domains(name):
    preset = load_preset(name)

    charter, problems = read_charter(render_charter(preset, team="x"), "x/remit.toml")

    assert [str(problem) for problem in problems] == []
    assert charter is not None
    assert charter.name == "x"
    assert charter.preset == preset.preset
    assert charter.domains == preset.domains
    assert charter.reserve == preset.reserve


def test_a_rendered_team_charter_keeps_its_people_and_vocabulary():
    text = team_charter(
        domains=CHARTER_DOMAIN
        + '[domains.on-call-rota]\nabout = "Who is on call"\n'
        + 'rights.em = { right = "decide", note = "we chose it" }\n'
        + 'rights.pm = { right = "block", on = ["legal"], note = "contracts" }\n\n',
        vocabulary='[vocabulary]\nbases = ["legal"]\ndomains = ["on-call-rota"]\n\n',
        people=PEERS + '[people.vp]\nname = "Vera \\"VP\\" Park"\nroles = ["eng-leadership"]\n\n',
    )
    charter = parse_charter(text, SOURCE)

    again, problems = read_charter(render_charter(charter, team="checkout"), SOURCE)

    assert [str(problem) for problem in problems] == []
    assert again is not None
    assert again.domains == charter.domains
    assert again.people == charter.people
    assert again.bases == charter.bases
    assert again.person("vp").name == 'Vera "VP" Park'


# Handles the roster allows (``--person`` takes anything before the ``=``) that TOML must quote as keys.
QUOTED_PEOPLE = (
    "mary.jones=designer@hana",
    "ana maria=engineer@mary.jones",
    "josé=stakeholder",
    "li@corp=engineer@ana maria",
    'o"neil=engineer',
    "o'brien=stakeholder",
    "1.5=engineer",
)


def with_roster(preset: str, people: list[Person]) -> Charter:
    return replace(load_preset(preset), name="checkout", preset=preset, people={p.handle: p for p in people})


@pytest.mark.parametrize("name", preset_names())
def test_a_team_charter_renders_and_reads_back_equal_with_handles_that_need_quoting(name):
    base = load_preset(name)
    charter = with_roster(name, [*sample_roster(base), *(parse_person(item) for item in QUOTED_PEOPLE)])

    text = render_charter(charter, team="checkout")
    again, problems = read_charter(text, SOURCE)

    assert [str(problem) for problem in problems if problem.severity == "error"] == []
    assert again == charter
    assert '[people."mary.jones"]' in text
    assert 'reports_to = "mary.jones"' in text


@settings(max_examples=100, deadline=None)
@given(handle=st.text(min_size=1, max_size=40), name=st.text(max_size=40))
def test_any_handle_and_name_read_back_as_written(handle, name):
    pm = Person("pm", "The PM", ("pm",))
    people = {pm.handle: pm, handle: Person(handle, name, ("em",), reports_to=None if handle == "pm" else "pm")}
    charter = Charter(
        name="t", preset=None, about="", domains=parse_charter(team_charter(), SOURCE).domains, people=people
    )

    again, _ = read_charter(render_charter(charter, team="t"), SOURCE)

    assert again is not None
    assert again.people == charter.people


def test_a_quoted_handle_written_by_hand_is_a_handle_like_any_other():
    text = team_charter(people=swap("ann", '"ann.lee"', swap('reports_to = "hop"', 'reports_to = "hop.x"', PEERS)))
    text = swap("[people.hop]", '[people."hop.x"]', text)

    charter, problems = read_charter(text, SOURCE)

    assert [str(problem) for problem in problems] == []
    assert charter is not None
    assert charter.person("ann.lee") == Person("ann.lee", "Ann", ("pm",), "hop.x")


# --- editing a team's file -------------------------------------------------------------------------------


def test_changing_the_roster_keeps_the_comments_and_lines_the_team_wrote():
    charter = with_roster("default", sample_roster(load_preset("default")))
    text = render_charter(charter, team="checkout")
    text = "# Reviewed by the trio every quarter.\n" + text
    text = swap("[domains.release]\n", "[domains.release]  # the dual key\n", text)
    text = swap('name = "Priya Raman"\n', 'name = "Priya Raman"  # back from leave in May\n', text)
    people = [
        *(person for person in charter.people.values() if person.handle not in ("sol", "sam")),
        parse_person("mary.jones=engineer@ezra"),
    ]

    edited = set_roster(text, people)

    for comment in ("# Reviewed by the trio every quarter.", "# the dual key", "# back from leave in May"):
        assert comment in edited
    assert edited.split("[people.")[0] == text.split("[people.")[0]
    assert parse_charter(edited, SOURCE).people == {person.handle: person for person in people}
    assert "[people.sam]" not in edited
    assert '[people."mary.jones"]\nname = "mary.jones"\nroles = ["engineer"]\nreports_to = "ezra"\n' in edited


def test_changing_a_person_rewrites_only_what_changed():
    text = team_charter(people=swap('roles = ["em"]', 'roles = [ "em" ]  # acting', PEERS))
    before = parse_charter(text, SOURCE).people
    ann = replace(before["ann"], name="Ann Lee")

    edited = set_roster(text, [ann if person.handle == "ann" else person for person in before.values()])

    assert swap('name = "Ann"', 'name = "Ann Lee"', text) == edited


def test_changing_the_roster_of_a_file_that_is_not_toml_says_so():
    with pytest.raises(CharterInvalid) as raised:
        set_roster('[team]\nname = "checkout\n', [], SOURCE)

    assert raised.value.problems[0].key == "(file)"


# --- team charters and their problems -------------------------------------------------------------------

CHARTER_DOMAIN = (
    "[domains.charter]\n"
    'rights.pm = { right = "decide", why = "I align on decision rights early" }\n'
    'rights.em = { right = "decide", note = "the two peers change it together" }\n\n'
)
RELEASE = (
    "[domains.release]\n"
    'rights.pm = { right = "decide", on = ["business", "market"], note = "n" }\n'
    'rights.em = { right = "decide", on = ["technical", "safety"], note = "n" }\n\n'
)
PEERS = (
    '[people.ann]\nname = "Ann"\nroles = ["pm"]\nreports_to = "hop"\n\n'
    '[people.hop]\nname = "Head of Product"\nroles = ["product-leadership"]\n\n'
    '[people.ed]\nname = "Ed"\nroles = ["em"]\nreports_to = "vpe"\n\n'
    '[people.vpe]\nname = "VP Engineering"\nroles = ["eng-leadership"]\n\n'
)


def team_charter(*, domains: str = CHARTER_DOMAIN + RELEASE, people: str = PEERS, vocabulary: str = "") -> str:
    return '[team]\nname = "checkout"\npreset = "default"\n\n' + vocabulary + domains + people


def test_a_well_formed_team_charter_has_no_problems():
    charter, problems = read_charter(team_charter(), SOURCE)

    assert [str(problem) for problem in problems] == []
    assert charter is not None
    assert [person.handle for person in charter.holders("pm")] == ["ann"]


def swap(old: str, new: str, text: str) -> str:
    assert old in text, old
    return text.replace(old, new)


PROBLEMS = [
    pytest.param(
        team_charter(domains=CHARTER_DOMAIN + swap("rights.pm =", "rights.pmm =", RELEASE)),
        "domains.release.rights.pmm",
        "unknown role 'pmm'",
        "did you mean 'pm'?",
        id="unknown role, with did-you-mean",
    ),
    pytest.param(
        team_charter(people=swap('roles = ["pm"]', 'roles = ["pmm"]', PEERS)),
        "people.ann.roles",
        "unknown role 'pmm'",
        "did you mean 'pm'?",
        id="unknown role on the roster, with did-you-mean",
    ),
    pytest.param(
        team_charter(domains=CHARTER_DOMAIN + swap('"business", "market"', '"bussiness", "market"', RELEASE)),
        "domains.release.rights.pm.on",
        "unknown basis 'bussiness'",
        "did you mean 'business'?",
        id="unknown basis, with did-you-mean",
    ),
    pytest.param(
        team_charter(vocabulary='[vocabulary]\nbases = ["Legal Risk"]\n\n'),
        "vocabulary.bases",
        "'Legal Risk' is not a valid basis name",
        "use lowercase letters, digits and dashes",
        id="a team's own basis that is not a name",
    ),
    pytest.param(
        team_charter(domains=CHARTER_DOMAIN + swap("[domains.release]", "[domains.relase]", RELEASE)),
        "domains.relase",
        "unknown domain 'relase'",
        "did you mean 'release'?",
        id="unknown domain, with did-you-mean",
    ),
    pytest.param(
        team_charter(
            domains=CHARTER_DOMAIN + RELEASE + '[domains.architecture]\nrights.em = { right = "decide", note = "n" }\n'
            'rights.tech-lead = { right = "block", note = "n" }\n\n'
        ),
        "domains.architecture.rights.tech-lead.on",
        "a block right must list its bases",
        'add on = ["technical", ...]',
        id="block without bases",
    ),
    pytest.param(
        team_charter(
            domains=CHARTER_DOMAIN + '[domains.engineering-hiring]\nrights.em = { right = "decide", note = "n" }\n'
            'rights.pm = { right = "voice", on = ["business"], note = "a debrief voice, but no veto" }\n\n'
        ),
        "domains.engineering-hiring.rights.pm.on",
        "'voice' carries no veto, so it has no bases",
        "remove 'on'",
        id="'on' on a voice right",
    ),
    pytest.param(
        team_charter(
            domains=CHARTER_DOMAIN + '[domains.incident-response]\nrights.pm = { right = "consult", note = "n" }\n\n'
        ),
        "domains.incident-response.rights",
        "has no decider",
        'give one role right = "decide"',
        id="domain with no decider",
    ),
    pytest.param(
        team_charter(people=swap('roles = ["pm"]', 'roles = ["pm", "em"]', PEERS)),
        "people.ann.roles",
        "ann is both pm and em",
        "give each role to a different person",
        id="a person both pm and em",
    ),
    pytest.param(
        team_charter(
            people=swap('reports_to = "hop"', 'reports_to = "lee"', PEERS)
            + '[people.lee]\nroles = ["engineer"]\nreports_to = "ed"\n\n'
        ),
        "people.ann.reports_to",
        "pm ann reports (through lee → ed) to em ed",
        "the PM reports to product leadership, the EM to engineering leadership",
        id="a pm reporting through someone to an em",
    ),
    pytest.param(
        team_charter(people=swap('reports_to = "vpe"', 'reports_to = "ann"', PEERS)),
        "people.ed.reports_to",
        "em ed reports (through ann) to pm ann",
        "the PM and the EM are peers with different reporting lines",
        id="an em reporting to a pm",
    ),
    pytest.param(
        team_charter(people=swap('reports_to = "vpe"', 'reports_to = "vp-eng"', PEERS)),
        "people.ed.reports_to",
        "'vp-eng' is not on the roster",
        "add [people.vp-eng]",
        id="reports_to someone not on the roster",
    ),
    pytest.param(
        team_charter(people=swap("[people.ed]", '[people."ed.wu"]', swap('"vpe"', '"vp.eng"', PEERS))),
        'people."ed.wu".reports_to',
        "'vp.eng' is not on the roster",
        'add [people."vp.eng"]',
        id="a handle that needs quoting is quoted in the key and the fix",
    ),
    pytest.param(
        team_charter(
            people=PEERS
            + '[people.x]\nroles = ["engineer"]\nreports_to = "y"\n\n'
            + '[people.y]\nroles = ["engineer"]\nreports_to = "x"\n\n'
        ),
        "people.x.reports_to",
        "x is in or under a reporting loop",
        "someone in this chain must report to nobody",
        id="a reporting loop",
    ),
    pytest.param(
        team_charter(people=swap('reports_to = "hop"', 'reports_to = "ann"', PEERS)),
        "people.ann.reports_to",
        "ann is in or under a reporting loop",
        "someone in this chain must report to nobody",
        id="a person reporting to themselves",
    ),
    pytest.param(
        team_charter(domains=RELEASE),
        "domains.charter",
        "no 'charter' domain",
        "add [domains.charter]",
        id="no charter domain, so the charter could never change",
    ),
    pytest.param(
        team_charter(people=swap('roles = ["em"]', 'roles = ["engineer"]', PEERS)),
        "domains.charter.rights.em",
        "nobody on the roster is em",
        'add a person with roles = ["em"]',
        id="a charter key nobody on the roster holds",
    ),
    pytest.param(
        team_charter(domains=CHARTER_DOMAIN + swap('right = "decide", on = ["b', 'right = "decid", on = ["b', RELEASE)),
        "domains.release.rights.pm.right",
        "unknown right 'decid'",
        "use one of: decide, block, voice, consult, inform",
        id="unknown right",
    ),
    pytest.param(
        team_charter(
            domains=CHARTER_DOMAIN + '[domains.positioning]\nrights.pm = { right = "decide", note = "n" }\n'
            'rights.stakeholder = { right = "consult", note = "sales knows the market" }\n\n'
        ),
        "domains.positioning.rights.stakeholder.right",
        "stakeholder may only be informed, not given consult",
        "stakeholders read, they never write",
        id="a stakeholder given more than inform",
    ),
    pytest.param(
        team_charter() + "[domains.release\n",
        "(file)",
        "not valid TOML",
        "fix the syntax at the line and column given",
        id="invalid TOML",
    ),
]


@pytest.mark.parametrize(("text", "key", "what", "fix"), PROBLEMS)
def test_each_problem_names_the_file_the_key_and_a_fix(text, key, what, fix):
    _, problems = read_charter(text, SOURCE)

    errors = [problem for problem in problems if problem.severity == "error"]
    matching = [problem for problem in errors if problem.key == key and what in problem.what]
    assert matching, f"no error at {key} saying {what!r}; got: {[str(problem) for problem in problems]}"
    [problem] = matching[:1]
    assert problem.file == SOURCE
    assert fix in problem.fix
    assert str(problem).startswith(f"{SOURCE}: {key}: ")
    assert problem.as_dict()["fix"] == problem.fix


def test_invalid_toml_gives_no_charter_and_says_where():
    charter, [problem] = read_charter('[team]\nname = "checkout\n', SOURCE)

    assert charter is None
    assert "line 2" in problem.what


def test_every_problem_is_found_in_one_pass():
    text = team_charter(
        domains=CHARTER_DOMAIN + swap("rights.pm =", "rights.pmm =", swap("safety", "saftey", RELEASE)),
        people=swap('reports_to = "vpe"', 'reports_to = "ann"', PEERS),
    )

    _, problems = read_charter(text, SOURCE)

    assert {problem.key for problem in problems if problem.severity == "error"} >= {
        "domains.release.rights.pmm",
        "domains.release.rights.em.on",
        "people.ed.reports_to",
    }


def test_a_key_nobody_holds_outside_the_charter_domain_is_a_warning():
    text = team_charter(people=swap('roles = ["pm"]', 'roles = ["designer"]', PEERS))

    _, problems = read_charter(text, SOURCE)

    severities = {problem.key: problem.severity for problem in problems}
    assert severities["domains.release.rights.pm"] == "warning"
    assert severities["domains.charter.rights.pm"] == "error"


def test_a_right_with_neither_why_nor_note_is_a_warning():
    text = team_charter(domains=CHARTER_DOMAIN + swap(', note = "n" }\nrights.em', " }\nrights.em", RELEASE))

    _, problems = read_charter(text, SOURCE)

    assert [(problem.key, problem.severity) for problem in problems] == [("domains.release.rights.pm", "warning")]


def test_parse_charter_raises_with_every_error_and_lets_warnings_pass():
    bad = team_charter(domains=CHARTER_DOMAIN + swap("rights.pm =", "rights.pmm =", RELEASE))

    with pytest.raises(CharterInvalid) as raised:
        parse_charter(bad, SOURCE)

    assert SOURCE in raised.value.message
    assert "did you mean 'pm'?" in raised.value.message
    assert parse_charter(team_charter(), SOURCE).name == "checkout"
