using System.Net;

namespace Mlflow.Deployments;

/// <summary>
/// Raised by deployment clients for every failure: an HTTP error answered by a target, a target that could not be
/// reached, a broken stream, a timeout, an operation the target does not support or an unknown target. It is an
/// <see cref="MlflowException"/>: <see cref="MlflowException.StatusCode"/>, <see cref="MlflowException.ErrorCode"/>
/// and <see cref="MlflowException.RawErrorCode"/> (the body's <c>error_code</c> or OpenAI-style <c>error.type</c>, else
/// the code MLflow derives from the HTTP status), <see cref="MlflowException.ResponseBody"/> and
/// <see cref="MlflowException.ResponseContentType"/> are set when a server answered; <see cref="Detail"/> and
/// <see cref="ValidationErrors"/> add what the deployments servers' FastAPI answers carry.
/// </summary>
public class DeploymentsException : MlflowException
{
    /// <summary>Creates an exception with a message and an optional inner exception (error code <c>INTERNAL_ERROR</c>).</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DeploymentsException(string message, Exception? innerException = null)
        : this(message, MlflowErrorCode.InternalError, innerException)
    {
    }

    /// <summary>Creates an exception with a message, an error code and an optional inner exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="errorCode">The error code (e.g. <see cref="MlflowErrorCode.InvalidParameterValue"/> for bad input).</param>
    /// <param name="innerException">The cause, if any.</param>
    public DeploymentsException(string message, MlflowErrorCode errorCode, Exception? innerException = null)
        : base(message, errorCode, innerException)
    {
    }

    /// <summary>Creates an exception for an HTTP answer that is not a success.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="details">The parsed answer.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DeploymentsException(string message, DeploymentsErrorDetails details, Exception? innerException = null)
        : base(message, ToErrorDetails(details), innerException)
    {
        Detail = details.Detail;
        ValidationErrors = details.ValidationErrors;
    }

    /// <summary>
    /// The error text: FastAPI's <c>detail</c> sentence, the <c>error</c> text of a rate-limit answer, the
    /// <c>message</c> of an MLflow error, a summary of the validation errors, or the plain-text body;
    /// <see langword="null"/> when no server answered.
    /// </summary>
    public string? Detail { get; }

    /// <summary>FastAPI validation errors (<c>{"detail": [...]}</c>, typically with 422); empty otherwise.</summary>
    public IReadOnlyList<DeploymentsValidationError> ValidationErrors { get; } = [];

    /// <summary>True when the target answered 429 (rate limit exceeded).</summary>
    public bool IsRateLimited => StatusCode == HttpStatusCode.TooManyRequests;

    private static MlflowErrorDetails ToErrorDetails(DeploymentsErrorDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var code = details.ErrorCode is { } raw ? MlflowErrorCodes.Parse(raw) : MlflowErrorCodes.FromHttpStatus((int)details.StatusCode);
        return new MlflowErrorDetails
        {
            ErrorCode = code,
            RawErrorCode = details.ErrorCode ?? code.ToWireName(),
            HasServerErrorCode = details.ErrorCode is not null,
            Message = details.Detail ?? string.Empty,
            StatusCode = details.StatusCode,
            Method = details.Method,
            RequestUri = details.RequestUri,
            ResponseBody = details.RawBody,
            ResponseContentType = details.ContentType,
        };
    }
}

/// <summary>The endpoint, deployment or route name is unknown to the target (a 404 from HTTP targets).</summary>
public sealed class DeploymentNotFoundException : DeploymentsException
{
    /// <summary>Creates the exception for a target that is not HTTP-based (plugins); error code <c>RESOURCE_DOES_NOT_EXIST</c>.</summary>
    /// <param name="message">What was not found.</param>
    public DeploymentNotFoundException(string message)
        : base(message, MlflowErrorCode.ResourceDoesNotExist)
    {
    }

    /// <summary>Creates the exception from the parsed error answer.</summary>
    /// <param name="message">What was not found.</param>
    /// <param name="details">The parsed answer.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DeploymentNotFoundException(string message, DeploymentsErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}

/// <summary>
/// The target does not implement this member of the deployment contract (MLflow's <c>NotImplementedError</c> /
/// "not supported for this deployment target").
/// </summary>
public sealed class DeploymentOperationNotSupportedException : DeploymentsException
{
    /// <summary>Creates the exception for <paramref name="operation"/> on <paramref name="targetUri"/> (error code <c>NOT_IMPLEMENTED</c>).</summary>
    /// <param name="operation">The .NET member that was called.</param>
    /// <param name="targetUri">The target URI of the client.</param>
    /// <param name="reason">Why, when the target says.</param>
    public DeploymentOperationNotSupportedException(string operation, string targetUri, string? reason = null)
        : base($"'{operation}' is not supported by this deployment target ({targetUri})." + (reason is null ? "" : " " + reason), MlflowErrorCode.NotImplemented)
    {
        Operation = operation;
        TargetUri = targetUri;
    }

