"""Fixed sets of choices: classification, purpose, formation, account role, event kind, movements.

Chinese labels follow 财会〔2023〕11号 三 and the chart of accounts (docs/accounting.md) exactly; :func:`label`
gives the Chinese or English one.
"""

from __future__ import annotations

from enum import StrEnum


class Framework(StrEnum):
    """Reporting framework of a run: CAS (the books) or IFRS (the comparison view only)."""

    CAS = "cas"
    IFRS = "ifrs"


class HoldingPurpose(StrEnum):
    """持有目的 purpose of holding (财会〔2023〕11号 二)."""

    INTERNAL_USE = "internal_use"  # 企业内部使用
    SERVING_CUSTOMERS = "serving_customers"  # 对外提供服务
    HELD_FOR_SALE = "held_for_sale"  # 日常活动中持有、最终目的用于出售


class Formation(StrEnum):
    """形成方式 how the resource was formed; decides the column of Tables A and B."""

    PURCHASED = "purchased"  # 外购
    SELF_DEVELOPED = "self_developed"  # 自行开发 / 自行加工
    OTHER = "other"  # 其他方式取得


class BusinessModel(StrEnum):
    """The question that separates a licensed data product (intangible) from one sold outright."""

    LICENSE_COPIES_KEEP_CONTROL = "license_copies_keep_control"  # 授权使用，企业保留控制
    TRANSFER_DATASET = "transfer_dataset"  # 出售数据集，控制权转移
    INTERNAL_ONLY = "internal_only"  # 仅内部使用，不对外提供


class ResourceNature(StrEnum):
    """What was acquired: a data resource, or a processing service bought from a supplier."""

    DATA_RESOURCE = "data_resource"
    PROCESSING_SERVICE = "processing_service"  # 采集、脱敏、清洗、标注、整合、分析、可视化 services


class DataRight(StrEnum):
    """The "three rights" split: 持有权 / 加工使用权 / 产品经营权."""

    HOLDING = "holding"
    PROCESSING_USE = "processing_use"
    PRODUCT_OPERATION = "product_operation"


class RightSource(StrEnum):
    """Source of a right."""

    OWN_COLLECTION = "own_collection"
    PURCHASE = "purchase"
    LICENCE = "licence"
    AUTHORIZED_OPERATION = "authorized_operation"  # 公共数据授权运营


class Classification(StrEnum):
    """Recognition decision (the table of docs/accounting.md §Recognition)."""

    INTANGIBLE_ASSET = "intangible_asset"  # 无形资产—其中：数据资源 (CAS 6)
    INVENTORY = "inventory"  # 存货—其中：数据资源 (CAS 1)
    INTERNAL_RD = "internal_rd"  # 内部研发: research expensed, development → 开发支出 → 无形资产
    CONTRACT_COST = "contract_cost"  # 合同履约成本: data serving a customer contract, not an intangible (CAS 14 art. 26)
    EXPENSE = "expense"  # 费用化 (processing services, criteria unmet)
    NOT_AN_ASSET = "not_an_asset"  # 不确认为资产; voluntary disclosure only
    UNDECIDED = "undecided"  # facts missing


class AmortizationMethod(StrEnum):
    """CAS 6 art. 17: pattern of benefits, else straight-line."""

    STRAIGHT_LINE = "straight_line"
    UNITS_OF_USAGE = "units_of_usage"


class RDPhase(StrEnum):
    """CAS 6 art. 7-9 research and development phases."""

    RESEARCH = "research"
    DEVELOPMENT = "development"


class CostCategory(StrEnum):
    """Cost-line categories (docs/accounting.md §Initial measurement)."""

    PURCHASE_PRICE = "purchase_price"  # 购买价款
    TAXES = "taxes"  # 相关税费 (non-deductible)
    COLLECTION = "collection"  # 采集
    DESENSITIZATION = "desensitization"  # 脱敏
    CLEANING = "cleaning"  # 清洗
    LABELING = "labeling"  # 标注
    INTEGRATION = "integration"  # 整合
    ANALYSIS = "analysis"  # 分析
    VISUALIZATION = "visualization"  # 可视化
    RIGHTS_VERIFICATION = "rights_verification"  # 权属鉴证
    QUALITY_ASSESSMENT = "quality_assessment"  # 质量评估
    REGISTRATION_SETTLEMENT = "registration_settlement"  # 登记结算
    SECURITY_MANAGEMENT = "security_management"  # 安全管理
    INSURANCE = "insurance"  # 保险费
    STAFF = "staff"  # 职工薪酬
    STORAGE_COMPUTE = "storage_compute"  # 存储、算力
    OTHER_DIRECT = "other_direct"  # 其他直接归属成本
    TRAINING = "training"  # 培训 (never capitalized)
    GENERAL_ADMIN = "general_admin"  # 一般管理费用 (never capitalized)
    SELLING = "selling"  # 销售费用 (never capitalized; to 6601)
    RESEARCH = "research"  # 研究性支出：探索能否形成产品 (never inventory or intangible cost; to 研发费用)
    MAINTENANCE = "maintenance"  # 日常维护 (expensed)


