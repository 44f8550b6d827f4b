"""Synthetic specs of a chosen width, for benchmarks and the wide-spec tests.

A wide spec has `inputs` fields (integers, floats, categories, a nullable float with
impute, a date) and `features` expression features over them, in the style of the
reference spec, with ranges that the inputs provably guarantee.
"""

from __future__ import annotations


def wide_spec(
    inputs: int = 400, features: int = 100, name: str = "wide-service"
) -> str:
    lines = [
        "spec_version: 1",
        f"name: {name}",
        "description: A wide synthetic service for benchmarks.",
        "inputs:",
        "  fields:",
        "    entity_id: {type: string, role: id, pattern: '^E[0-9]{8}$'}",
    ]
    kinds = []
    for index in range(inputs - 1):
        kind = ("integer", "float", "category", "nullable")[index % 4]
        kinds.append(kind)
        column = f"x{index:03d}"
        if kind == "integer":
            lines.append(f"    {column}: {{type: integer, min: 0, max: 1000}}")
        elif kind == "float":
            lines.append(f"    {column}: {{type: float, min: -50, max: 50}}")
        elif kind == "category":
            lines.append(f"    {column}: {{type: category, values: [a, b, c]}}")
        else:
            lines.append(
                f"    {column}: {{type: float, min: 0, max: 100, nullable: true, impute: median}}"
            )
    lines.append("features:")
    integers = [f"x{i:03d}" for i, k in enumerate(kinds) if k == "integer"]
    floats = [f"x{i:03d}" for i, k in enumerate(kinds) if k == "float"]
    for index in range(features):
        a = integers[index % len(integers)]
        b = floats[index % len(floats)]
        shape = index % 4
        if shape == 0:
            lines.append(f"  f{index:03d}: {{expr: '{a} / 1000', range: [0, 1]}}")
        elif shape == 1:
            lines.append(f"  f{index:03d}: {{expr: 'log1p({a})', range: [0, 7]}}")
        elif shape == 2:
            lines.append(
                f"  f{index:03d}: {{expr: 'clip({b} * 2, -10, 10)', range: [-10, 10]}}"
            )
        else:
            lines.append(f"  f{index:03d}: {{expr: '{b} > 0'}}")
    lines += [
        "model:",
        "  task: binary_classification",
        "  target: {name: converted, type: boolean}",
        "  algorithm: logistic_regression",
        "decisions:",
        "  rules:",
        "    - {when: score >= 0.7, then: contact}",
        "  default: wait",
    ]
    return "\n".join(lines) + "\n"
