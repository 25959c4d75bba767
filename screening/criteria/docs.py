"""Render a criteria set into a bilingual Markdown reference page (``docs/criteria.md``).

The page lists every source, every gate and review flag with its condition summarised, its reasons in
Chinese and English and its source; the positive list; the tracks with their thresholds and why; the
classifiers; every dimension and criterion with its weight, anchors, track applicability, source and why;
the tiers; the IPF indices; and the missing-data policy. The output is a pure function of the criteria set
(no dates, no clock), so a test can compare it with the committed page.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from screening.criteria.models import Classifier, CriteriaSet, Criterion, Dimension, Flag, Gate
from screening.criteria.rules import (
    AllOf,
    AnyOf,
    CasesScorer,
    CombineScorer,
    Compare,
    HasFlag,
    LinearScorer,
    MapScorer,
    Member,
    Missing,
    Not,
    StepsScorer,
    TextContains,
)
from screening.i18n import t, text
from screening.vocab.columns import COLUMN_BY_NAME
from screening.vocab.columns import label as column_label

__all__ = [
    "criteria_per_input",
    "describe_rule",
    "describe_scorer",
    "effective_weight_table",
    "input_shares",
    "render_criteria_markdown",
]


_OPS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def _name(field: str, lang: str) -> str:
    """A field's display name: the column label (with the code name) or the id of a derived/classifier field."""
    if field in COLUMN_BY_NAME:
        return f"{column_label(field, lang)} (`{field}`)"
    return f"`{field}`"


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return f"{int(v)}"
    return str(v)


def describe_rule(rule: object, lang: str = "en") -> str:
    """A one-line, readable summary of a rule (condition) in Chinese or English."""
    if isinstance(rule, Compare):
        for op, sym in _OPS.items():
            target = getattr(rule, op)
            if target is not None:
                return f"{_name(rule.field, lang)} {sym} {_value(target)}"
    if isinstance(rule, Member):
        values = rule.in_ if rule.in_ is not None else rule.not_in
        listed = ", ".join(_value(v) for v in values or [])
        if rule.in_ is not None:
            return f"{_name(rule.field, lang)} ∈ {{{listed}}}"
        return f"{_name(rule.field, lang)} ∉ {{{listed}}}"
    if isinstance(rule, Missing):
        return t("doc_is_blank" if rule.missing else "doc_is_filled", lang, field=_name(rule.field, lang))
    if isinstance(rule, TextContains):
        fields = ", ".join(f"`{f}`" for f in rule.fields_)
        terms = ", ".join(f"“{term}”" for term in rule.text_contains)
        said = t("doc_text_contains", lang, fields=fields, terms=terms)
        if rule.unless:
            said += t("doc_text_unless", lang, terms=", ".join(f"“{term}”" for term in rule.unless))
        return said
    if isinstance(rule, HasFlag):
        return t("doc_has_flag", lang, flag=rule.has_flag)
    if isinstance(rule, AllOf):
        return _join(rule.all, t("doc_and", lang), lang)
    if isinstance(rule, AnyOf):
        return _join(rule.any, t("doc_or", lang), lang)
    if isinstance(rule, Not):
        return t("doc_not", lang, rule=describe_rule(rule.not_, lang))
    return str(rule)


def _join(rules: Iterable[object], word: str, lang: str) -> str:
    parts = [describe_rule(r, lang) for r in rules]
    if len(parts) == 1:
        return parts[0]
    return "(" + f" {word} ".join(parts) + ")"