PROCESSING_CATEGORIES = frozenset(
    {
        CostCategory.COLLECTION,
        CostCategory.DESENSITIZATION,
        CostCategory.CLEANING,
        CostCategory.LABELING,
        CostCategory.INTEGRATION,
        CostCategory.ANALYSIS,
        CostCategory.VISUALIZATION,
    }
)


class EventKind(StrEnum):
    """Lifecycle events of a data resource."""

    PURCHASE = "purchase"
    RD_SPEND = "rd_spend"
    PROCESSING = "processing"
    CRITERIA_MET = "criteria_met"
    READY_FOR_USE = "ready_for_use"
    AMORTIZATION = "amortization"
    IMPAIRMENT_TEST = "impairment_test"
    NRV_TEST = "nrv_test"
    SALE = "sale"
    LICENCE_REVENUE = "licence_revenue"
    LAPSE = "lapse"
    DISPOSAL = "disposal"
    PLEDGE = "pledge"
    PLEDGE_RELEASE = "pledge_release"
    CHANGE_OF_ESTIMATE = "change_of_estimate"
    CLASSIFIED_HELD_FOR_SALE = "classified_held_for_sale"  # CAS 42 持有待售
    OPENING_BALANCE = "opening_balance"  # 期初余额: balances carried when the book starts here
    CONTRIBUTION = "contribution"  # 作价出资: contributed by an investor (CAS 6 art. 14; CAS 1 art. 11)
    BUSINESS_COMBINATION = "business_combination"  # acquired in a business combination (CAS 20)
    GOVERNMENT_GRANT = "government_grant"  # free public data or data right from government (CAS 16)
    EXCHANGE = "exchange"  # 非货币性资产交换 (CAS 7): received for another non-monetary asset
    EVENT_REVERSAL = "event_reversal"  # 事项冲销: cancels a recorded event; its posted entries are reversed


class GrantMethod(StrEnum):
    """How an asset-related government grant is presented (CAS 16 art. 8), the entity's policy, stated."""

    GROSS = "gross"  # 总额法: deferred income, released to 其他收益 over the asset's life
    NET = "net"  # 净额法: deducted from the asset's carrying amount


class InventoryCostFormula(StrEnum):
    """How the cost of data inventory issued is determined (CAS 1 art. 14), chosen by policy and disclosed."""

    WEIGHTED_AVERAGE = "weighted_average"  # 移动加权平均法 moving weighted average
    PERIODIC_WEIGHTED_AVERAGE = "periodic_weighted_average"  # 月末一次加权平均法: the month's sales at month end
    FIFO = "fifo"  # 先进先出法 first in, first out
    SPECIFIC_IDENTIFICATION = "specific_identification"  # 个别计价法: the sale names its lots


class RestrictionKind(StrEnum):
    """Why a data resource's ownership or use is restricted (disclosed with its carrying amount)."""

    PLEDGE = "pledge"  # 质押
    COURT_SEIZURE = "court_seizure"  # 司法查封、冻结
    CONTRACTUAL_LOCKUP = "contractual_lockup"  # 合同约定的限制
    EXPORT_CONTROL = "export_control"  # 出境管制
    OTHER = "other"  # 其他


class RecoverableBasis(StrEnum):
    """Which of the two measures a recoverable amount is (CAS 8 art. 5): the higher of them is taken."""

    VALUE_IN_USE = "value_in_use"  # 预计未来现金流量的现值 (pre-tax, art. 12-13)
    FAIR_VALUE_LESS_COSTS_OF_DISPOSAL = "fair_value_less_costs_of_disposal"  # 公允价值减去处置费用后的净额


class AccountedThen(StrEnum):
    """How spending incurred before 2024-01-01 was accounted for when incurred (CAS 6 / CAS 1 applied then;
    财会〔2023〕11号 part 四: what was expensed is never re-capitalized)."""

    EXPENSED = "expensed"  # 当时已费用化
    CAPITALIZED = "capitalized"  # 当时已资本化


