"""``templates`` (list, show, copy) and ``apply-template``: the industry templates."""

from __future__ import annotations

import argparse
import json

from territory_designer.core.criterion import criterion_label

SAVING_COMMANDS = frozenset({"apply-template"})


def add_arguments(sub: argparse._SubParsersAction) -> None:
    """Register the template commands."""
    p = sub.add_parser("templates", help="list, show or copy industry templates")
    actions = p.add_subparsers(dest="action", metavar="{list,show,copy}")
    actions.add_parser("list", help="list the templates (default)")
    show = actions.add_parser("show", help="print a template's fields, workload and rules")
    show.add_argument("name")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    copy = actions.add_parser("copy", help="copy a template into your templates folder, to edit it")
    copy.add_argument("name", help="template to copy")
    copy.add_argument("new", help="name of the copy (letters, digits, '-', '_')")
    copy.add_argument("--title", help="title of the copy (default: '<title> (copy)')")
    p.add_argument("--json", action="store_true", help="machine-readable list")
    p.set_defaults(handler=run_templates)
    p = sub.add_parser("apply-template", help="apply an industry template to a project")
    p.add_argument("project")
    p.add_argument("name", help="template name (see `templates list`)")
    p.add_argument("--out", help="write the result to this project file instead of in place")
    p.set_defaults(handler=run_apply_template)


def run_templates(args: argparse.Namespace) -> int:
    """``templates [list|show NAME|copy NAME NEW]``."""
    action = args.action or "list"
    if action == "show":
        return _show(args.name, args.json)
    if action == "copy":
        from territory_designer.io.templates import copy_template

        path = copy_template(args.name, args.new, args.title)
        print(f"Wrote {path}: edit it in a text editor; `templates show {args.new}` checks it.")
        return 0
    return _list(getattr(args, "json", False))


def _list(as_json: bool) -> int:
    from territory_designer.io.templates import (
        TemplateFileError,
        parse_template_text,
        template_entries,
        user_templates_dir,
    )

    rows = []
    for name, entry in template_entries().items():
        try:
            t = parse_template_text(entry.text, name, entry.where())
            rows.append({"name": name, "title": t.title, "builtin": entry.builtin,
                         "balance_on": t.balance_on, "error": None})  # fmt: skip
        except TemplateFileError as exc:
            rows.append({"name": name, "title": "", "builtin": entry.builtin,
                         "balance_on": None, "error": str(exc)})  # fmt: skip
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        kind = "built-in" if r["builtin"] else "yours"
        if r["error"]:
            print(f"  {r['name']:<22}{kind:<10}INVALID: {r['error']}")
        else:
            print(
                f"  {r['name']:<22}{kind:<10}{r['title']:<34}"
                f"balances {criterion_label(r['balance_on'])}"
            )
    print(f"Your templates folder: {user_templates_dir()}")
    return 1 if any(r["error"] for r in rows) else 0


def template_summary(name: str) -> dict:
    """A template as plain data (what ``templates show --json`` prints)."""
    from territory_designer.io.templates import load_template

    t = load_template(name)
    return {
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "source": t.source,
        "fields": [
            {"name": f.name, "label": f.label, "kind": f.kind, "synonyms": f.synonyms}
            for f in t.fields
        ],
        "workload": t.workload.to_dict(),
        "balance_on": t.balance_on,
        "tolerance": t.tolerance,
        "constraints": t.constraints,
        "hierarchy_levels": t.hierarchy_levels,
        "kpis": t.kpis,
        "report_columns": t.report_columns,
    }


def _show(name: str, as_json: bool) -> int:
    info = template_summary(name)
    if as_json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"{info['title']} ({info['name']}) — {info['source']}")
    if info["description"]:
        print(f"  {info['description']}")
    print("  Account fields (label; header synonyms):")
    for f in info["fields"]:
        number = ", number" if f["kind"] == "number" else ""
        print(f"    {f['name']:<18}{f['label']}{number}; {', '.join(f['synonyms']) or '-'}")
    w = info["workload"]
    print(
        f"  Workload: {w['default_visits']:g} visits/yr x {w['default_minutes']:g} min by "
        f"default; travel x{w['circuity']:g} at {w['speed_kmh']:g} km/h; full-time year "
        f"{w['full_time_hours']:,.0f} h"
    )
    for key in ("visits_by_decile", "visits_by_segment", "minutes_by_decile",
                "minutes_by_segment"):  # fmt: skip
        if w[key]:
            table = ", ".join(f"{k}: {v:g}" for k, v in w[key].items())
            print(f"    {key.replace('_', ' ')}: {table}")
    print(f"  Balance on: {criterion_label(info['balance_on'])}, ±{info['tolerance'] * 100:g}%")
    c = info["constraints"]
    rules = [f"{k.replace('_', ' ')} {v}" for k, v in c.items() if v and k != "soft_targets"]
    rules += [
        f"soft target {t['metric']} "
        + " ".join(f"{k} {t[k]:g}" for k in ("min", "ideal", "max") if t[k] is not None)
        + f" (weight {t['weight']:g})"
        for t in c.get("soft_targets", [])
    ]
    print(f"  Constraints: {'; '.join(rules) or 'none'}")
    print(f"  Hierarchy: {' → '.join(info['hierarchy_levels'])}")
    print(f"  KPIs: {', '.join(info['kpis']) or '-'}; report columns: "
          f"{', '.join(info['report_columns']) or '-'}")  # fmt: skip
    return 0


def run_apply_template(args: argparse.Namespace) -> int:
    """Apply a template to a saved project."""
    from territory_designer.commands.common import load, save_project_file
    from territory_designer.core.templates import apply_template
    from territory_designer.io.templates import load_template

    template = load_template(args.name)
    project = load(args.project)
    apply_template(project, template)
    target = save_project_file(project, args)
    print(f"Applied template {template.title} to {target}")
    return 0
