using System.Net;
using System.Text.Json.Nodes;

namespace Mlflow.Deployments;

/// <summary>
/// Raised by deployment clients for every failure: an HTTP error answered by a target, a broken stream, a timeout,
/// an operation the target does not support or an unknown target. The HTTP fields are set when a server answered.
/// </summary>
public class DeploymentsException : Exception
{
    /// <summary>Creates an exception with a message and an optional inner exception.</summary>
    public DeploymentsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an HTTP answer that is not a success.</summary>
    public DeploymentsException(string message, DeploymentsErrorDetails details, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = details.StatusCode;
        Detail = details.Detail;
        ErrorCode = details.ErrorCode;
        ValidationErrors = details.ValidationErrors;
        RawBody = details.RawBody;
        ContentType = details.ContentType;
    }

    /// <summary>The HTTP status the target answered, when one did.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// The error text: FastAPI's <c>detail</c> sentence, the <c>error</c> text of a rate-limit answer, the
    /// <c>message</c> of an MLflow error, a summary of the validation errors, or the plain-text body.
    /// </summary>
    public string? Detail { get; }

    /// <summary>An error code when the body carried one (MLflow <c>error_code</c>, OpenAI-style <c>error.type</c>).</summary>
    public string? ErrorCode { get; }

    /// <summary>FastAPI validation errors (<c>{"detail": [...]}</c>, typically with 422); empty otherwise.</summary>
    public IReadOnlyList<DeploymentsValidationError> ValidationErrors { get; } = [];

    /// <summary>The error body exactly as received (empty when there was none).</summary>
    public string? RawBody { get; }

    /// <summary>The <c>Content-Type</c> of the error body.</summary>
    public string? ContentType { get; }

    /// <summary>True when the target answered 404 (unknown endpoint, deployment or path).</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>True when the target answered 429 (rate limit exceeded).</summary>
    public bool IsRateLimited => StatusCode == HttpStatusCode.TooManyRequests;
}

/// <summary>The endpoint, deployment or route name is unknown to the target (a 404 from HTTP targets).</summary>
public sealed class DeploymentNotFoundException : DeploymentsException
{
    /// <summary>Creates the exception for a target that is not HTTP-based (plugins).</summary>
    public DeploymentNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception from the parsed error answer.</summary>
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
    /// <summary>Creates the exception for <paramref name="operation"/> on <paramref name="targetUri"/>.</summary>
    public DeploymentOperationNotSupportedException(string operation, string targetUri, string? reason = null)
        : base($"'{operation}' is not supported by this deployment target ({targetUri})." + (reason is null ? "" : " " + reason))
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
    /// <summary>Creates the exception.</summary>
    public DeploymentsStreamException(string message, int chunksReceived, Exception? innerException = null, JsonNode? errorFrame = null)
        : base(message, innerException)
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
    /// <summary>Creates the exception.</summary>
    public DeploymentsTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
        : base(message, innerException) => Timeout = timeout;

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>No plugin is registered for the target's name (the URI scheme).</summary>
public sealed class UnknownDeploymentTargetException : DeploymentsException
{
    /// <summary>Creates the exception; the message lists the registered targets.</summary>
    public UnknownDeploymentTargetException(string target, IReadOnlyList<string> registeredTargets)
        : base($"No plugin found for managing model deployments to \"{target}\". Registered targets: "
               + (registeredTargets.Count == 0 ? "(none)" : string.Join(", ", registeredTargets))
               + ". Install a plugin assembly carrying [assembly: DeploymentTargetPlugin(...)] next to the application, "
               + "register one with DeploymentClients.Register or services.AddDeploymentTarget<T>().")
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
/// <param name="ErrorCode">Error code when the body had one.</param>
/// <param name="ValidationErrors">FastAPI validation errors.</param>
/// <param name="RawBody">Body as received.</param>
/// <param name="ContentType">Content type of the body.</param>
public sealed record DeploymentsErrorDetails(
    HttpStatusCode StatusCode,
    string? Detail,
    string? ErrorCode,
    IReadOnlyList<DeploymentsValidationError> ValidationErrors,
    string RawBody,
    string? ContentType);
