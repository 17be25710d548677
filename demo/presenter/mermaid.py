"""A payment's story as Mermaid `sequenceDiagram` text, for pasting into a design doc (GitHub renders it)."""

from .story import APP_LANES, CHARGE_LANES, KAKAOPAY, LANES, PHONE, Step
from .toss import TOSS_LANES

ALIASES = (
    dict(zip(LANES, "BSKP", strict=True))
    | dict(zip(CHARGE_LANES, "SK", strict=True))
    | dict(zip(APP_LANES, "ASKT", strict=True))
    | dict(zip(TOSS_LANES, "BSWT", strict=True))
)
# The lane that only asks (KakaoPay's phone at the right); Toss has none: every leftward arrow is an answer.
ASKERS = {TOSS_LANES: None}
# Mermaid reads ';' as a statement end and '#' as an entity start: both become entity codes, in one pass.
ENTITIES = str.maketrans({"#": "#35;", ";": "#59;"})


def text(label: str) -> str:
    return label.translate(ENTITIES)


def arrow(step: Step, asker: int | None = PHONE) -> str:
    """Requests are solid, answers and redirects dashed; a failure ends in a cross. Answers run leftwards (the
    payer's phone at the right only asks), except KakaoPay's redirects to the phone lane (카카오톡 in the app's)."""
    dashed = step.dst < step.src != asker or (step.src, step.dst) == (KAKAOPAY, asker)
    head = "x" if step.state == "error" else ">>"
    return ("--" if dashed else "-") + head


def line(aliases: list[str], number: int, step: Step, asker: int | None = PHONE) -> str:
    src, dst, label = aliases[step.src], aliases[step.dst], text(f"{number}. {step.label}")
    if step.src == step.dst:
        return f"    Note over {src}: {label} ({step.note})"
    return f"    {src}{arrow(step, asker)}{dst}: {label}"


def sequence_diagram(title: str, steps: list[Step], lanes: tuple[str, ...] = LANES) -> str:
    """Every step that happened (pending ones are left out), numbered like the presenter's diagram."""
    lines = ["sequenceDiagram", f"    title {text(title)}"]
    aliases = [ALIASES[lane] for lane in lanes]
    lines += [f"    participant {alias} as {lane}" for alias, lane in zip(aliases, lanes, strict=True)]
    asker = ASKERS.get(lanes, PHONE)
    lines += [line(aliases, number, step, asker) for number, step in enumerate(steps, 1) if step.state != "pending"]
    return "\n".join(lines) + "\n"
