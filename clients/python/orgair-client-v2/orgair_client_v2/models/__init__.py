""" Contains all the data models used in inputs/outputs """

from .alert_view import AlertView
from .alert_view_kind import AlertViewKind
from .alerts_view import AlertsView
from .applied_parameters import AppliedParameters
from .assessment_attempt_view import AssessmentAttemptView
from .assessment_attempt_view_status import AssessmentAttemptViewStatus
from .assessment_llm_view import AssessmentLlmView
from .assessment_request import AssessmentRequest
from .assessment_request_sector import AssessmentRequestSector
from .assessment_view import AssessmentView
from .assumption import Assumption
from .budget_change_view import BudgetChangeView
from .company_score_input import CompanyScoreInput
from .company_score_input_sector import CompanyScoreInputSector
from .cost_summary_view import CostSummaryView
from .degraded_view import DegradedView
from .degraded_view_reason import DegradedViewReason
from .dependency_check import DependencyCheck
from .dependency_check_status import DependencyCheckStatus
from .detailed_health import DetailedHealth
from .detailed_health_status import DetailedHealthStatus
from .dimension_rating_view import DimensionRatingView
from .dimension_ratings_view import DimensionRatingsView
from .dimension_weights import DimensionWeights
from .dimensions import Dimensions
from .entries_view import EntriesView
from .evidence_provenance_view import EvidenceProvenanceView
from .evidence_provenance_view_source import EvidenceProvenanceViewSource
from .evidence_upload import EvidenceUpload
from .evidence_upload_content_type import EvidenceUploadContentType
from .evidence_upload_request import EvidenceUploadRequest
from .evidence_upload_request_content_type import EvidenceUploadRequestContentType
from .figures_view import FiguresView
from .get_open_api_document_response_200 import GetOpenApiDocumentResponse200
from .global_budget_view import GlobalBudgetView
from .global_share_view import GlobalShareView
from .health_status import HealthStatus
from .history_page import HistoryPage
from .history_page_param_version import HistoryPageParamVersion
from .individual_parameters import IndividualParameters
from .individual_score_input import IndividualScoreInput
from .individual_score_input_education_level_type_0 import IndividualScoreInputEducationLevelType0
from .individual_score_result import IndividualScoreResult
from .individual_score_result_domain_expertise_source import IndividualScoreResultDomainExpertiseSource
from .item_field_problem import ItemFieldProblem
from .item_problem import ItemProblem
from .job_budget_view import JobBudgetView
from .job_company import JobCompany
from .job_company_sector import JobCompanySector
from .job_company_view import JobCompanyView
from .job_company_view_status import JobCompanyViewStatus
from .job_counts_view import JobCountsView
from .job_list import JobList
from .job_view import JobView
from .job_view_status import JobViewStatus
from .ledger_entry import LedgerEntry
from .ledger_entry_kind import LedgerEntryKind
from .ledger_entry_source import LedgerEntrySource
from .ledger_entry_status import LedgerEntryStatus
from .list_reviews_status_type_0 import ListReviewsStatusType0
from .liveness import Liveness
from .model_reconciliation_view import ModelReconciliationView
from .model_spend_view import ModelSpendView
from .org_air_v2_result import OrgAirV2Result
from .parameter_overrides import ParameterOverrides
from .portfolio_assessment_request import PortfolioAssessmentRequest
from .portfolio_item import PortfolioItem
from .portfolio_item_status import PortfolioItemStatus
from .portfolio_request import PortfolioRequest
from .portfolio_result import PortfolioResult
from .portfolio_result_param_version import PortfolioResultParamVersion
from .portfolio_summary import PortfolioSummary
from .presigned_post import PresignedPost
from .presigned_post_fields import PresignedPostFields
from .problem_details import ProblemDetails
from .problem_field_error import ProblemFieldError
from .readiness_status import ReadinessStatus
from .reconciliation_alert_view import ReconciliationAlertView
from .reconciliation_alert_view_state import ReconciliationAlertViewState
from .reconciliation_view import ReconciliationView
from .reconciliation_view_stage import ReconciliationViewStage
from .reconciliation_view_status import ReconciliationViewStatus
from .reconciliations_view import ReconciliationsView
from .reported_weights import ReportedWeights
from .review_decision_request import ReviewDecisionRequest
from .review_decision_request_decision import ReviewDecisionRequestDecision
from .review_item import ReviewItem
from .review_item_decision_type_0 import ReviewItemDecisionType0
from .review_item_param_version import ReviewItemParamVersion
from .review_item_status import ReviewItemStatus
from .review_page import ReviewPage
from .review_reason import ReviewReason
from .review_reason_code import ReviewReasonCode
from .review_summary import ReviewSummary
from .review_summary_status import ReviewSummaryStatus
from .sector import Sector
from .simulate_request import SimulateRequest
from .simulate_request_sector import SimulateRequestSector
from .stored_score import StoredScore
from .stored_score_company_score_input import StoredScoreCompanyScoreInput
from .stored_score_company_score_input_sector import StoredScoreCompanyScoreInputSector
from .stored_score_param_version import StoredScoreParamVersion
from .tenant_budget_detail_view import TenantBudgetDetailView
from .tenant_budget_view import TenantBudgetView
from .tenant_budgets_view import TenantBudgetsView
from .tenant_share_view import TenantShareView
from .tokens_view import TokensView
from .usage_recorded import UsageRecorded
from .usage_report_body import UsageReportBody
from .usage_report_body_provider import UsageReportBodyProvider

