using System.Net;
using System.Text.Json;

namespace Mlflow;

/// <summary>
/// An error reported by MLflow (any non-2xx answer) or met on the way to it. Subclasses make the common cases easy
/// to catch: <see cref="MlflowNotFoundException"/>, <see cref="MlflowAlreadyExistsException"/>,
/// <see cref="MlflowBadRequestException"/>, <see cref="MlflowUnauthenticatedException"/>,
/// <see cref="MlflowPermissionDeniedException"/>, <see cref="MlflowConflictException"/>,
/// <see cref="MlflowRateLimitException"/>, <see cref="MlflowServerException"/>,
/// <see cref="MlflowTransportException"/> (<see cref="MlflowConnectionException"/>, <see cref="MlflowTimeoutException"/>)
/// and <see cref="MlflowConfigurationException"/>.
/// </summary>
public class MlflowException : Exception
{
    /// <summary>Creates an exception with a message and an error code.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">MLflow error code.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MlflowException(string message, MlflowErrorCode errorCode = MlflowErrorCode.InternalError, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        RawErrorCode = errorCode.ToWireName();
        ServerMessage = message;
    }

    /// <summary>Creates an exception from a parsed error response.</summary>
    /// <param name="error">The parsed error.</param>
    public MlflowException(MlflowErrorDetails error)
        : this((error ?? throw new ArgumentNullException(nameof(error))).ToString(), error, null)
    {
    }

    /// <summary>
    /// Creates an exception with a message of its own from a parsed error answer (for MLflow-related clients whose
    /// errors describe themselves differently, such as deployments).
    /// </summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="error">The parsed error.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected MlflowException(string message, MlflowErrorDetails error, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        ErrorCode = error.ErrorCode;
        RawErrorCode = error.RawErrorCode;
        ServerMessage = error.Message;
        StatusCode = error.StatusCode;
        Method = error.Method;
        RequestUri = error.RequestUri;
        ResponseBody = error.ResponseBody;
        ResponseContentType = error.ResponseContentType;
        ErrorJson = error.ErrorJson;
    }

    /// <summary>MLflow's error code; <see cref="MlflowErrorCode.Unknown"/> for a code this SDK does not know.</summary>
    public MlflowErrorCode ErrorCode { get; }

    /// <summary>
    /// The error code as a string: the body's <c>error_code</c> when there was one (kept even when unknown to
    /// <see cref="MlflowErrorCode"/>), else the code derived from the HTTP status as MLflow's Python client does.
    /// </summary>
    public string RawErrorCode { get; }

    /// <summary>The server's message (MLflow's <c>message</c>, FastAPI's <c>detail</c>, or the text of the body).</summary>
    public string ServerMessage { get; }

    /// <summary>HTTP status of the final answer, or <see langword="null"/> when no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>HTTP method of the request.</summary>
    public string? Method { get; }

    /// <summary>URL of the request (user info removed).</summary>
    public Uri? RequestUri { get; }

    /// <summary>The response body as text (empty when the body was empty).</summary>
    public string? ResponseBody { get; }

    /// <summary>The response <c>Content-Type</c>.</summary>
    public string? ResponseContentType { get; }

    /// <summary>The JSON error object when the body was JSON (MLflow's <c>{error_code, message, ...}</c> or FastAPI's <c>{detail}</c>).</summary>
    public JsonElement? ErrorJson { get; }

    /// <summary>
    /// True when the error says the resource does not exist (<c>RESOURCE_DOES_NOT_EXIST</c>, <c>NOT_FOUND</c>,
    /// <c>ENDPOINT_NOT_FOUND</c> or HTTP 404); false for <see cref="MlflowOperationNotSupportedException"/>, a missing
    /// feature of the server rather than a missing resource.
    /// </summary>
    public bool IsNotFound =>
        this is not MlflowOperationNotSupportedException
        && (this is MlflowNotFoundException
        || StatusCode == HttpStatusCode.NotFound
        || ErrorCode is MlflowErrorCode.ResourceDoesNotExist or MlflowErrorCode.NotFound or MlflowErrorCode.EndpointNotFound);
}

