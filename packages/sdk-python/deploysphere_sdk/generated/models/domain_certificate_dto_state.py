from enum import StrEnum

class DomainCertificateDtoState(StrEnum):
    FAILED = "FAILED"
    ISSUED = "ISSUED"
    NONE = "NONE"
    PENDING = "PENDING"
    RENEWAL_FAILING = "RENEWAL_FAILING"

    def __str__(self) -> str:
        return str(self.value)
