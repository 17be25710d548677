"""A payment's story as Mermaid `sequenceDiagram` text, for pasting into a design doc (GitHub renders it)."""

from .steps import Step, Story

# Mermaid reads ';' as a statement end and '#' as an entity start: both become entity codes, in one pass.
ENTITIES = str.maketrans({"#": "#35;", ";": "#59;"})


def text(label: str) -> str:
    return label.translate(ENTITIES)


def arrow(step: Step, asker: int | None = None, redirector: int | None = None) -> str:
    """Requests are solid, answers and redirects dashed; a failure ends in a cross. Answers run leftwards, except
    from the story's asker (a lane that only asks, e.g. the payer's phone at the right); an arrow from the story's
    redirector into the asker is a redirect."""
    dashed = step.dst < step.src != asker or (step.src, step.dst) == (redirector, asker)
    head = "x" if step.state == "error" else ">>"
    return ("--" if dashed else "-") + head


def line(aliases: str, number: int, step: Step, story: Story) -> str:
    src, dst, label = aliases[step.src], aliases[step.dst], text(f"{number}. {step.label}")
    if step.src == step.dst:
        return f"    Note over {src}: {label} ({step.note})"
    return f"    {src}{arrow(step, story.asker, story.redirector)}{dst}: {label}"


def sequence_diagram(title: str, steps: list[Step], lanes: tuple[str, ...], story: Story) -> str:
    """Every step that happened (pending ones are left out), numbered like the presenter's diagram; the participant
    ids and which lane only asks are the story's."""
    lines = ["sequenceDiagram", f"    title {text(title)}"]
    aliases = story.aliases[lanes]
    lines += [f"    participant {alias} as {lane}" for alias, lane in zip(aliases, lanes, strict=True)]
    lines += [line(aliases, number, step, story) for number, step in enumerate(steps, 1) if step.state != "pending"]
    return "\n".join(lines) + "\n"