class AccountRole(StrEnum):
    """What an account is used for; the chart of accounts maps each role to a code
    (docs/accounting.md §Chart of accounts)."""

    CASH = "cash"  # 1002 银行存款
    RECEIVABLE = "receivable"  # 1122 应收账款
    DATA_INVENTORY = "data_inventory"  # 1405 库存商品—数据资源
    INVENTORY_PROVISION = "inventory_provision"  # 1471 存货跌价准备
    DATA_INTANGIBLE = "data_intangible"  # 1701 无形资产—数据资源
    ACCUMULATED_AMORTIZATION = "accumulated_amortization"  # 1702 累计摊销
    INTANGIBLE_IMPAIRMENT = "intangible_impairment"  # 1703 无形资产减值准备
    PAYABLE = "payable"  # 2202 应付账款
    STAFF_PAYABLE = "staff_payable"  # 2211 应付职工薪酬
    VAT_INPUT = "vat_input"  # 2221 应交税费—应交增值税（进项税额）
    VAT_OUTPUT = "vat_output"  # 2221 应交税费—应交增值税（销项税额）
    RETAINED_EARNINGS = "retained_earnings"  # 4104 利润分配—未分配利润 (prior periods' P&L)
    RD_EXPENSED = "rd_expensed"  # 5301 研发支出—费用化支出
    RD_CAPITALIZED = "rd_capitalized"  # 5301 研发支出—资本化支出 (开发支出)
    RD_IMPAIRMENT = "rd_impairment"  # 5301 研发支出—开发支出减值准备 (development not yet ready, CAS 8)
    REVENUE = "revenue"  # 6001 主营业务收入
    COST_OF_SALES = "cost_of_sales"  # 6401 主营业务成本
    ADMIN_EXPENSE = "admin_expense"  # 6602 管理费用
    SELLING_EXPENSE = "selling_expense"  # 6601 销售费用 (selling costs of data products, never capitalized)
    CONTRACT_COST = "contract_cost"  # 5401 合同履约成本—数据资源 (CAS 14 art. 26)
    PAID_IN_CAPITAL = "paid_in_capital"  # 4001 实收资本 (股本)
    CAPITAL_RESERVE = "capital_reserve"  # 4002 资本公积—资本溢价
    DEFERRED_INCOME = "deferred_income"  # 2401 递延收益 (asset-related government grants)
    OTHER_INCOME = "other_income"  # 6117 其他收益 (grants tied to daily activities)
    NON_OPERATING_INCOME = "non_operating_income"  # 6301 营业外收入
    CONTRACT_COST_IMPAIRMENT = "contract_cost_impairment"  # 合同履约成本减值准备 (CAS 14 art. 30)
    RD_EXPENSE = "rd_expense"  # 6602 管理费用—研发费用
    IMPAIRMENT_LOSS = "impairment_loss"  # 6701 资产减值损失
    NON_OPERATING_EXPENSE = "non_operating_expense"  # 6711 营业外支出
    DISPOSAL_GAIN = "disposal_gain"  # 6115 资产处置损益
    HELD_FOR_SALE_ASSET = "held_for_sale_asset"  # 1481 持有待售资产 (CAS 42)
    HELD_FOR_SALE_IMPAIRMENT = "held_for_sale_impairment"  # 1482 持有待售资产减值准备 (CAS 42)