__all__ = (
    "AlertsView",
    "AlertView",
    "AlertViewKind",
    "AppliedParameters",
    "AssessmentAttemptView",
    "AssessmentAttemptViewStatus",
    "AssessmentLlmView",
    "AssessmentRequest",
    "AssessmentRequestSector",
    "AssessmentView",
    "Assumption",
    "BudgetChangeView",
    "CompanyScoreInput",
    "CompanyScoreInputSector",
    "CostSummaryView",
    "DegradedView",
    "DegradedViewReason",
    "DependencyCheck",
    "DependencyCheckStatus",
    "DetailedHealth",
    "DetailedHealthStatus",
    "DimensionRatingsView",
    "DimensionRatingView",
    "Dimensions",
    "DimensionWeights",
    "EntriesView",
    "EvidenceProvenanceView",
    "EvidenceProvenanceViewSource",
    "EvidenceUpload",
    "EvidenceUploadContentType",
    "EvidenceUploadRequest",
    "EvidenceUploadRequestContentType",
    "FiguresView",
    "GetOpenApiDocumentResponse200",
    "GlobalBudgetView",
    "GlobalShareView",
    "HealthStatus",
    "HistoryPage",
    "HistoryPageParamVersion",
    "IndividualParameters",
    "IndividualScoreInput",
    "IndividualScoreInputEducationLevelType0",
    "IndividualScoreResult",
    "IndividualScoreResultDomainExpertiseSource",
    "ItemFieldProblem",
    "ItemProblem",
    "JobBudgetView",
    "JobCompany",
    "JobCompanySector",
    "JobCompanyView",
    "JobCompanyViewStatus",
    "JobCountsView",
    "JobList",
    "JobView",
    "JobViewStatus",
    "LedgerEntry",
    "LedgerEntryKind",
    "LedgerEntrySource",
    "LedgerEntryStatus",
    "ListReviewsStatusType0",
    "Liveness",
    "ModelReconciliationView",
    "ModelSpendView",
    "OrgAirV2Result",
    "ParameterOverrides",
    "PortfolioAssessmentRequest",
    "PortfolioItem",
    "PortfolioItemStatus",
    "PortfolioRequest",
    "PortfolioResult",
    "PortfolioResultParamVersion",
    "PortfolioSummary",
    "PresignedPost",
    "PresignedPostFields",
    "ProblemDetails",
    "ProblemFieldError",
    "ReadinessStatus",
    "ReconciliationAlertView",
    "ReconciliationAlertViewState",
    "ReconciliationsView",
    "ReconciliationView",
    "ReconciliationViewStage",
    "ReconciliationViewStatus",
    "ReportedWeights",
    "ReviewDecisionRequest",
    "ReviewDecisionRequestDecision",
    "ReviewItem",
    "ReviewItemDecisionType0",
    "ReviewItemParamVersion",
    "ReviewItemStatus",
    "ReviewPage",
    "ReviewReason",
    "ReviewReasonCode",
    "ReviewSummary",
    "ReviewSummaryStatus",
    "Sector",
    "SimulateRequest",
    "SimulateRequestSector",
    "StoredScore",
    "StoredScoreCompanyScoreInput",
    "StoredScoreCompanyScoreInputSector",
    "StoredScoreParamVersion",
    "TenantBudgetDetailView",
    "TenantBudgetsView",
    "TenantBudgetView",
    "TenantShareView",
    "TokensView",
    "UsageRecorded",
    "UsageReportBody",
    "UsageReportBodyProvider",
)