def describe_scorer(scorer: object, lang: str = "en") -> str:
    """How a scorer turns values into 0–100 points, in Chinese or English (one line; nested parts inline)."""
    # the anchors in the words the reasons use (the scorer's own describe: one wording, not two)
    if isinstance(scorer, MapScorer):
        other = "" if scorer.other is None else t("doc_other_values", lang, points=scorer.other)
        return f"{_name(scorer.field, lang)}: {scorer.describe(lang)}{other}"
    if isinstance(scorer, LinearScorer):
        return f"{_name(scorer.field, lang)}: {scorer.describe(lang)}{t('doc_linear', lang)}"
    if isinstance(scorer, StepsScorer):
        return f"{_name(scorer.field, lang)}: {scorer.describe(lang)}"
    if isinstance(scorer, CasesScorer):
        parts = []
        for case in scorer.cases:
            outcome = f"{case.points:g}" if case.points is not None else describe_scorer(case.score, lang)
            parts.append(t("doc_case", lang, cond=describe_rule(case.when, lang), outcome=outcome))
        if scorer.default is not None:
            default = (
                f"{scorer.default:g}"
                if isinstance(scorer.default, int | float)
                else describe_scorer(scorer.default, lang)
            )
            parts.append(t("doc_otherwise", lang, outcome=default))
        said = t("doc_first_case", lang, cases="; ".join(parts))
        if scorer.requires:
            said += t("doc_requires", lang, fields=", ".join(_name(f, lang) for f in scorer.requires))
        return said
    if isinstance(scorer, CombineScorer):
        labels = scorer.labels or []
        parts = []
        for i, part in enumerate(scorer.of):
            head = f"{labels[i].get(lang)}: " if i < len(labels) else ""
            parts.append(f"[{head}{describe_scorer(part, lang)}]")
        return t("doc_combine", lang, method=t(f"doc_method_{scorer.method}", lang), parts=" × ".join(parts))
    if isinstance(scorer, BaseModel) and hasattr(scorer, "describe"):
        return str(scorer.describe(lang))
    return str(scorer)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _source(cs: CriteriaSet, key: str, section: str | None) -> str:
    src = cs.sources.get(key)
    sec = section or (src.section if src is not None else None)
    return f"`{key}`" + (f" {sec}" if sec else "")


def _tier_name(cs: CriteriaSet, tier_id: str) -> str:
    tier = next((t for t in cs.tiers if t.id == tier_id), None)
    return f"{tier.label.zh} / {tier.label.en} (`{tier_id}`)" if tier is not None else tier_id


def _gate_md(cs: CriteriaSet, gate: Gate) -> list[str]:
    out = [f"### {gate.label.zh} / {gate.label.en} (`{gate.id}`)", ""]
    if gate.kind == "not_a_candidate":
        out += [
            "- **类型 / Kind:** 非候选项目，与负面清单分开列出 / not a candidate, reported apart from the negative list"
        ]
    if gate.when is not None:
        out += [
            f"- **排除条件 / Excludes when:** {describe_rule(gate.when, 'en')}",
            f"  - 中文：{describe_rule(gate.when, 'zh')}",
        ]
    if gate.flag_when is not None:
        out += [
            f"- **仅提示条件 / Flags only when:** {describe_rule(gate.flag_when, 'en')}",
            f"  - 中文：{describe_rule(gate.flag_when, 'zh')}",
        ]
    out += [f"- **理由 / Reason:** {gate.reason.zh} / {gate.reason.en}"]
    if gate.flag_reason is not None:
        out += [f"- **提示理由 / Flag reason:** {gate.flag_reason.zh} / {gate.flag_reason.en}"]
    if gate.flag_max_tier is not None:
        out += [f"- **提示时等级上限 / Tier cap when flagged:** {_tier_name(cs, gate.flag_max_tier)}"]
    out += [f"- **依据 / Source:** {_source(cs, gate.source, gate.section)}", ""]
    return out


