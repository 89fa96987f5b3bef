from enum import StrEnum

class GitWebhookResultDtoOutcome(StrEnum):
    DEPLOYMENT_CREATED = "DEPLOYMENT_CREATED"
    IGNORED_BRANCH_DELETED = "IGNORED_BRANCH_DELETED"
    IGNORED_EVENT = "IGNORED_EVENT"
    IGNORED_REF = "IGNORED_REF"
    IGNORED_TAG = "IGNORED_TAG"
    PONG = "PONG"

    def __str__(self) -> str:
        return str(self.value)
