namespace Mlflow;

/// <summary>
/// An answer arrived but is not one an MLflow server writes: a success whose JSON body is cut off or corrupt, an HTML
/// page where JSON was expected (a login page or error page of a proxy in front of MLflow), a body whose
/// <c>Content-Encoding</c> does not decode. It is not retried (the same request usually gets the same answer), as
/// MLflow's Python client does not retry an answer it cannot parse. <see cref="MlflowException.StatusCode"/>,
/// <see cref="MlflowException.ResponseContentType"/>, <see cref="MlflowException.Method"/> and
/// <see cref="MlflowException.RequestUri"/> say what arrived from where, when the pipeline knew them; the body is
/// never copied into the message.
/// </summary>
public sealed class MlflowProtocolException : MlflowException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong with the answer.</param>
    /// <param name="error">Status, method, URL and content type of the answer (the code is <c>INTERNAL_ERROR</c>, as in MLflow's Python client).</param>
    /// <param name="innerException">The parser's or decoder's error.</param>
    public MlflowProtocolException(string message, MlflowErrorDetails error, Exception? innerException)
        : base(message, error, innerException)
    {
    }

    /// <summary>Details for an answer without request information (read by the JSON parser).</summary>
    /// <param name="message">The message.</param>
    /// <param name="contentType">The answer's content type.</param>
    /// <param name="status">The answer's status.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="requestUri">The request's URL (user info removed).</param>
    /// <returns>The details.</returns>
    internal static MlflowErrorDetails Details(string message, string? contentType = null, System.Net.HttpStatusCode? status = null, string? method = null, Uri? requestUri = null) => new()
    {
        ErrorCode = MlflowErrorCode.InternalError,
        RawErrorCode = "INTERNAL_ERROR",
        Message = message,
        StatusCode = status,
        Method = method,
        RequestUri = requestUri,
        ResponseContentType = contentType,
    };
}