def _flag_md(cs: CriteriaSet, flag: Flag) -> list[str]:
    out = [f"### {flag.label.zh} / {flag.label.en} (`{flag.id}`)", ""]
    if flag.when is not None:
        out += [
            f"- **条件 / When:** {describe_rule(flag.when, 'en')}",
            f"  - 中文：{describe_rule(flag.when, 'zh')}",
        ]
    if flag.duplicates is not None:
        d = flag.duplicates
        same = ", ".join(f"`{f}`" for f in d.same)
        similar = ", ".join(f"`{f}`" for f in d.similar)
        out += [
            f"- **条件 / When:** another project in the same file with the same {same} and a similar {similar} "
            f"(word-set similarity ≥ {d.threshold:g}); compares projects with each other, so it never changes a score",
            f"  - 中文：同一文件中另有项目 {same} 相同且 {similar} 相似（词集相似度 ≥ {d.threshold:g}）；"
            "属于项目之间的比较，从不影响得分",
        ]
    out += [f"- **理由 / Reason:** {flag.reason.zh} / {flag.reason.en}"]
    if flag.role is not None:
        out += [f"- {_role(flag.role)}"]
    if flag.max_tier is not None:
        out += [f"- **等级上限 / Tier cap:** {_tier_name(cs, flag.max_tier)}"]
    if flag.blocks_portfolio:
        out += ["- **默认组合 / Default portfolio:** 不纳入 / left out"]
    out += [f"- **依据 / Source:** {_source(cs, flag.source, flag.section)}", ""]
    return out


def _classifier_md(cs: CriteriaSet, cl: Classifier) -> list[str]:
    kind = "多标签 / multi-label tags" if cl.tags else "按顺序取第一个成立的情形 / first matching case"
    out = [
        f"### {cl.label.zh} / {cl.label.en} (`{cl.id}`)",
        "",
        f"- {kind}; 依据 / Source: {_source(cs, cl.source, None)}",
    ]
    if cl.role is not None:
        out += [f"- {_role(cl.role)}"]
    for case in cl.tags or cl.cases:
        value = cl.values.get(case.value)
        name = f"{value.zh} / {value.en}" if value is not None else ""
        out += [
            f"- `{case.value}` {name}".rstrip() + f": {describe_rule(case.when, 'en')}",
            f"  - 中文：{describe_rule(case.when, 'zh')}",
        ]
    if cl.default is not None:
        value = cl.values.get(cl.default)
        name = f"{value.zh} / {value.en}" if value is not None else ""
        out += [f"- 其他 / otherwise: `{cl.default}` {name}".rstrip()]
    out.append("")
    return out


def _role(role: str) -> str:
    r = text("doc_role")
    return f"{r.zh} / {r.en}: `{role}`"


def _criterion_md(cs: CriteriaSet, dim: Dimension, crit: Criterion) -> list[str]:
    tracks = ", ".join(f"`{t}`" for t in crit.tracks) if crit.tracks else "全部 / all"
    track = crit.tracks[0] if crit.tracks else cs.tracks[-1].id
    applicable = sum(c.weight for c in dim.criteria if c.tracks is None or track in c.tracks)
    share = crit.weight / applicable if applicable > 0 else 0.0
    out = [
        f"#### {crit.label.zh} / {crit.label.en} (`{crit.id}`)",
        "",
        f"- **权重 / Weight:** {crit.weight:g}（`{track}` 类项目在本维度中占 {share:.0%} / {share:.0%} of this "
        f"dimension for a `{track}` project)",
        f"- **适用类别 / Tracks:** {tracks}",
    ]
    if crit.applies_when is not None and crit.not_applicable is not None:
        out += [
            f"- **仅适用于 / Applies only when:** {describe_rule(crit.applies_when, 'en')}",
            f"  - 中文：{describe_rule(crit.applies_when, 'zh')}",
            f"  - 否则不适用（不扣分、不计入完整度）/ otherwise not applicable (never docked, not counted in "
            f"completeness): {crit.not_applicable.zh} / {crit.not_applicable.en}",
        ]
    out += [
        f"- **打分 / Scoring:** {describe_scorer(crit.scorer, 'en')}",
        f"  - 中文：{describe_scorer(crit.scorer, 'zh')}",
        f"- **依据 / Source:** {_source(cs, crit.source, crit.section)}",
    ]
    if crit.why is not None:
        out += [f"- **理由 / Why:** {crit.why.zh}", f"  - {crit.why.en}"]
    out.append("")
    return out


