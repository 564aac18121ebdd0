"""What each role sees first: the KPIs of its dashboard, in order, with how to show them.

Every role can open the others' dashboards in summary (MODEL.md: asymmetry, not a wall).
Each row: (kpi key, label, decimals, "up" if higher is better / "down" if lower is better).
"""
ROLE_DASHBOARDS = {
    "director": [
        ("scorecard", "Balanced scorecard (0-100)", 1, "up"),
        ("throughput_strength", "Throughput strength (shipped / demand)", 2, "up"),
        ("oee_line", "OEE, line", 2, "up"),
        ("execution_confidence", "Execution confidence (0-100)", 0, "up"),
        ("operational_risk", "Operational risk (% of a month's contribution at stake)", 1, "down"),
        ("leadership_alignment", "Leadership alignment (0-100)", 0, "up"),
        ("margin", "Margin", 3, "up"),
    ],
    "finance": [
        ("cash", "Cash", 0, "up"),
        ("revenue", "Revenue", 0, "up"),
        ("opex", "Operating cost", 0, "down"),
        ("net_cash_flow", "Net cash flow", 0, "up"),
        ("cost_per_unit", "Cost per good unit", 2, "down"),
        ("cost_of_poor_quality", "Cost of poor quality", 0, "down"),
        ("capex", "Capex spent", 0, "down"),
        ("repairs_waiting_for_money", "Repairs that waited for money", 0, "down"),
        ("training_funded", "Share of the training plan funded", 2, "up"),
    ],
    "engineering": [
        ("bottleneck_station", "Bottleneck station", 0, ""),
        ("oee_bottleneck", "OEE at the bottleneck", 2, "up"),
        ("availability", "Availability", 2, "up"),
        ("failures", "Breakdowns", 0, "down"),
        ("minor_stop_loss", "Minor stops (share of run time)", 3, "down"),
        ("unplanned_hours", "Unplanned downtime (h)", 1, "down"),
        ("expected_unplanned_hours_next", "Expected downtime next month (h)", 1, "down"),
        ("maintenance_backlog", "PM backlog (h)", 0, "down"),
        ("pm_compliance", "PM compliance", 2, "up"),
        ("first_pass_yield", "First-pass yield", 3, "up"),
        ("engineering_load", "Engineering load", 2, "down"),
    ],
    "hr": [
        ("headcount", "Headcount", 0, ""),
        ("skill", "Skill (0-1)", 2, "up"),
        ("fatigue", "Fatigue (0-1)", 2, "down"),
        ("absenteeism", "Absenteeism", 3, "down"),
        ("quits", "Quits", 0, "down"),
        ("injuries", "Injuries", 0, "down"),
        ("hiring_pipeline", "Hires in the pipeline", 0, ""),
        ("cross_training", "Cross-trained share", 2, "up"),
        ("hours_per_week", "Hours per week", 1, ""),
    ],
}


def dashboards_json() -> dict:
    return {role: [{"kpi": k, "label": label, "digits": d, "better": b} for k, label, d, b in rows]
            for role, rows in ROLE_DASHBOARDS.items()}
