""" Contains all the data models used in inputs/outputs """

from .accept_invitation_request_dto import AcceptInvitationRequestDto
from .add_domain_request_dto import AddDomainRequestDto
from .alias_dto import AliasDto
from .alias_dto_state import AliasDtoState
from .analytics_bucket_dto import AnalyticsBucketDto
from .analytics_totals_dto import AnalyticsTotalsDto
from .app_instance_dto import AppInstanceDto
from .app_instance_dto_runtime import AppInstanceDtoRuntime
from .app_instance_dto_state import AppInstanceDtoState
from .app_instance_list_dto import AppInstanceListDto
from .change_member_role_request_dto import ChangeMemberRoleRequestDto
from .change_member_role_request_dto_role import ChangeMemberRoleRequestDtoRole
from .create_invitation_request_dto import CreateInvitationRequestDto
from .create_invitation_request_dto_role import CreateInvitationRequestDtoRole
from .create_project_request_dto import CreateProjectRequestDto
from .create_project_request_dto_framework_type_1 import CreateProjectRequestDtoFrameworkType1
from .create_project_request_dto_framework_type_2_type_1 import CreateProjectRequestDtoFrameworkType2Type1
from .create_project_request_dto_framework_type_3_type_1 import CreateProjectRequestDtoFrameworkType3Type1
from .create_project_request_dto_runtime_type_1 import CreateProjectRequestDtoRuntimeType1
from .create_project_request_dto_runtime_type_2_type_1 import CreateProjectRequestDtoRuntimeType2Type1
from .create_project_request_dto_runtime_type_3_type_1 import CreateProjectRequestDtoRuntimeType3Type1
from .create_team_request_dto import CreateTeamRequestDto
from .create_team_token_request_dto import CreateTeamTokenRequestDto
from .create_team_token_request_dto_role import CreateTeamTokenRequestDtoRole
from .create_token_request_dto import CreateTokenRequestDto
from .create_token_request_dto_scopes_item import CreateTokenRequestDtoScopesItem
from .created_invitation_dto import CreatedInvitationDto
from .created_invitation_dto_role import CreatedInvitationDtoRole
from .created_token_dto import CreatedTokenDto
from .created_token_dto_role_type_1 import CreatedTokenDtoRoleType1
from .created_token_dto_role_type_2_type_1 import CreatedTokenDtoRoleType2Type1
from .created_token_dto_role_type_3_type_1 import CreatedTokenDtoRoleType3Type1
from .created_token_dto_scopes_item import CreatedTokenDtoScopesItem
from .delete_env_var_target import DeleteEnvVarTarget
from .deployment_dto import DeploymentDto
from .deployment_dto_runtime_type_1 import DeploymentDtoRuntimeType1
from .deployment_dto_runtime_type_2_type_1 import DeploymentDtoRuntimeType2Type1
from .deployment_dto_runtime_type_3_type_1 import DeploymentDtoRuntimeType3Type1
from .deployment_dto_source import DeploymentDtoSource
from .deployment_dto_status import DeploymentDtoStatus
from .deployment_dto_target import DeploymentDtoTarget
from .deployment_page import DeploymentPage
from .domain_certificate_dto import DomainCertificateDto
from .domain_certificate_dto_state import DomainCertificateDtoState
from .domain_dto import DomainDto
from .domain_page import DomainPage
from .duration_dto import DurationDto
from .env_var_dto import EnvVarDto
from .env_var_dto_target import EnvVarDtoTarget
from .env_var_list_dto import EnvVarListDto
from .field_error_dto import FieldErrorDto
from .get_deployment_logs_stream import GetDeploymentLogsStream
from .get_project_analytics_interval import GetProjectAnalyticsInterval
from .git_credential_request_dto import GitCredentialRequestDto
from .git_push_payload_dto import GitPushPayloadDto
from .git_push_payload_dto_head_commit import GitPushPayloadDtoHeadCommit
from .git_webhook_result_dto import GitWebhookResultDto
from .git_webhook_result_dto_outcome import GitWebhookResultDtoOutcome
from .invitation_dto import InvitationDto
from .invitation_dto_role import InvitationDtoRole
from .invitation_list_dto import InvitationListDto
from .invitation_preview_dto import InvitationPreviewDto
from .invitation_preview_dto_role import InvitationPreviewDtoRole
from .list_deployments_status import ListDeploymentsStatus
from .list_deployments_target import ListDeploymentsTarget
from .log_line_dto import LogLineDto
from .log_line_dto_stream import LogLineDtoStream
from .log_line_page import LogLinePage
from .me_dto import MeDto
from .me_dto_role_type_1 import MeDtoRoleType1
from .me_dto_role_type_2_type_1 import MeDtoRoleType2Type1
from .me_dto_role_type_3_type_1 import MeDtoRoleType3Type1
from .member_dto import MemberDto
from .member_dto_role import MemberDtoRole
from .member_list_dto import MemberListDto
from .problem_details_dto import ProblemDetailsDto
from .project_analytics_dto import ProjectAnalyticsDto
from .project_analytics_dto_interval import ProjectAnalyticsDtoInterval
from .project_dto import ProjectDto
from .project_dto_framework_type_1 import ProjectDtoFrameworkType1
from .project_dto_framework_type_2_type_1 import ProjectDtoFrameworkType2Type1
from .project_dto_framework_type_3_type_1 import ProjectDtoFrameworkType3Type1
from .project_dto_runtime_type_1 import ProjectDtoRuntimeType1
from .project_dto_runtime_type_2_type_1 import ProjectDtoRuntimeType2Type1
from .project_dto_runtime_type_3_type_1 import ProjectDtoRuntimeType3Type1
from .project_git_dto import ProjectGitDto
from .project_page import ProjectPage
from .promotion_dto import PromotionDto
from .promotion_dto_state import PromotionDtoState
from .request_deployment_request_dto import RequestDeploymentRequestDto
from .request_deployment_request_dto_target import RequestDeploymentRequestDtoTarget
from .request_deployment_target import RequestDeploymentTarget
from .rollback_project_request_dto import RollbackProjectRequestDto
from .session_dto import SessionDto
from .session_list_dto import SessionListDto
from .set_env_var_request_dto import SetEnvVarRequestDto
from .set_env_var_request_dto_targets_item import SetEnvVarRequestDtoTargetsItem
from .set_project_git_request_dto import SetProjectGitRequestDto
from .set_up_first_owner_request_dto import SetUpFirstOwnerRequestDto
from .setup_done_dto import SetupDoneDto
from .setup_status_dto import SetupStatusDto
from .sign_in_request_dto import SignInRequestDto
from .signed_in_dto import SignedInDto
from .status_classes_dto import StatusClassesDto
from .team_dto import TeamDto
from .team_page import TeamPage
from .team_summary_dto import TeamSummaryDto
from .team_with_role_dto import TeamWithRoleDto
from .team_with_role_dto_role import TeamWithRoleDtoRole
from .token_dto import TokenDto
from .token_dto_role_type_1 import TokenDtoRoleType1
from .token_dto_role_type_2_type_1 import TokenDtoRoleType2Type1
from .token_dto_role_type_3_type_1 import TokenDtoRoleType3Type1
from .token_dto_scopes_item import TokenDtoScopesItem
from .token_page import TokenPage
from .top_path_dto import TopPathDto
from .update_project_request_dto import UpdateProjectRequestDto
from .update_project_request_dto_framework_type_1 import UpdateProjectRequestDtoFrameworkType1
from .update_project_request_dto_framework_type_2_type_1 import UpdateProjectRequestDtoFrameworkType2Type1
from .update_project_request_dto_framework_type_3_type_1 import UpdateProjectRequestDtoFrameworkType3Type1
from .update_project_request_dto_runtime_type_1 import UpdateProjectRequestDtoRuntimeType1
from .update_project_request_dto_runtime_type_2_type_1 import UpdateProjectRequestDtoRuntimeType2Type1
from .update_project_request_dto_runtime_type_3_type_1 import UpdateProjectRequestDtoRuntimeType3Type1
from .user_dto import UserDto
from .verification_failed_problem_dto import VerificationFailedProblemDto
from .verification_failed_problem_dto_lookup_error import VerificationFailedProblemDtoLookupError
from .verification_record_dto import VerificationRecordDto
from .verification_record_dto_type import VerificationRecordDtoType