def input_shares(cs: CriteriaSet) -> dict[str, dict[str, float]]:
    """Each input field's share of the total score per track (track id → field → share), with every criterion
    of the track applicable and assessed. A criterion's share (dimension share × share within the dimension)
    is split equally over the fields its scorer reads — an approximation for combinations, which weigh their
    halves by their own rule; a field the criteria read twice shows the sum."""
    total_w = sum(d.weight for d in cs.dimensions)
    out: dict[str, dict[str, float]] = {}
    for track in cs.track_ids():
        dims = [(d, [c for c in d.criteria if c.tracks is None or track in c.tracks]) for d in cs.dimensions]
        active = sum(d.weight for d, crits in dims if crits and sum(c.weight for c in crits) > 0) or total_w
        shares: dict[str, float] = {}
        for d, crits in dims:
            within = sum(c.weight for c in crits)
            for c in crits:
                share = d.weight / active * (c.weight / within if within else 0.0)
                fields = sorted(c.scorer.fields() - {"track"}) or ["track"]
                for f in fields:
                    shares[f] = shares.get(f, 0.0) + share / len(fields)
        out[track] = dict(sorted(shares.items(), key=lambda kv: (-round(kv[1], 6), kv[0])))
    return out


def criteria_per_input(cs: CriteriaSet, track: str) -> dict[str, list[str]]:
    """For one track: each input field → the criteria that read it (the double-counting check)."""
    out: dict[str, list[str]] = {}
    for _, c in cs.criteria:
        if c.tracks is None or track in c.tracks:
            for f in c.scorer.fields() - {"track"}:
                out.setdefault(f, []).append(c.id)
    return out


