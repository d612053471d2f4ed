# Information classification, protection requirements and self-assessment
