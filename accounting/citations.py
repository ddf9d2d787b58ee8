"""Citations of the interim provisions by their own parts (财会〔2023〕11号《企业数据资源相关会计处理暂行规定》).

一 scope (适用范围); 二 which standard governs each kind of data resource, items 1–7 (数据资源会计处理适用的准则);
三 presentation (（一）资产负债表相关列示) and disclosure (（二）相关披露, with the voluntary items of 其他披露要求);
四 transition and effective date (附则: 2024-01-01, 未来适用法). Rationale texts cite these constants, so a part
is named the same way everywhere.
"""

PROVISIONS = "财会〔2023〕11号"
SCOPE = f"{PROVISIONS} 一"
STANDARDS = f"{PROVISIONS} 二"
INTANGIBLE = f"{PROVISIONS} 二、1"  # data resources used by the entity that meet CAS 6: intangible assets
INTANGIBLE_MEASUREMENT = f"{PROVISIONS} 二、2"  # cost of purchased data, processing services, useful life
SERVING_CUSTOMERS = f"{PROVISIONS} 二、3"  # serving customers: amortization to P&L or cost; CAS 14; 合同履约成本
INVENTORY = f"{PROVISIONS} 二、4"  # held for sale in ordinary activities: inventory
INVENTORY_MEASUREMENT = f"{PROVISIONS} 二、5"  # cost of purchased and processed data inventory
INVENTORY_SALE = f"{PROVISIONS} 二、6"  # sale of data inventory: cost to P&L, revenue under CAS 14
UNRECOGNIZED_SALE = f"{PROVISIONS} 二、7"  # sale of data resources not recognized as assets: CAS 14 revenue
PRESENTATION = f"{PROVISIONS} 三（一）"
DISCLOSURE = f"{PROVISIONS} 三（二）"
TRANSITION = f"{PROVISIONS} 四"
