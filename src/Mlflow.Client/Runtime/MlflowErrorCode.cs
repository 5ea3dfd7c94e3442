// MLflow error codes (enum mlflow.ErrorCode in databricks.proto, read from spec/sources/mlflow-protos.json).
// The numbers are the proto numbers; Unknown (0) stands for a code this SDK does not know.
namespace Mlflow;

/// <summary>
/// MLflow's error codes (the <c>error_code</c> field of an error response), as in <c>mlflow.ErrorCode</c>.
/// A code sent by a newer server that this enum does not list is <see cref="Unknown"/>; the raw string is
/// always kept in <see cref="MlflowException.RawErrorCode"/>.
/// </summary>
public enum MlflowErrorCode
{
    /// <summary>A code this SDK does not know (see <see cref="MlflowException.RawErrorCode"/>), or no code at all.</summary>
    Unknown = 0,
    /// <summary><c>INTERNAL_ERROR</c>.</summary>
    InternalError = 1,
    /// <summary><c>TEMPORARILY_UNAVAILABLE</c>.</summary>
    TemporarilyUnavailable = 2,
    /// <summary><c>IO_ERROR</c>.</summary>
    IoError = 3,
    /// <summary><c>BAD_REQUEST</c>.</summary>
    BadRequest = 4,
    /// <summary><c>SERVICE_UNDER_MAINTENANCE</c>.</summary>
    ServiceUnderMaintenance = 5,
    /// <summary><c>WORKSPACE_TEMPORARILY_UNAVAILABLE</c>.</summary>
    WorkspaceTemporarilyUnavailable = 6,
    /// <summary><c>DEADLINE_EXCEEDED</c>.</summary>
    DeadlineExceeded = 7,
    /// <summary><c>CANCELLED</c>.</summary>
    Cancelled = 8,
    /// <summary><c>RESOURCE_EXHAUSTED</c>.</summary>
    ResourceExhausted = 9,
    /// <summary><c>ABORTED</c>.</summary>
    Aborted = 10,
    /// <summary><c>NOT_FOUND</c>.</summary>
    NotFound = 11,
    /// <summary><c>ALREADY_EXISTS</c>.</summary>
    AlreadyExists = 12,
    /// <summary><c>UNAUTHENTICATED</c>.</summary>
    Unauthenticated = 13,
    /// <summary><c>INVALID_PARAMETER_VALUE</c>.</summary>
    InvalidParameterValue = 1000,
    /// <summary><c>ENDPOINT_NOT_FOUND</c>.</summary>
    EndpointNotFound = 1001,
    /// <summary><c>MALFORMED_REQUEST</c>.</summary>
    MalformedRequest = 1002,
    /// <summary><c>INVALID_STATE</c>.</summary>
    InvalidState = 1003,
    /// <summary><c>PERMISSION_DENIED</c>.</summary>
    PermissionDenied = 1004,
    /// <summary><c>FEATURE_DISABLED</c>.</summary>
    FeatureDisabled = 1005,
    /// <summary><c>CUSTOMER_UNAUTHORIZED</c>.</summary>
    CustomerUnauthorized = 1006,
    /// <summary><c>REQUEST_LIMIT_EXCEEDED</c>.</summary>
    RequestLimitExceeded = 1007,
    /// <summary><c>RESOURCE_CONFLICT</c>.</summary>
    ResourceConflict = 1008,
    /// <summary><c>UNPARSEABLE_HTTP_ERROR</c>.</summary>
    UnparseableHttpError = 1009,
    /// <summary><c>NOT_IMPLEMENTED</c>.</summary>
    NotImplemented = 1010,
    /// <summary><c>DATA_LOSS</c>.</summary>
    DataLoss = 1011,
    /// <summary><c>INVALID_STATE_TRANSITION</c>.</summary>
    InvalidStateTransition = 2001,
    /// <summary><c>COULD_NOT_ACQUIRE_LOCK</c>.</summary>
    CouldNotAcquireLock = 2002,
    /// <summary><c>RESOURCE_ALREADY_EXISTS</c>.</summary>
    ResourceAlreadyExists = 3001,
    /// <summary><c>RESOURCE_DOES_NOT_EXIST</c>.</summary>
    ResourceDoesNotExist = 3002,
    /// <summary><c>QUOTA_EXCEEDED</c>.</summary>
    QuotaExceeded = 4001,
    /// <summary><c>MAX_BLOCK_SIZE_EXCEEDED</c>.</summary>
    MaxBlockSizeExceeded = 4002,
    /// <summary><c>MAX_READ_SIZE_EXCEEDED</c>.</summary>
    MaxReadSizeExceeded = 4003,
    /// <summary><c>PARTIAL_DELETE</c>.</summary>
    PartialDelete = 4004,
    /// <summary><c>MAX_LIST_SIZE_EXCEEDED</c>.</summary>
    MaxListSizeExceeded = 4005,
    /// <summary><c>DRY_RUN_FAILED</c>.</summary>
    DryRunFailed = 5001,
    /// <summary><c>RESOURCE_LIMIT_EXCEEDED</c>.</summary>
    ResourceLimitExceeded = 5002,
    /// <summary><c>DIRECTORY_NOT_EMPTY</c>.</summary>
    DirectoryNotEmpty = 6001,
    /// <summary><c>DIRECTORY_PROTECTED</c>.</summary>
    DirectoryProtected = 6002,
    /// <summary><c>MAX_NOTEBOOK_SIZE_EXCEEDED</c>.</summary>
    MaxNotebookSizeExceeded = 6003,
    /// <summary><c>MAX_CHILD_NODE_SIZE_EXCEEDED</c>.</summary>
    MaxChildNodeSizeExceeded = 6004,
    /// <summary><c>SEARCH_QUERY_TOO_LONG</c>.</summary>
    SearchQueryTooLong = 6100,
    /// <summary><c>SEARCH_QUERY_TOO_SHORT</c>.</summary>
    SearchQueryTooShort = 6101,
    /// <summary><c>MANAGED_RESOURCE_GROUP_DOES_NOT_EXIST</c>.</summary>
    ManagedResourceGroupDoesNotExist = 7001,
    /// <summary><c>PERMISSION_NOT_PROPAGATED</c>.</summary>
    PermissionNotPropagated = 7002,
    /// <summary><c>DEPLOYMENT_TIMEOUT</c>.</summary>
    DeploymentTimeout = 7003,
    /// <summary><c>GIT_CONFLICT</c>.</summary>
    GitConflict = 8001,
    /// <summary><c>GIT_UNKNOWN_REF</c>.</summary>
    GitUnknownRef = 8002,
    /// <summary><c>GIT_SENSITIVE_TOKEN_DETECTED</c>.</summary>
    GitSensitiveTokenDetected = 8003,
    /// <summary><c>GIT_URL_NOT_ON_ALLOW_LIST</c>.</summary>
    GitUrlNotOnAllowList = 8004,
    /// <summary><c>GIT_REMOTE_ERROR</c>.</summary>
    GitRemoteError = 8005,
    /// <summary><c>PROJECTS_OPERATION_TIMEOUT</c>.</summary>
    ProjectsOperationTimeout = 8006,
    /// <summary><c>IPYNB_FILE_IN_REPO</c>.</summary>
    IpynbFileInRepo = 8007,
    /// <summary><c>INSECURE_PARTNER_RESPONSE</c>.</summary>
    InsecurePartnerResponse = 8100,
    /// <summary><c>MALFORMED_PARTNER_RESPONSE</c>.</summary>
    MalformedPartnerResponse = 8101,
    /// <summary><c>METASTORE_DOES_NOT_EXIST</c>.</summary>
    MetastoreDoesNotExist = 9000,
    /// <summary><c>DAC_DOES_NOT_EXIST</c>.</summary>
    DacDoesNotExist = 9001,
    /// <summary><c>CATALOG_DOES_NOT_EXIST</c>.</summary>
    CatalogDoesNotExist = 9002,
    /// <summary><c>SCHEMA_DOES_NOT_EXIST</c>.</summary>
    SchemaDoesNotExist = 9003,
    /// <summary><c>TABLE_DOES_NOT_EXIST</c>.</summary>
    TableDoesNotExist = 9004,
    /// <summary><c>SHARE_DOES_NOT_EXIST</c>.</summary>
    ShareDoesNotExist = 9005,
    /// <summary><c>RECIPIENT_DOES_NOT_EXIST</c>.</summary>
    RecipientDoesNotExist = 9006,
    /// <summary><c>STORAGE_CREDENTIAL_DOES_NOT_EXIST</c>.</summary>
    StorageCredentialDoesNotExist = 9007,
    /// <summary><c>EXTERNAL_LOCATION_DOES_NOT_EXIST</c>.</summary>
    ExternalLocationDoesNotExist = 9008,
    /// <summary><c>PRINCIPAL_DOES_NOT_EXIST</c>.</summary>
    PrincipalDoesNotExist = 9009,
    /// <summary><c>PROVIDER_DOES_NOT_EXIST</c>.</summary>
    ProviderDoesNotExist = 9010,
    /// <summary><c>METASTORE_ALREADY_EXISTS</c>.</summary>
    MetastoreAlreadyExists = 9020,
    /// <summary><c>DAC_ALREADY_EXISTS</c>.</summary>
    DacAlreadyExists = 9021,
    /// <summary><c>CATALOG_ALREADY_EXISTS</c>.</summary>
    CatalogAlreadyExists = 9022,
    /// <summary><c>SCHEMA_ALREADY_EXISTS</c>.</summary>
    SchemaAlreadyExists = 9023,
    /// <summary><c>TABLE_ALREADY_EXISTS</c>.</summary>
    TableAlreadyExists = 9024,
    /// <summary><c>SHARE_ALREADY_EXISTS</c>.</summary>
    ShareAlreadyExists = 9025,
    /// <summary><c>RECIPIENT_ALREADY_EXISTS</c>.</summary>
    RecipientAlreadyExists = 9026,
    /// <summary><c>STORAGE_CREDENTIAL_ALREADY_EXISTS</c>.</summary>
    StorageCredentialAlreadyExists = 9027,
    /// <summary><c>EXTERNAL_LOCATION_ALREADY_EXISTS</c>.</summary>
    ExternalLocationAlreadyExists = 9028,
    /// <summary><c>PROVIDER_ALREADY_EXISTS</c>.</summary>
    ProviderAlreadyExists = 9029,
    /// <summary><c>CATALOG_NOT_EMPTY</c>.</summary>
    CatalogNotEmpty = 9040,
    /// <summary><c>SCHEMA_NOT_EMPTY</c>.</summary>
    SchemaNotEmpty = 9041,
    /// <summary><c>METASTORE_NOT_EMPTY</c>.</summary>
    MetastoreNotEmpty = 9042,
    /// <summary><c>PROVIDER_SHARE_NOT_ACCESSIBLE</c>.</summary>
    ProviderShareNotAccessible = 9060,