class AccountCategory(StrEnum):
    """Where an account lands: balance sheet (asset, liability, equity, cost) or profit and loss."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    COST = "cost"  # 成本类 (5301 研发支出)
    PROFIT_LOSS = "profit_loss"


class Side(StrEnum):
    """Normal balance side."""

    DEBIT = "debit"
    CREDIT = "credit"


class EntryType(StrEnum):
    """Why an entry was made; drives the P&L-effect view and the R&D disclosure."""

    PURCHASE = "purchase"
    COST_CAPITALIZED = "cost_capitalized"
    COST_EXPENSED = "cost_expensed"
    RD_EXPENSED = "rd_expensed"
    RD_EXPENSED_TRANSFER = "rd_expensed_transfer"
    RD_CAPITALIZED = "rd_capitalized"
    TRANSFER_TO_INTANGIBLE = "transfer_to_intangible"
    AMORTIZATION = "amortization"
    IMPAIRMENT = "impairment"
    DEVELOPMENT_IMPAIRMENT = "development_impairment"  # 开发支出 not yet ready (CAS 8 art. 15; IAS 36.10)
    IMPAIRMENT_REVERSAL = "impairment_reversal"  # IFRS view only (IAS 36.117); never under CAS
    INVENTORY_WRITE_DOWN = "inventory_write_down"
    INVENTORY_WRITE_DOWN_REVERSAL = "inventory_write_down_reversal"
    SALE_REVENUE = "sale_revenue"
    SALE_COST = "sale_cost"
    PROVISION_RELEASE = "provision_release"
    LICENCE_REVENUE = "licence_revenue"
    LAPSE = "lapse"
    DISPOSAL = "disposal"
    HELD_FOR_SALE_TRANSFER = "held_for_sale_transfer"  # 无形资产 → 持有待售资产 (CAS 42 art. 6-7)
    HELD_FOR_SALE_IMPAIRMENT = "held_for_sale_impairment"  # write-down to fair value less costs to sell
    OPENING_BALANCE = "opening_balance"  # 期初余额 carried from the entity's previous books
    CONTRIBUTION = "contribution"  # 接受作价出资
    BUSINESS_COMBINATION = "business_combination"  # 企业合并取得
    GOVERNMENT_GRANT = "government_grant"  # 取得政府补助（非货币性）
    EXCHANGE = "exchange"  # 非货币性资产交换换入
    GRANT_RELEASE = "grant_release"  # 递延收益 released to 其他收益 over the asset's life
    CONTRACT_COST_AMORTIZATION = "contract_cost_amortization"  # 合同履约成本摊销 as the service is delivered
    CONTRACT_COST_IMPAIRMENT = "contract_cost_impairment"  # CAS 14 art. 30
    CONTRACT_COST_REVERSAL = "contract_cost_reversal"  # CAS 14 art. 31, within the cost


class Movement(StrEnum):
    """Row of disclosure Table A / B that a line on a data account feeds (财会〔2023〕11号 三（二）)."""

    # Table A, 账面原值 / 累计摊销 / 减值准备 increases and decreases
    INCREASE_PURCHASE = "increase_purchase"  # 购入
    INCREASE_INTERNAL_RD = "increase_internal_rd"  # 内部研发
    INCREASE_OTHER = "increase_other"  # 其他增加
    INCREASE_CHARGE = "increase_charge"  # 计提 (amortization, impairment, write-down)
    INCREASE_PROCESSING = "increase_processing"  # 采集加工 (Table B)
    DECREASE_DISPOSAL = "decrease_disposal"  # 处置
    DECREASE_SALE = "decrease_sale"  # 出售 (Table B)
    DECREASE_LAPSE = "decrease_lapse"  # 失效且终止确认
    DECREASE_OTHER = "decrease_other"  # 其他减少
    DECREASE_REVERSAL = "decrease_reversal"  # 转回 (Table B provision; IFRS view of Table A)
    DECREASE_WRITE_OFF = "decrease_write_off"  # 转销 (Table B provision on sale or lapse)


LABELS: dict[str, tuple[str, str]] = {
    # classification
    "intangible_asset": ("无形资产—数据资源", "intangible asset — data resources"),
    "inventory": ("存货—数据资源", "inventory — data resources"),
    "internal_rd": ("内部研发（开发支出—数据资源，达到预定用途后转入无形资产）",
                    "internal R&D (development expenditure, then intangible asset)"),
    "expense": ("费用化", "expensed as incurred"),
    "not_an_asset": ("不确认为资产（可自愿披露）", "not an asset (voluntary disclosure only)"),
    "contract_cost": ("合同履约成本（收入准则）", "contract fulfilment cost (CAS 14)"),
    "undecided": ("无法判断（缺少事实）", "undecided (facts missing)"),
    # purpose / formation / business model
    "internal_use": ("企业内部使用", "internal use"),
    "serving_customers": ("对外提供服务", "used to serve customers"),
    "held_for_sale": ("日常活动中持有以备出售", "held for sale in ordinary activities"),
    "purchased": ("外购", "purchased"),
    "self_developed": ("自行开发", "self-developed"),
    "other": ("其他方式取得", "obtained otherwise"),
    "license_copies_keep_control": ("授权使用、企业保留控制", "license copies, keep control"),
    "transfer_dataset": ("出售数据集、控制权转移", "sell the dataset, control transfers"),
    "internal_only": ("仅内部使用", "internal use only"),
    "straight_line": ("直线法", "straight-line"),
    "units_of_usage": ("工作量法（按使用量）", "units of usage"),
    # inventory cost formulas
    "weighted_average": ("移动加权平均法", "moving weighted average"),
    "periodic_weighted_average": ("月末一次加权平均法", "periodic (monthly) weighted average"),
    "fifo": ("先进先出法", "first in, first out"),
    "specific_identification": ("个别计价法", "specific identification"),
    # cost-line categories (财会〔2023〕11号 二 (一)(二))
    "purchase_price": ("购买价款", "purchase price"),
    "taxes": ("相关税费（不可抵扣）", "related taxes (non-deductible)"),
    "collection": ("数据采集", "collection"),
    "desensitization": ("脱敏", "desensitization"),
    "cleaning": ("清洗", "cleaning"),
    "labeling": ("标注", "labeling"),
    "integration": ("整合", "integration"),
    "analysis": ("分析", "analysis"),
    "visualization": ("可视化", "visualization"),
    "rights_verification": ("权属鉴证", "rights verification"),
    "quality_assessment": ("质量评估", "quality assessment"),
    "registration_settlement": ("登记结算", "registration and settlement"),
    "security_management": ("安全管理", "security management"),
    "insurance": ("保险费", "insurance"),
    "staff": ("职工薪酬", "staff costs"),
    "storage_compute": ("存储、算力", "storage and compute"),
    "other_direct": ("其他直接归属成本", "other directly attributable cost"),
    "training": ("培训费（不资本化）", "training (never capitalized)"),
    "general_admin": ("一般管理费用（不资本化）", "general administration (never capitalized)"),
    "selling": ("销售费用（不资本化）", "selling costs (never capitalized)"),
    "research": ("研究阶段支出", "research-phase spending"),
    "maintenance": ("日常维护（费用化）", "routine maintenance (expensed)"),
    # R&D phase, transition, recoverable basis, nature, grants
    "development": ("开发阶段支出", "development-phase spending"),
    "expensed": ("当时已费用化", "expensed then"),
    "capitalized": ("当时已资本化", "capitalized then"),
    "value_in_use": ("预计未来现金流量的现值（使用价值）", "value in use"),
    "fair_value_less_costs_of_disposal": ("公允价值减去处置费用后的净额", "fair value less costs of disposal"),
    "data_resource": ("数据资源", "data resource"),
    "processing_service": ("外购数据加工服务", "purchased processing service"),
    "gross": ("总额法（递延收益）", "gross (deferred income)"),
    "net": ("净额法（冲减资产账面价值）", "net (deducted from the asset)"),
    # restrictions
    "pledge": ("质押", "pledge"),
    "court_seizure": ("司法查封、冻结", "court seizure"),
    "contractual_lockup": ("合同约定限制", "contractual lock-up"),
    "export_control": ("出境管制", "export control"),
    # data rights and their sources
    "holding": ("数据资源持有权", "holding right"),
    "processing_use": ("数据加工使用权", "processing and use right"),
    "product_operation": ("数据产品经营权", "product operation right"),
    "own_collection": ("自行采集", "own collection"),
    "purchase": ("购买取得", "purchase"),
    "licence": ("授权许可", "licence"),
    "authorized_operation": ("公共数据授权运营", "authorized operation of public data"),
}

# Facts the classifier asks for when they are missing (``RecognitionDecision.missing_facts`` keys) and the
# conditions it names; (Chinese, English).
FACT_LABELS: dict[str, tuple[str, str]] = {
    "purpose": ("持有目的", "purpose of holding"),
    "formation": ("形成方式", "formation"),
    "controlled": ("是否控制", "controlled by the entity"),
    "benefits_probable": ("经济利益很可能流入", "economic benefits probable"),
    "cost_reliably_measurable": ("成本能够可靠计量", "cost reliably measurable"),
    "business_model (license copies and keep control, or transfer the dataset?)": (
        "商业模式（授权使用、企业保留控制，还是出售数据集、控制权转移？）",
        "business model (license copies and keep control, or transfer the dataset?)"),
    "business_model (internal_only contradicts purpose held_for_sale)": (
        "商业模式（“仅内部使用”与持有目的“日常活动中持有以备出售”相矛盾）",
        "business model (internal_only contradicts purpose held_for_sale)"),
    "separable or contractual_or_legal_rights": (
        "可分离 / 源自合同性权利或其他法定权利",
        "separable, or arising from contractual or other legal rights"),
    # CAS 14 art. 26 conditions of a contract fulfilment cost
    "directly_related": ("与一份当前或预期取得的合同直接相关", "directly related to a contract"),
    "generates_resources": ("增加了企业未来用于履行履约义务的资源",
                            "generates resources used to satisfy performance obligations"),
    "expected_recovered": ("预期能够收回", "expected to be recovered"),
}


def label(value: str, lang: str = "zh") -> str:
    """Chinese (``lang="zh"``) or English label of an enum value; the value itself if unknown."""
    pair = LABELS.get(str(value))
    if pair is None:
        return str(value)
    return pair[0] if lang == "zh" else pair[1]