    /// <summary>The .NET member that was called, e.g. <c>CreateDeploymentAsync</c>.</summary>
    public string Operation { get; }

    /// <summary>The target URI of the client.</summary>
    public string TargetUri { get; }
}

/// <summary>
/// A streaming answer failed after it started: the body broke off (the server closed the connection) or the
/// server sent an error frame (<c>data: {"error": ...}</c> or an <c>event: error</c>).
/// </summary>
public sealed class DeploymentsStreamException : DeploymentsException
{
    /// <summary>
    /// Creates the exception: error code <c>CONNECTION_FAILED</c> when the body broke off, <c>INTERNAL_ERROR</c> for
    /// an error frame.
    /// </summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="chunksReceived">Chunks delivered before the failure.</param>
    /// <param name="innerException">The transport error when the body broke off.</param>
    /// <param name="errorFrame">The server's error frame, when it sent one.</param>
    public DeploymentsStreamException(string message, int chunksReceived, Exception? innerException = null, JsonNode? errorFrame = null)
        : base(message, errorFrame is null ? MlflowErrorCode.ConnectionFailed : MlflowErrorCode.InternalError, innerException)
    {
        ChunksReceived = chunksReceived;
        ErrorFrame = errorFrame;
    }

    /// <summary>How many chunks had been delivered to the caller before the failure.</summary>
    public int ChunksReceived { get; }

    /// <summary>The error frame's JSON when the server sent one; null when the body broke off.</summary>
    public JsonNode? ErrorFrame { get; }
}

/// <summary>A request exceeded its timeout (<c>MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT</c> or the client timeout).</summary>
public sealed class DeploymentsTimeoutException : DeploymentsException
{
    /// <summary>Creates the exception (error code <c>DEADLINE_EXCEEDED</c>).</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="innerException">The cause.</param>
    public DeploymentsTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
        : base(message, MlflowErrorCode.DeadlineExceeded, innerException) => Timeout = timeout;

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>No plugin is registered for the target's name (the URI scheme).</summary>
public sealed class UnknownDeploymentTargetException : DeploymentsException
{
    /// <summary>Creates the exception (error code <c>INVALID_PARAMETER_VALUE</c>); the message lists the registered targets.</summary>
    /// <param name="target">The target name asked for.</param>
    /// <param name="registeredTargets">The registered target names.</param>
    public UnknownDeploymentTargetException(string target, IReadOnlyList<string> registeredTargets)
        : base($"No plugin found for managing model deployments to \"{target}\". Registered targets: "
               + (registeredTargets.Count == 0 ? "(none)" : string.Join(", ", registeredTargets))
               + ". Install a plugin assembly carrying [assembly: DeploymentTargetPlugin(...)] next to the application, "
               + "register one with DeploymentClients.Register or services.AddDeploymentTarget<T>().",
               MlflowErrorCode.InvalidParameterValue)
    {
        Target = target;
        RegisteredTargets = registeredTargets;
    }

    /// <summary>The target name that was asked for.</summary>
    public string Target { get; }

    /// <summary>The target names that are registered.</summary>
    public IReadOnlyList<string> RegisteredTargets { get; }
}

/// <summary>One FastAPI/pydantic validation error: <c>{"type", "loc", "msg", "input", "ctx"?}</c>.</summary>
/// <param name="Type">Error type, e.g. <c>missing</c>, <c>too_short</c>, <c>json_invalid</c>.</param>
/// <param name="Location">The <c>loc</c> path, e.g. <c>["body", "messages"]</c> (numbers rendered as text).</param>
/// <param name="Message">The <c>msg</c> sentence.</param>
/// <param name="Input">The offending <c>input</c>.</param>
/// <param name="Context">The <c>ctx</c> object, when present.</param>
public sealed record DeploymentsValidationError(
    string? Type, IReadOnlyList<string> Location, string? Message, JsonNode? Input, JsonObject? Context)
{
    /// <summary>The location joined with dots, e.g. <c>body.messages</c>.</summary>
    public string LocationPath => string.Join('.', Location);
}

/// <summary>The parsed parts of an error answer.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Detail">Error text (see <see cref="DeploymentsException.Detail"/>).</param>
/// <param name="ErrorCode">Error code when the body had one (MLflow <c>error_code</c>, OpenAI-style <c>error.type</c>).</param>
/// <param name="ValidationErrors">FastAPI validation errors.</param>
/// <param name="RawBody">Body as received.</param>
/// <param name="ContentType">Content type of the body.</param>
public sealed record DeploymentsErrorDetails(
    HttpStatusCode StatusCode,
    string? Detail,
    string? ErrorCode,
    IReadOnlyList<DeploymentsValidationError> ValidationErrors,
    string RawBody,
    string? ContentType)
{
    /// <summary>HTTP method of the request, when known.</summary>
    public string? Method { get; init; }

    /// <summary>URL of the request (user info removed), when known.</summary>
    public Uri? RequestUri { get; init; }
}