__all__ = (
    "AcceptInvitationRequestDto",
    "AddDomainRequestDto",
    "AliasDto",
    "AliasDtoState",
    "AnalyticsBucketDto",
    "AnalyticsTotalsDto",
    "AppInstanceDto",
    "AppInstanceDtoRuntime",
    "AppInstanceDtoState",
    "AppInstanceListDto",
    "ChangeMemberRoleRequestDto",
    "ChangeMemberRoleRequestDtoRole",
    "CreatedInvitationDto",
    "CreatedInvitationDtoRole",
    "CreatedTokenDto",
    "CreatedTokenDtoRoleType1",
    "CreatedTokenDtoRoleType2Type1",
    "CreatedTokenDtoRoleType3Type1",
    "CreatedTokenDtoScopesItem",
    "CreateInvitationRequestDto",
    "CreateInvitationRequestDtoRole",
    "CreateProjectRequestDto",
    "CreateProjectRequestDtoFrameworkType1",
    "CreateProjectRequestDtoFrameworkType2Type1",
    "CreateProjectRequestDtoFrameworkType3Type1",
    "CreateProjectRequestDtoRuntimeType1",
    "CreateProjectRequestDtoRuntimeType2Type1",
    "CreateProjectRequestDtoRuntimeType3Type1",
    "CreateTeamRequestDto",
    "CreateTeamTokenRequestDto",
    "CreateTeamTokenRequestDtoRole",
    "CreateTokenRequestDto",
    "CreateTokenRequestDtoScopesItem",
    "DeleteEnvVarTarget",
    "DeploymentDto",
    "DeploymentDtoRuntimeType1",
    "DeploymentDtoRuntimeType2Type1",
    "DeploymentDtoRuntimeType3Type1",
    "DeploymentDtoSource",
    "DeploymentDtoStatus",
    "DeploymentDtoTarget",
    "DeploymentPage",
    "DomainCertificateDto",
    "DomainCertificateDtoState",
    "DomainDto",
    "DomainPage",
    "DurationDto",
    "EnvVarDto",
    "EnvVarDtoTarget",
    "EnvVarListDto",
    "FieldErrorDto",
    "GetDeploymentLogsStream",
    "GetProjectAnalyticsInterval",
    "GitCredentialRequestDto",
    "GitPushPayloadDto",
    "GitPushPayloadDtoHeadCommit",
    "GitWebhookResultDto",
    "GitWebhookResultDtoOutcome",
    "InvitationDto",
    "InvitationDtoRole",
    "InvitationListDto",
    "InvitationPreviewDto",
    "InvitationPreviewDtoRole",
    "ListDeploymentsStatus",
    "ListDeploymentsTarget",
    "LogLineDto",
    "LogLineDtoStream",
    "LogLinePage",
    "MeDto",
    "MeDtoRoleType1",
    "MeDtoRoleType2Type1",
    "MeDtoRoleType3Type1",
    "MemberDto",
    "MemberDtoRole",
    "MemberListDto",
    "ProblemDetailsDto",
    "ProjectAnalyticsDto",
    "ProjectAnalyticsDtoInterval",
    "ProjectDto",
    "ProjectDtoFrameworkType1",
    "ProjectDtoFrameworkType2Type1",
    "ProjectDtoFrameworkType3Type1",
    "ProjectDtoRuntimeType1",
    "ProjectDtoRuntimeType2Type1",
    "ProjectDtoRuntimeType3Type1",
    "ProjectGitDto",
    "ProjectPage",
    "PromotionDto",
    "PromotionDtoState",
    "RequestDeploymentRequestDto",
    "RequestDeploymentRequestDtoTarget",
    "RequestDeploymentTarget",
    "RollbackProjectRequestDto",
    "SessionDto",
    "SessionListDto",
    "SetEnvVarRequestDto",
    "SetEnvVarRequestDtoTargetsItem",
    "SetProjectGitRequestDto",
    "SetupDoneDto",
    "SetUpFirstOwnerRequestDto",
    "SetupStatusDto",
    "SignedInDto",
    "SignInRequestDto",
    "StatusClassesDto",
    "TeamDto",
    "TeamPage",
    "TeamSummaryDto",
    "TeamWithRoleDto",
    "TeamWithRoleDtoRole",
    "TokenDto",
    "TokenDtoRoleType1",
    "TokenDtoRoleType2Type1",
    "TokenDtoRoleType3Type1",
    "TokenDtoScopesItem",
    "TokenPage",
    "TopPathDto",
    "UpdateProjectRequestDto",
    "UpdateProjectRequestDtoFrameworkType1",
    "UpdateProjectRequestDtoFrameworkType2Type1",
    "UpdateProjectRequestDtoFrameworkType3Type1",
    "UpdateProjectRequestDtoRuntimeType1",
    "UpdateProjectRequestDtoRuntimeType2Type1",
    "UpdateProjectRequestDtoRuntimeType3Type1",
    "UserDto",
    "VerificationFailedProblemDto",
    "VerificationFailedProblemDtoLookupError",
    "VerificationRecordDto",
    "VerificationRecordDtoType",
)
