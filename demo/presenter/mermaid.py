"""A payment's story as Mermaid `sequenceDiagram` text, for pasting into a design doc (GitHub renders it)."""

from .story import LANES, PHONE, Step

ALIASES = ("B", "S", "K", "P")  # one per lane, in LANES order
# Mermaid reads ';' as a statement end and '#' as an entity start: both become entity codes, in one pass.
ENTITIES = str.maketrans({"#": "#35;", ";": "#59;"})


def text(label: str) -> str:
    return label.translate(ENTITIES)


def arrow(step: Step) -> str:
    """Requests are solid, answers and redirects dashed; a failure ends in a cross."""
    dashed = step.dst < step.src != PHONE
    head = "x" if step.state == "error" else ">>"
    return ("--" if dashed else "-") + head


def line(number: int, step: Step) -> str:
    src, dst, label = ALIASES[step.src], ALIASES[step.dst], text(f"{number}. {step.label}")
    if step.src == step.dst:
        return f"    Note over {src}: {label} ({step.note})"
    return f"    {src}{arrow(step)}{dst}: {label}"


def sequence_diagram(title: str, steps: list[Step]) -> str:
    """Every step that happened (pending ones are left out), numbered like the presenter's diagram."""
    lines = ["sequenceDiagram", f"    title {text(title)}"]
    lines += [f"    participant {alias} as {lane}" for alias, lane in zip(ALIASES, LANES, strict=True)]
    lines += [line(number, step) for number, step in enumerate(steps, 1) if step.state != "pending"]
    return "\n".join(lines) + "\n"
