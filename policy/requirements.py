"""Requirement ids of shared/REQUIREMENTS.md (R<article>.<n>), kept in the tree so that the
system check can tell a typo from a real requirement. Regenerate when REQUIREMENTS.md changes."""

REQUIREMENTS: dict[str, tuple[str, str]] = {
    "R6.1": (
        "第六条",
        "City plan (市级政务信息化建设规划): versioned; drafted by BDB, approved by the city government; a re-assessment can propose adjustments, which need approval again.",
    ),
    "R6.2": (
        "第六条",
        "Department master plan (整合建设总体方案) covers 3–5 years (policy), lists the unit's projects being built, planned or in O&M, with a sequence that puts data governa…",
    ),
    "R6.3": (
        "第六条",
        "Adding, removing or changing a project in a filed master plan requires re-filing; a project can only be submitted for the list if it is in the unit's current…",
    ),
    "R7.1": (
        "第七条",
        "Before a construction project is submitted, the unit records that data standards are set and existing data aggregated and governed; a missing record is a blo…",
    ),
    "R8.1": (
        "第八条",
        "A unit submits a requirement description (需求说明) per project, tied to its filed master plan.",
    ),
    "R8.2": (
        "第八条",
        "BDB reviews necessity on named criteria — basis, integration plan, data-sharing plan, cross-department common needs, data governance — records an opinion per…",
    ),
    "R8.3": (
        "第八条",
        "Classified (涉密) projects are not handled online: the system refuses classified content, directs the user to the offline channel, and keeps at most a non-clas…",
    ),
    "R15.1": (
        "第十五条",
        "Every non-classified construction project is in the platform; the master catalog of government information systems (政务信息系统总目录) is compiled from it.",
    ),
    "R9.1": (
        "第九条",
        'Total investment below the threshold (30,000,000 yuan): one approval stage, "FSR + budget in lieu of preliminary design" (可研报告及概（预）算（代初步设计）). At or above i…',
    ),
    "R9.2": (
        "第九条",
        "DRC accepts only listed projects, commissions a third-party evaluator, who writes an evaluation report.",
    ),
    "R9.3": (
        "第九条",
        "Joint technical review: opinions from the network-security, budget, data-resource, cryptography and secrecy authorities; the stage completes only when every …",
    ),
    "R4.1": (
        "第四条",
        "For two-stage projects, BDB reviews the preliminary-design content before DRC approves it.",
    ),
    "R12.1": (
        "第十二条",
        "Energy assessment, site selection, land pre-review and environmental assessment are not required, unless the project has new civil works or is energy-intensi…",
    ),
    "R13.1": (
        "第十三条",
        "Cross-department project: a framework plan (lead unit, participating units, goals, main content, each unit's business flow, data flow and interfaces with the…",
    ),
    "R13.2": (
        "第十三条",
        "Municipal projects needing district cooperation record the districts and their linked projects.",
    ),
    "R14.1": (
        "第十四条",
        "The FSR (or FSR+budget, or preliminary design) must contain five chapters: 数据资源收集治理及业务应用梳理, 数据资源共享分析, 网络安全保护措施, 密码应用方案, 集约化建设. An expansion project (改扩建) mus…",
    ),
    "R14.2": (
        "第十四条",
        "The evaluation report, and the approval (批复) document, each carry an opinion on each of the five chapters.",
    ),
    "R14.3": (
        "第十四条",
        "A data resource catalog (数据资源目录) and a cryptography application plan (密码应用方案) are required before approval.",
    ),
    "R14.4": (
        "第十四条",
        "Data that should be generally shared must not be opened only to specific enterprises or organisations: a sharing scope naming only specific private recipient…",
    ),
    "R14.5": (
        "第十四条",
        "Sharing scope, security and crypto status are recorded as inputs to the investment, O&M funding and acceptance decisions.",
    ),
    "R19.1": (
        "第十九条",
        "At approval the unit states the secure-and-reliable status of its software and hardware products.",
    ),
    "R10.1": (
        "第十条",
        "Eligible for a year's investment plan: O&M projects on the list; approved continuing projects; listed projects whose approval (single- or two-stage) is compl…",
    ),
    "R27.1": ("第二十七条", "A project whose approval is not complete cannot enter the plan."),
    "R10.2": (
        "第十条",
        "Budget follows the plan: each project's budget amount equals its plan amount; a project not in the plan cannot be budgeted. The system reports every mismatch.",
    ),
    "R10.3": (
        "第十条",
        "A construction project applying for the plan attaches a performance target table (绩效目标表), with indicators in levels (产出 数量/质量/时效/成本, 效益, 满意度).",
    ),
    "R11.1": (
        "第十一条",
        "Exceptional path: Finance initiates for a project required by the state or the city but not in the year's budget; BDB lists it; DRC approves and adjusts the …",
    ),
    "R16.1": (
        "第十六条",
        "Before construction: an implementing agency and a responsible person are named; procurement, bidding, supervision and contracts are recorded.",
    ),
    "R17.1": (
        "第十七条",
        "Network-security testing and risk assessment, and cryptography evaluation, recur on a schedule (policy); overdue ones are findings.",
    ),
    "R18.1": (
        "第十八条",
        "Network-security testing and risk assessment, and cryptography evaluation, recur on a schedule (policy); overdue ones are findings.",
    ),
    "R19.2": (
        "第十九条",
        "Acceptance checks: product security-and-reliability, crypto and security review, energy efficiency (PUE) of hardware and any new data centre.",
    ),
    "R20.1": (
        "第二十条",
        "Hosting on the Digital Chongqing cloud is the default; any other hosting needs a recorded justification.",
    ),
    "R21.1": (
        "第二十一条",
        "Investment per user above a policy figure, or a unit without operating capacity, raises an advisory to outsource.",
    ),
    "R22.1": ("第二十二条", "Every construction project has an engineering supervisor."),
    "R23.1": (
        "第二十三条",
        "During construction, a performance evaluation report is due each year before year end, with the opinions of the user units and the supervisor; it covers prog…",
    ),
    "R24.1": (
        "第二十四条",
        "Serious delay or major loss is reported to DRC and Finance, who may order rectification or suspend the project.",
    ),
    "R25.1": (
        "第二十五条",
        "The project is built as approved; payments follow treasury rules and are recorded against the approved budget; the sum paid never exceeds it.",
    ),
    "R26.1": (
        "第二十六条",
        "A change request is classified automatically: unit may adjust and file (备案) with DRC, Finance and BDB when the total does not grow, goals are unchanged, the …",
    ),
    "R28.1": (
        "第二十八条",
        "Completion starts a 6-month (policy) clock. At or above the threshold the unit applies to BDB, which organises acceptance; below it the unit organises accept…",
    ),
    "R28.2": (
        "第二十八条",
        "Required materials for both: construction summary, financial report, audit report, security risk assessment (secrecy evaluation for classified systems, or ML…",
    ),
    "R28.3": (
        "第二十八条",
        "A unit that cannot meet the deadline applies to BDB for an extension; an overdue project without one is a finding.",
    ),
    "R28.4": ("第二十八条", "A project that failed acceptance gets no O&M funding."),
    "R29.1": (
        "第二十九条",
        "Archive acceptance (档案验收) must pass before completion acceptance; the platform exports a project's complete electronic archive.",
    ),
    "R30.1": (
        "第三十条",
        "Self-evaluation is due 12–24 months (policy) after acceptance and go-live and is sent to DRC, Finance and BDB; DRC or BDB may commission a third-party post-e…",
    ),
    "R31.1": (
        "第三十一条",
        '"联网通办是原则，孤网是例外": a system that claims it cannot share data needs BDB\'s initial review and city-government approval before it is built or kept.',
    ),
    "R31.2": (
        "第三十一条",
        "No O&M funding, and no new or expansion project, for a system that does not share data as required or collects data already collected elsewhere (重复采集).",
    ),
    "R31.3": ("第三十一条", "No O&M funding for a system missing from the master catalog."),
    "R32.1": (
        "第三十二条",
        "No O&M funding, and no new or expansion project, for a system that fails crypto or network-security requirements or has a major security hazard.",
    ),
    "R33.1": (
        "第三十三条",
        "No O&M funding and no new project for a unit with systems that should have been integrated and were not.",
    ),
    "R34.1": ("第三十四条", "Units answer supervision requests; missing answers are findings."),
    "R35.1": (
        "第三十五条",
        "An authority issues a rectification order with a deadline; an overdue or failed rectification allows: public criticism (通报批评), deferral of the investment pla…",
    ),
    "R36.1": ("第三十六条", "Audit reads everything and records findings."),
    "R37.1": (
        "第三十七条",
        "Evaluation results feed the next year's investment decisions: they appear beside each project in the plan.",
    ),
    "R38.1": (
        "第三十八条",
        "Violations (no approval, over-budget, misuse of funds) are recorded with the responsible people and the outcome.",
    ),
}


def article_of(requirement_id: str) -> str:
    return REQUIREMENTS[requirement_id][0]