/// <summary>The resource does not exist: <c>RESOURCE_DOES_NOT_EXIST</c>, <c>NOT_FOUND</c>, <c>ENDPOINT_NOT_FOUND</c>, or HTTP 404.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowNotFoundException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>The resource already exists: <c>RESOURCE_ALREADY_EXISTS</c> (HTTP 400 in MLflow) or <c>ALREADY_EXISTS</c>.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowAlreadyExistsException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>The request was rejected as invalid: <c>INVALID_PARAMETER_VALUE</c>, <c>BAD_REQUEST</c>, or HTTP 400/405/422.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowBadRequestException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>Missing or wrong credentials: <c>UNAUTHENTICATED</c>, <c>CUSTOMER_UNAUTHORIZED</c>, or HTTP 401.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowUnauthenticatedException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>The caller may not do this: <c>PERMISSION_DENIED</c> or HTTP 403.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowPermissionDeniedException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>A conflicting change: <c>RESOURCE_CONFLICT</c>, <c>ABORTED</c>, or HTTP 409.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowConflictException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>Too many requests: <c>REQUEST_LIMIT_EXCEEDED</c>, <c>RESOURCE_EXHAUSTED</c>, or HTTP 429 (after the retries).</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowRateLimitException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>A server-side failure: any other 5xx answer (after the retries), e.g. <c>INTERNAL_ERROR</c> or <c>FEATURE_DISABLED</c>.</summary>
/// <param name="error">The parsed error.</param>
public sealed class MlflowServerException(MlflowErrorDetails error) : MlflowException(error);

/// <summary>
/// No answer arrived, after the retries: the connection failed (<see cref="MlflowConnectionException"/>) or the
/// request timed out (<see cref="MlflowTimeoutException"/>).
/// </summary>
public class MlflowTransportException : MlflowException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The error code.</param>
    /// <param name="method">HTTP method.</param>
    /// <param name="requestUri">Request URL.</param>
    /// <param name="innerException">The transport error.</param>
    public MlflowTransportException(string message, MlflowErrorCode errorCode, string? method, Uri? requestUri, Exception? innerException)
        : base(message, errorCode, innerException)
    {
        TransportMethod = method;
        TransportUri = requestUri;
    }

    /// <summary>HTTP method of the failed request.</summary>
    public string? TransportMethod { get; }

    /// <summary>URL of the failed request.</summary>
    public Uri? TransportUri { get; }
}

/// <summary>The request timed out on every attempt (<c>DEADLINE_EXCEEDED</c>).</summary>
/// <param name="message">What went wrong.</param>
/// <param name="method">HTTP method.</param>
/// <param name="requestUri">Request URL.</param>
/// <param name="innerException">The timeout.</param>
public sealed class MlflowTimeoutException(string message, string? method, Uri? requestUri, Exception? innerException)
    : MlflowTransportException(message, MlflowErrorCode.DeadlineExceeded, method, requestUri, innerException);

/// <summary>The client configuration is missing or inconsistent (<c>INVALID_PARAMETER_VALUE</c>).</summary>
/// <param name="message">What is wrong and how to fix it.</param>
public sealed class MlflowConfigurationException(string message) : MlflowException(message, MlflowErrorCode.InvalidParameterValue);

/// <summary>A parsed MLflow error answer; the input of the <see cref="MlflowException"/> constructors.</summary>
public sealed record MlflowErrorDetails
{
    /// <summary>The code.</summary>
    public MlflowErrorCode ErrorCode { get; init; }
    /// <summary>The code as a string.</summary>
    public required string RawErrorCode { get; init; }
    /// <summary>The server's message.</summary>
    public required string Message { get; init; }
    /// <summary>True when the body carried the code; false when it was derived from the HTTP status.</summary>
    public bool HasServerErrorCode { get; init; }
    /// <summary>HTTP status.</summary>
    public HttpStatusCode? StatusCode { get; init; }
    /// <summary>HTTP method.</summary>
    public string? Method { get; init; }
    /// <summary>Request URL.</summary>
    public Uri? RequestUri { get; init; }
    /// <summary>Response body text.</summary>
    public string? ResponseBody { get; init; }
    /// <summary>Response content type.</summary>
    public string? ResponseContentType { get; init; }
    /// <summary>JSON error object, when the body was JSON.</summary>
    public JsonElement? ErrorJson { get; init; }

    /// <summary>A one-line description: <c>CODE: message (HTTP 404, GET url)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var status = StatusCode is { } s ? $"HTTP {(int)s}" : "no HTTP status";
        return Method is null && RequestUri is null
            ? $"{RawErrorCode}: {Message} ({status})"
            : $"{RawErrorCode}: {Message} ({status}, {Method} {RequestUri})";
    }
}