    /// <summary>
    /// <c>CONNECTION_FAILED</c>: a client-side code of this SDK, never sent by MLflow. No answer arrived because every
    /// attempt to reach the server failed (see <see cref="MlflowConnectionException"/>).
    /// </summary>
    ConnectionFailed = -1,
}

/// <summary>Conversions between <see cref="MlflowErrorCode"/> and MLflow's wire names.</summary>
public static partial class MlflowErrorCodes
{
    private static readonly Dictionary<string, MlflowErrorCode> ByName = new(StringComparer.Ordinal)
    {
        ["INTERNAL_ERROR"] = MlflowErrorCode.InternalError,
        ["TEMPORARILY_UNAVAILABLE"] = MlflowErrorCode.TemporarilyUnavailable,
        ["IO_ERROR"] = MlflowErrorCode.IoError,
        ["BAD_REQUEST"] = MlflowErrorCode.BadRequest,
        ["SERVICE_UNDER_MAINTENANCE"] = MlflowErrorCode.ServiceUnderMaintenance,
        ["WORKSPACE_TEMPORARILY_UNAVAILABLE"] = MlflowErrorCode.WorkspaceTemporarilyUnavailable,
        ["DEADLINE_EXCEEDED"] = MlflowErrorCode.DeadlineExceeded,
        ["CANCELLED"] = MlflowErrorCode.Cancelled,
        ["RESOURCE_EXHAUSTED"] = MlflowErrorCode.ResourceExhausted,
        ["ABORTED"] = MlflowErrorCode.Aborted,
        ["NOT_FOUND"] = MlflowErrorCode.NotFound,
        ["ALREADY_EXISTS"] = MlflowErrorCode.AlreadyExists,
        ["UNAUTHENTICATED"] = MlflowErrorCode.Unauthenticated,
        ["INVALID_PARAMETER_VALUE"] = MlflowErrorCode.InvalidParameterValue,
        ["ENDPOINT_NOT_FOUND"] = MlflowErrorCode.EndpointNotFound,
        ["MALFORMED_REQUEST"] = MlflowErrorCode.MalformedRequest,
        ["INVALID_STATE"] = MlflowErrorCode.InvalidState,
        ["PERMISSION_DENIED"] = MlflowErrorCode.PermissionDenied,
        ["FEATURE_DISABLED"] = MlflowErrorCode.FeatureDisabled,
        ["CUSTOMER_UNAUTHORIZED"] = MlflowErrorCode.CustomerUnauthorized,
        ["REQUEST_LIMIT_EXCEEDED"] = MlflowErrorCode.RequestLimitExceeded,
        ["RESOURCE_CONFLICT"] = MlflowErrorCode.ResourceConflict,
        ["UNPARSEABLE_HTTP_ERROR"] = MlflowErrorCode.UnparseableHttpError,
        ["NOT_IMPLEMENTED"] = MlflowErrorCode.NotImplemented,
        ["DATA_LOSS"] = MlflowErrorCode.DataLoss,
        ["INVALID_STATE_TRANSITION"] = MlflowErrorCode.InvalidStateTransition,
        ["COULD_NOT_ACQUIRE_LOCK"] = MlflowErrorCode.CouldNotAcquireLock,
        ["RESOURCE_ALREADY_EXISTS"] = MlflowErrorCode.ResourceAlreadyExists,
        ["RESOURCE_DOES_NOT_EXIST"] = MlflowErrorCode.ResourceDoesNotExist,
        ["QUOTA_EXCEEDED"] = MlflowErrorCode.QuotaExceeded,
        ["MAX_BLOCK_SIZE_EXCEEDED"] = MlflowErrorCode.MaxBlockSizeExceeded,
        ["MAX_READ_SIZE_EXCEEDED"] = MlflowErrorCode.MaxReadSizeExceeded,
        ["PARTIAL_DELETE"] = MlflowErrorCode.PartialDelete,
        ["MAX_LIST_SIZE_EXCEEDED"] = MlflowErrorCode.MaxListSizeExceeded,
        ["DRY_RUN_FAILED"] = MlflowErrorCode.DryRunFailed,
        ["RESOURCE_LIMIT_EXCEEDED"] = MlflowErrorCode.ResourceLimitExceeded,
        ["DIRECTORY_NOT_EMPTY"] = MlflowErrorCode.DirectoryNotEmpty,
        ["DIRECTORY_PROTECTED"] = MlflowErrorCode.DirectoryProtected,
        ["MAX_NOTEBOOK_SIZE_EXCEEDED"] = MlflowErrorCode.MaxNotebookSizeExceeded,
        ["MAX_CHILD_NODE_SIZE_EXCEEDED"] = MlflowErrorCode.MaxChildNodeSizeExceeded,
        ["SEARCH_QUERY_TOO_LONG"] = MlflowErrorCode.SearchQueryTooLong,
        ["SEARCH_QUERY_TOO_SHORT"] = MlflowErrorCode.SearchQueryTooShort,
        ["MANAGED_RESOURCE_GROUP_DOES_NOT_EXIST"] = MlflowErrorCode.ManagedResourceGroupDoesNotExist,
        ["PERMISSION_NOT_PROPAGATED"] = MlflowErrorCode.PermissionNotPropagated,
        ["DEPLOYMENT_TIMEOUT"] = MlflowErrorCode.DeploymentTimeout,
        ["GIT_CONFLICT"] = MlflowErrorCode.GitConflict,
        ["GIT_UNKNOWN_REF"] = MlflowErrorCode.GitUnknownRef,
        ["GIT_SENSITIVE_TOKEN_DETECTED"] = MlflowErrorCode.GitSensitiveTokenDetected,
        ["GIT_URL_NOT_ON_ALLOW_LIST"] = MlflowErrorCode.GitUrlNotOnAllowList,
        ["GIT_REMOTE_ERROR"] = MlflowErrorCode.GitRemoteError,
        ["PROJECTS_OPERATION_TIMEOUT"] = MlflowErrorCode.ProjectsOperationTimeout,
        ["IPYNB_FILE_IN_REPO"] = MlflowErrorCode.IpynbFileInRepo,
        ["INSECURE_PARTNER_RESPONSE"] = MlflowErrorCode.InsecurePartnerResponse,
        ["MALFORMED_PARTNER_RESPONSE"] = MlflowErrorCode.MalformedPartnerResponse,
        ["METASTORE_DOES_NOT_EXIST"] = MlflowErrorCode.MetastoreDoesNotExist,
        ["DAC_DOES_NOT_EXIST"] = MlflowErrorCode.DacDoesNotExist,
        ["CATALOG_DOES_NOT_EXIST"] = MlflowErrorCode.CatalogDoesNotExist,
        ["SCHEMA_DOES_NOT_EXIST"] = MlflowErrorCode.SchemaDoesNotExist,
        ["TABLE_DOES_NOT_EXIST"] = MlflowErrorCode.TableDoesNotExist,
        ["SHARE_DOES_NOT_EXIST"] = MlflowErrorCode.ShareDoesNotExist,
        ["RECIPIENT_DOES_NOT_EXIST"] = MlflowErrorCode.RecipientDoesNotExist,
        ["STORAGE_CREDENTIAL_DOES_NOT_EXIST"] = MlflowErrorCode.StorageCredentialDoesNotExist,
        ["EXTERNAL_LOCATION_DOES_NOT_EXIST"] = MlflowErrorCode.ExternalLocationDoesNotExist,
        ["PRINCIPAL_DOES_NOT_EXIST"] = MlflowErrorCode.PrincipalDoesNotExist,
        ["PROVIDER_DOES_NOT_EXIST"] = MlflowErrorCode.ProviderDoesNotExist,
        ["METASTORE_ALREADY_EXISTS"] = MlflowErrorCode.MetastoreAlreadyExists,
        ["DAC_ALREADY_EXISTS"] = MlflowErrorCode.DacAlreadyExists,
        ["CATALOG_ALREADY_EXISTS"] = MlflowErrorCode.CatalogAlreadyExists,
        ["SCHEMA_ALREADY_EXISTS"] = MlflowErrorCode.SchemaAlreadyExists,
        ["TABLE_ALREADY_EXISTS"] = MlflowErrorCode.TableAlreadyExists,
        ["SHARE_ALREADY_EXISTS"] = MlflowErrorCode.ShareAlreadyExists,
        ["RECIPIENT_ALREADY_EXISTS"] = MlflowErrorCode.RecipientAlreadyExists,
        ["STORAGE_CREDENTIAL_ALREADY_EXISTS"] = MlflowErrorCode.StorageCredentialAlreadyExists,
        ["EXTERNAL_LOCATION_ALREADY_EXISTS"] = MlflowErrorCode.ExternalLocationAlreadyExists,
        ["PROVIDER_ALREADY_EXISTS"] = MlflowErrorCode.ProviderAlreadyExists,
        ["CATALOG_NOT_EMPTY"] = MlflowErrorCode.CatalogNotEmpty,
        ["SCHEMA_NOT_EMPTY"] = MlflowErrorCode.SchemaNotEmpty,
        ["METASTORE_NOT_EMPTY"] = MlflowErrorCode.MetastoreNotEmpty,
        ["PROVIDER_SHARE_NOT_ACCESSIBLE"] = MlflowErrorCode.ProviderShareNotAccessible,
        // Client-side (this SDK only).
        ["CONNECTION_FAILED"] = MlflowErrorCode.ConnectionFailed,
    };

    private static readonly Dictionary<MlflowErrorCode, string> ByCode = ByName.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>Parses a wire name such as <c>RESOURCE_DOES_NOT_EXIST</c>; unknown or missing names give <see cref="MlflowErrorCode.Unknown"/>.</summary>
    /// <param name="name">The <c>error_code</c> string.</param>
    /// <returns>The code, or <see cref="MlflowErrorCode.Unknown"/>.</returns>
    public static MlflowErrorCode Parse(string? name) =>
        name is not null && ByName.TryGetValue(name.Trim(), out var code) ? code : MlflowErrorCode.Unknown;

    /// <summary>The wire name of a code (<c>RESOURCE_DOES_NOT_EXIST</c>); <c>UNKNOWN</c> for <see cref="MlflowErrorCode.Unknown"/>.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The name MLflow uses on the wire.</returns>
    public static string ToWireName(this MlflowErrorCode code) => ByCode.TryGetValue(code, out var name) ? name : "UNKNOWN";
}