def effective_weight_table(cs: CriteriaSet) -> list[str]:
    """The effective-weight table of docs/criteria.md: each input's share of the total, per track."""
    shares = input_shares(cs)
    tracks = cs.track_ids()
    fields = sorted(
        {f for s in shares.values() for f in s},
        key=lambda f: (-round(max(s.get(f, 0) for s in shares.values()), 6), f),
    )
    lines = [
        "### 各输入的实际权重 / Effective weight of each input",
        "",
        "每个输入字段在总分中的占比（按项目类别，所有准则均适用且已评估时）；一个准则读多个字段时平均分摊。"
        "同一类别中没有字段被两个准则读取（测试检查）。",
        "Each input field's share of the total score, per track, with every criterion applicable and assessed; a "
        "criterion reading several fields is split equally among them. No field is read by two criteria of the "
        "same track (a test checks it).",
        "",
        "| input | " + " | ".join(f"`{t}`" for t in tracks) + " |",
        "|---|" + "---|" * len(tracks),
    ]
    for f in fields:
        cells = [f"{shares[t][f]:.1%}" if f in shares[t] else "" for t in tracks]
        lines.append(f"| {_name(f, 'en')} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render_criteria_markdown(cs: CriteriaSet) -> str:
    """The reference page of a criteria set, in Chinese and English, as Markdown (deterministic)."""
    lines: list[str] = [
        f"# {cs.title.zh} / {cs.title.en}",
        "",
        "<!-- Generated from the criteria file by screening.criteria_docs.render_criteria_markdown; do not edit by hand. -->",
        "",
        f"- 标准编号 / Criteria set id: `{cs.id}`",
        f"- 版本 / Version: `{cs.version}`",
        f"- 闸门 / Gates: {len(cs.gates)}; 复核提示 / Review flags: {len(cs.flags)}; "
        f"正面清单 / Positive list: {len(cs.positive_list)}; 维度 / Dimensions: {len(cs.dimensions)}; "
        f"准则 / Criteria: {len(cs.criteria)}",
        "",
    ]
    if cs.description is not None:
        lines += ["## 说明 / About", "", cs.description.zh, "", cs.description.en, ""]

    lines += [
        "## 依据来源 / Sources",
        "",
        "| key | short 简称 | kind | year | citation | section |",
        "|---|---|---|---|---|---|",
    ]
    for key, src in cs.sources.items():
        short = "" if src.short is None else " / ".join(dict.fromkeys((src.short.zh, src.short.en)))
        lines.append(
            f"| `{key}` | {_cell(short)} | {src.kind} | {src.year or ''} | {_cell(src.cite)} | "
            f"{_cell(src.section or '')} |"
        )
    lines.append("")

    lines += [
        "## 负面清单（闸门）/ Negative list (gates)",
        "",
        "命中“排除条件”即排除；“仅提示条件”（含义不明的文字、关键字段为空）只触发复核提示。",
        'A hit on "excludes when" excludes the project; "flags only when" (ambiguous text, a blank key field) '
        "only raises a review flag.",
        "",
    ]
    for gate in cs.gates:
        lines += _gate_md(cs, gate)

    lines += [
        "## 复核提示 / Review flags",
        "",
        "项目保留并标注；部分提示将等级上限压到指定等级。",
        "The project stays and is flagged; some flags cap its tier.",
        "",
    ]
    for flag in cs.flags:
        lines += _flag_md(cs, flag)

    lines += [
        "## 正面清单（鼓励类）/ Positive list (encouraged)",
        "",
        "项目所属鼓励类别的个数（`positive_list_count`）由加分准则计分。",
        "The number of encouraged categories a project belongs to (`positive_list_count`) feeds a bonus criterion.",
        "",
        "| id | 类别 / category | 条件 / condition | 依据 / source |",
        "|---|---|---|---|",
    ]
    for cat in cs.positive_list:
        lines.append(
            f"| `{cat.id}` | {cat.label.zh} / {cat.label.en} | {_cell(describe_rule(cat.when, 'en'))} | "
            f"{_source(cs, cat.source, cat.section)} |"
        )
    lines.append("")
    for cat in cs.positive_list:
        if cat.why is not None:
            lines += [f"- `{cat.id}`: {cat.why.zh} / {cat.why.en}"]
    lines.append("")

    lines += [
        "## 项目类别 / Tracks",
        "",
        "按顺序取第一个成立的类别；最后一类为默认。",
        "The first track whose condition holds wins; the last one is the default.",
        "",
    ]
    for track in cs.tracks:
        lines += [f"### {track.label.zh} / {track.label.en} (`{track.id}`)", ""]
        if track.when is not None:
            lines += [
                f"- **条件 / When:** {describe_rule(track.when, 'en')}",
                f"  - 中文：{describe_rule(track.when, 'zh')}",
            ]
        else:
            lines += ["- **条件 / When:** 默认 / default"]
        if track.why is not None:
            lines += [f"- **理由 / Why:** {track.why.zh}", f"  - {track.why.en}"]
        lines.append("")

    if cs.classifiers:
        lines += [
            "## 分类标签 / Classifications",
            "",
            "显示在得分旁的标签。",
            "Labels shown beside the score.",
            "",
        ]
        for cl in cs.classifiers:
            lines += _classifier_md(cs, cl)

    total_w = sum(d.weight for d in cs.dimensions)
    lines += [
        "## 维度与准则 / Dimensions and criteria",
        "",
        "每项准则按固定锚点给 0–100 分；维度得分为适用准则的加权平均，总分为维度的加权平均。",
        "Each criterion gives 0–100 points on fixed anchors; a dimension is the weighted mean of its applicable "
        "criteria, the total the weighted mean of the dimensions.",
        "",
        "| 维度 / dimension | weight | share | criteria |",
        "|---|---|---|---|",
    ]
    for d in cs.dimensions:
        share = d.weight / total_w if total_w else 0
        lines.append(
            f"| {d.label.zh} / {d.label.en} (`{d.id}`) | {d.weight:g} | {share:.0%} | {len(d.criteria)} |"
        )
    lines.append("")
    lines += effective_weight_table(cs)
    for d in cs.dimensions:
        share = d.weight / total_w if total_w else 0
        lines += [f"### {d.label.zh} / {d.label.en} (`{d.id}`) — {d.weight:g} ({share:.0%})", ""]
        if d.why is not None:
            lines += [f"**权重理由 / Why this weight:** {d.why.zh}", "", d.why.en, ""]
        for crit in d.criteria:
            lines += _criterion_md(cs, d, crit)

    if cs.hurdles:
        lines += [
            "## 维度底线 / Dimension hurdles",
            "",
            "总分再高，也不能抵消明显短板：任一所列维度低于底线时，等级上限压到指定等级（该维度至少有指定比例的权重已评估时才检查）。",
            "A strong total cannot buy off a marked weakness: a project below the line on any listed dimension is "
            "capped at the given tier (checked only where at least the given share of the dimension was assessed).",
            "",
            "| id | 底线 / hurdle | dimensions | below | min assessed | tier cap | 理由 / reason | source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for h in cs.hurdles:
            lines.append(
                f"| `{h.id}` | {h.label.zh} / {h.label.en} | {', '.join(f'`{d}`' for d in h.dimensions)} | "
                f"{h.below:g} | {h.min_assessed:.0%} | {_tier_name(cs, h.max_tier)} | "
                f"{_cell(h.reason.zh)} / {_cell(h.reason.en)} | {_source(cs, h.source, h.section)} |"
            )
        lines.append("")
        for h in cs.hurdles:
            if h.why is not None:
                lines += [f"- `{h.id}`: {h.why.zh} / {h.why.en}"]
        lines.append("")

    lines += ["## 等级 / Tiers", "", "| tier | 中文 | English | min score |", "|---|---|---|---|"]
    for tier in cs.tiers:
        lines.append(f"| `{tier.id}` | {tier.label.zh} | {tier.label.en} | {tier.min_score:g} |")
    lines += [
        f"| `insufficient_data` | 资料不足 | Insufficient data | completeness < {cs.completeness_threshold:.0%} |",
        "",
    ]

    if cs.indices:
        lines += [
            "## 世界银行IPF指数 / World Bank IPF indices",
            "",
            "已评估准则得分的加权平均，用于象限图。",
            "Weighted mean of the assessed criteria's points, for the quadrant chart.",
            "",
            "| index | 中文 / English | criteria (weight) | source | 用途 / role |",
            "|---|---|---|---|---|",
        ]
        for idx in cs.indices:
            crits = ", ".join(f"`{c}` ({w:g})" for c, w in idx.criteria.items())
            role = f"`{idx.role}`" if idx.role is not None else ""
            lines.append(
                f"| `{idx.id}` | {idx.label.zh} / {idx.label.en} | {crits} | {_source(cs, idx.source, None)} | "
                f"{role} |"
            )
        lines.append("")

    policy = text(f"doc_policy_{cs.missing_policy}")
    zh, en = policy.zh, policy.en
    lines += [
        "## 缺失数据 / Missing data",
        "",
        f"- 策略 / Policy: `{cs.missing_policy}`",
        f"- {zh}",
        f"- {en}",
        "- 组合准则（相结合）任何一半未评估，则整体未评估。/ A combination with a half not assessed is itself not assessed.",
        f"- 完整度（已评估权重占比）低于 {cs.completeness_threshold:.0%} 的项目等级为“资料不足”。/ A project whose "
        f"completeness (assessed share of the weight) is below {cs.completeness_threshold:.0%} gets the tier "
        '"insufficient data".',
        "",
    ]
    return "\n".join(lines)
